import { Injectable, Logger } from '@nestjs/common';
import {
  AuthorizerRpcErrorCodes,
  DomainEventTypes,
  createEnvelope,
  uuidV5,
  type AuthorizationAuthorizedData,
  type AuthorizationUnauthorizedData,
} from '@wxop/contracts';
import { inTransaction } from '@wxop/database';
import { Inbox, TransactionalOutbox } from '@wxop/messaging';
import { WechatApiClient, WechatApiError, isTransientWechatFailure } from '@wxop/wechat-api';
import { DataSource, type EntityManager } from 'typeorm';

import { LinkRepository, type LinkRecord } from '../links/link.repository';
import { AuthorizerError } from '../shared/authorizer.errors';
import { codeHash } from '../shared/hash.util';
import { TokenClient } from '../shared/token.client';
import {
  AuthorizerRepository,
  type AuthorizerProfile,
  type GrantRecord,
  type GrantRecorder,
} from './authorizer.repository';

/**
 * Namespace of the v5 UUIDs of `authorization.*` events. DO NOT CHANGE: the id of an
 * authorization's event must stay the same across versions and replicas, so that the push and the
 * landing page (whichever records it second, on whatever replica, before or after a deployment)
 * and every subscriber's inbox agree that it is one event.
 */
export const AUTHORIZATION_EVENT_ID_NAMESPACE = 'fa4eacf4-c1e9-4eee-be3f-efa07908ec8e';

/** The event id of the authorization granted with this auth code. */
export function authorizationEventId(componentAppid: string, authCodeHash: string): string {
  return uuidV5(`grant|${componentAppid}|${authCodeHash}`, AUTHORIZATION_EVENT_ID_NAMESPACE);
}

/** The event id of the unauthorization announced by this push. */
export function unauthorizationEventId(pushEventId: string): string {
  return uuidV5(`unauthorized|${pushEventId}`, AUTHORIZATION_EVENT_ID_NAMESPACE);
}

/** Inbox consumer names. DO NOT RENAME: processed event ids are recorded under them. */
export const InboxConsumers = {
  Authorized: 'authorizer.authorization-pushes.authorized',
  Unauthorized: 'authorizer.authorization-pushes.unauthorized',
} as const;

export interface GrantInput {
  componentAppid: string;
  authCode: string;
  recordedBy: GrantRecorder;
  /** The landing page's link. */
  link?: LinkRecord;
  /** The push's `PreAuthCode`, to find the link by. */
  preAuthCode?: string;
  /** `updateauthorized` said so (push); otherwise decided from our state. */
  update?: boolean;
  /** The push's envelope id: recorded in the inbox in the grant's transaction. */
  pushEventId?: string;
  /** When the merchant authorized (the push's CreateTime); now otherwise. */
  authorizedAt?: Date;
  correlationId?: string;
}

/**
 * Authorizations (ARCHITECTURE.md flow 2). The push and the landing page both bring the auth code;
 * whichever comes first has the token service exchange it (idempotent by code there), fetches the
 * profile, and records the grant with its `authorization.authorized` / `.updated` in ONE
 * transaction through the outbox. The second finds the grant (keyed by the code's hash) and
 * announces nothing, so each authorization is published once, and only after the token service
 * holds the credentials.
 */
@Injectable()
export class AuthorizationsService {
  private readonly logger = new Logger(AuthorizationsService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly authorizers: AuthorizerRepository,
    private readonly links: LinkRepository,
    private readonly token: TokenClient,
    private readonly wechat: WechatApiClient,
    private readonly outbox: TransactionalOutbox,
    private readonly inbox: Inbox,
  ) {}

  async grant(input: GrantInput): Promise<GrantRecord> {
    const hash = codeHash(input.authCode);
    const known = await this.authorizers.findGrant(hash);
    if (known) {
      if (input.pushEventId)
        await this.inbox.process(InboxConsumers.Authorized, input.pushEventId, async () => 0);
      return known;
    }
    const exchanged = await this.exchange(input.componentAppid, input.authCode);
    const profile = await this.profile(input.componentAppid, exchanged.authorizerAppid);
    const link =
      input.link ??
      (input.preAuthCode
        ? await this.links.findByPreAuthCodeHash(input.componentAppid, codeHash(input.preAuthCode))
        : undefined);
    const record = async (manager: EntityManager): Promise<GrantRecord> => {
      // A plain read, no lock: the grant's insert below is what serialises concurrent recorders of
      // this code (the second waits on its key, then finds it), so they cannot deadlock on gaps.
      const current = await this.authorizers.status(manager, input.componentAppid, exchanged.authorizerAppid);
      const update = input.update ?? current === 'authorized';
      const eventType = update
        ? DomainEventTypes.AuthorizationUpdated
        : DomainEventTypes.AuthorizationAuthorized;
      const grant: GrantRecord = {
        componentAppid: input.componentAppid,
        authorizerAppid: exchanged.authorizerAppid,
        funcInfo: exchanged.funcInfo,
        eventType,
        eventId: authorizationEventId(input.componentAppid, hash),
        recordedBy: input.recordedBy,
      };
      if (link) grant.linkId = link.id;
      if (link?.bizRef !== undefined) grant.bizRef = link.bizRef;
      if (!(await this.authorizers.insertGrant(manager, { ...grant, codeHash: hash }))) {
        return (await this.authorizers.findGrant(hash, manager))!;
      }
      await this.authorizers.storeAuthorized(manager, {
        componentAppid: grant.componentAppid,
        authorizerAppid: grant.authorizerAppid,
        funcInfo: grant.funcInfo,
        bizRef: grant.bizRef,
        authorizedAt: input.authorizedAt ?? new Date(),
        ...profile,
      });
      await this.outbox.add(
        manager,
        createEnvelope<string, AuthorizationAuthorizedData>(
          eventType,
          { funcInfo: grant.funcInfo, ...profile, bizRef: grant.bizRef ?? null },
          {
            id: grant.eventId,
            componentAppid: grant.componentAppid,
            authorizerAppid: grant.authorizerAppid,
            correlationId: input.correlationId,
          },
        ),
      );
      this.logger.log({
        msg: 'authorization recorded',
        componentAppid: grant.componentAppid,
        authorizerAppid: grant.authorizerAppid,
        eventType,
        recordedBy: grant.recordedBy,
        linkId: grant.linkId,
      });
      return grant;
    };
    const result = input.pushEventId
      ? ((await this.inbox.process(InboxConsumers.Authorized, input.pushEventId, record)).result ??
        (await this.authorizers.findGrant(hash))!)
      : await inTransaction(this.dataSource, record);
    void this.outbox.relay();
    return result;
  }

  /** `unauthorized`: kept as `unauthorized`, announced once per push (inbox + deterministic id). */
  async unauthorize(input: {
    componentAppid: string;
    authorizerAppid: string;
    unauthorizedAt: Date;
    pushEventId: string;
  }): Promise<void> {
    const { duplicate } = await this.inbox.process(
      InboxConsumers.Unauthorized,
      input.pushEventId,
      async (manager) => {
        await this.authorizers.storeUnauthorized(
          manager,
          input.componentAppid,
          input.authorizerAppid,
          input.unauthorizedAt,
        );
        await this.outbox.add(
          manager,
          createEnvelope<string, AuthorizationUnauthorizedData>(
            DomainEventTypes.AuthorizationUnauthorized,
            { unauthorizedAt: input.unauthorizedAt.toISOString() },
            {
              id: unauthorizationEventId(input.pushEventId),
              componentAppid: input.componentAppid,
              authorizerAppid: input.authorizerAppid,
              correlationId: input.pushEventId,
            },
          ),
        );
      },
    );
    if (!duplicate) {
      this.logger.log({
        msg: 'unauthorization recorded',
        componentAppid: input.componentAppid,
        authorizerAppid: input.authorizerAppid,
      });
    }
    void this.outbox.relay();
  }

  private async exchange(componentAppid: string, authCode: string) {
    try {
      return await this.token.exchangeAuthCode(componentAppid, authCode);
    } catch (error) {
      if (error instanceof AuthorizerError && error.code === AuthorizerRpcErrorCodes.WechatRejected) {
        throw new AuthorizerError(
          AuthorizerRpcErrorCodes.AuthCodeRejected,
          `WeChat refused the auth code: ${error.message}`,
          error.details,
        );
      }
      throw error;
    }
  }

  /** `api_get_authorizer_info` with the component token; `MiniProgramInfo` present ⇒ mini program. */
  private async profile(componentAppid: string, authorizerAppid: string): Promise<AuthorizerProfile> {
    const { accessToken } = await this.token.componentAccessToken(componentAppid);
    try {
      const { authorizerInfo } = await this.wechat.getAuthorizerInfo(
        accessToken,
        componentAppid,
        authorizerAppid,
      );
      return {
        authorizerType: authorizerInfo['MiniProgramInfo'] !== undefined ? 'mini_program' : 'official_account',
        nickName: text(authorizerInfo['nick_name'], 255),
        userName: text(authorizerInfo['user_name'], 64),
      };
    } catch (error) {
      // A superseded component token (40001/42001) is replaced by the token service; try again later.
      if (isTransientWechatFailure(error) || (error instanceof WechatApiError && error.tokenRejected)) {
        throw new AuthorizerError(
          AuthorizerRpcErrorCodes.Unavailable,
          `api_get_authorizer_info failed: ${(error as Error).message}`,
          undefined,
          { cause: error },
        );
      }
      if (error instanceof WechatApiError) {
        throw new AuthorizerError(AuthorizerRpcErrorCodes.WechatRejected, error.message, {
          errcode: error.errcode,
        });
      }
      throw error;
    }
  }
}

function text(value: unknown, max: number): string {
  return typeof value === 'string' ? value.slice(0, max) : '';
}
