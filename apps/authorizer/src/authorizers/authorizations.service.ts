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
import { DataSource, type EntityManager } from 'typeorm';

import { LinkRepository, type LinkRecord } from '../links/link.repository';
import { AuthorizerError } from '../shared/authorizer.errors';
import { codeHash } from '../shared/hash.util';
import { TokenClient } from '../shared/token.client';
import {
  AuthorizationGrantRepository,
  type GrantRecord,
  type GrantRecorder,
} from './authorization-grant.repository';
import { AuthorizationRepository, type CurrentAuthorization } from './authorization.repository';
import { AuthorizerHistoryRepository } from './authorizer-history.repository';
import { announcedProfile } from './profile.util';
import { ProfilesService, type AuthorizerReading } from './profiles.service';

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
  FastRegistration: 'authorizer.authorization-pushes.fast-registration',
} as const;

/** How long an auth code lives at most (WeChat: 600 s documented, 3600 s observed). */
const AUTH_CODE_MAX_AGE_MS = 3_600_000;
/** Slack between a push's CreateTime and the `auth_time` api_get_authorizer_list reports for it. */
const AUTH_TIME_SLACK_MS = 2_000;

/**
 * True when a full sync already recorded and announced the authorization this code belongs to
 * (the account authorized while we were not listening, and its push or redirect arrives late):
 * the sync saw an `auth_time` at least as new as the push's CreateTime, or, without a push time
 * (landing page), within an auth code's lifetime.
 */
export function announcedBySync(
  current: CurrentAuthorization | undefined,
  authorizedAt: Date | undefined,
  now: Date,
  linkCreatedAt?: Date,
): boolean {
  if (current?.status !== 'authorized' || current.authorizedVia !== 'sync' || !current.authorizedAt)
    return false;
  if (!current.announcedEventId) return false;
  // Through a link made after the authorization the sync saw: a new authorization, not that one.
  if (linkCreatedAt && linkCreatedAt.getTime() > current.authorizedAt.getTime()) return false;
  return authorizedAt
    ? authorizedAt.getTime() <= current.authorizedAt.getTime() + AUTH_TIME_SLACK_MS
    : current.authorizedAt.getTime() >= now.getTime() - AUTH_CODE_MAX_AGE_MS;
}

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
  /** The inbox consumer the push is recorded under (default: the authorized pushes'). */
  inboxConsumer?: string;
  /** More to record in the grant's transaction (a fast registration's row). */
  alsoRecord?: (manager: EntityManager, grant: GrantRecord) => Promise<void>;
  /**
   * The code was not exchanged: the token service got the refresh token from WeChat's authorizer
   * list instead, and the profile was read (recovery). No exchange then.
   */
  recovered?: { authorizerAppid: string; funcInfo: number[]; reading: AuthorizerReading };
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
    private readonly authorizers: AuthorizationRepository,
    private readonly grants: AuthorizationGrantRepository,
    private readonly history: AuthorizerHistoryRepository,
    private readonly links: LinkRepository,
    private readonly token: TokenClient,
    private readonly profiles: ProfilesService,
    private readonly outbox: TransactionalOutbox,
    private readonly inbox: Inbox,
  ) {}

  async grant(input: GrantInput): Promise<GrantRecord> {
    const hash = codeHash(input.authCode);
    const inboxConsumer = input.inboxConsumer ?? InboxConsumers.Authorized;
    const known = await this.grants.findGrant(hash);
    if (known) {
      if (input.pushEventId) {
        await this.inbox.process(inboxConsumer, input.pushEventId, async (manager) => {
          await input.alsoRecord?.(manager, known);
        });
      }
      return known;
    }
    const exchanged = input.recovered ?? (await this.exchange(input.componentAppid, input.authCode));
    const { profile } =
      input.recovered?.reading ?? (await this.profiles.read(input.componentAppid, exchanged.authorizerAppid));
    const link =
      input.link ??
      (input.preAuthCode
        ? await this.links.findByPreAuthCodeHash(input.componentAppid, codeHash(input.preAuthCode))
        : undefined);
    const record = async (manager: EntityManager): Promise<GrantRecord> => {
      // A plain read, no lock: the grant's insert below is what serialises concurrent recorders of
      // this code (the second waits on its key, then finds it), so they cannot deadlock on gaps.
      const current = await this.authorizers.current(
        input.componentAppid,
        exchanged.authorizerAppid,
        manager,
      );
      const authorizedAt = input.authorizedAt ?? new Date();
      const bySync = announcedBySync(current, input.authorizedAt, new Date(), link?.createdAt);
      const update = !bySync && (input.update ?? current?.status === 'authorized');
      const eventType = update
        ? DomainEventTypes.AuthorizationUpdated
        : DomainEventTypes.AuthorizationAuthorized;
      const eventId = authorizationEventId(input.componentAppid, hash);
      const grant: GrantRecord = {
        componentAppid: input.componentAppid,
        authorizerAppid: exchanged.authorizerAppid,
        funcInfo: exchanged.funcInfo,
        eventType,
        // Announced already by the sync: the grant points at that event, and none is added.
        eventId: bySync ? current!.announcedEventId! : eventId,
        recordedBy: input.recordedBy,
      };
      if (link) grant.linkId = link.id;
      if (link?.bizRef !== undefined) grant.bizRef = link.bizRef;
      if (!(await this.grants.insertGrant(manager, { ...grant, codeHash: hash }))) {
        return (await this.grants.findGrant(hash, manager))!;
      }
      await input.alsoRecord?.(manager, grant);
      if (bySync) {
        this.logger.log({
          msg: 'authorization already announced by a sync',
          componentAppid: grant.componentAppid,
          authorizerAppid: grant.authorizerAppid,
          recordedBy: grant.recordedBy,
        });
        return grant;
      }
      await this.authorizers.storeAuthorized(manager, {
        componentAppid: grant.componentAppid,
        authorizerAppid: grant.authorizerAppid,
        funcInfo: grant.funcInfo,
        bizRef: grant.bizRef,
        authorizedAt,
        authorizedVia: grant.recordedBy,
        announcedEventId: eventId,
        profile,
      });
      await this.history.addHistory(manager, [
        {
          componentAppid: grant.componentAppid,
          authorizerAppid: grant.authorizerAppid,
          status: update ? 'updated' : 'authorized',
          source: grant.recordedBy,
          funcInfo: grant.funcInfo,
          bizRef: grant.bizRef ?? null,
          eventId,
          occurredAt: authorizedAt,
        },
      ]);
      await this.outbox.add(
        manager,
        createEnvelope<string, AuthorizationAuthorizedData>(
          eventType,
          { funcInfo: grant.funcInfo, ...announcedProfile(profile), bizRef: grant.bizRef ?? null },
          {
            id: eventId,
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
      ? ((await this.inbox.process(inboxConsumer, input.pushEventId, record)).result ??
        (await this.grants.findGrant(hash))!)
      : await inTransaction(this.dataSource, record);
    void this.outbox.relay();
    return result;
  }

  /**
   * `unauthorized`: kept as `unauthorized`, announced once per push (inbox + deterministic id). An
   * account already unauthorized (a sync found it missing before the push came) is announced no
   * second time.
   */
  async unauthorize(input: {
    componentAppid: string;
    authorizerAppid: string;
    unauthorizedAt: Date;
    pushEventId: string;
  }): Promise<void> {
    const { duplicate, result: recorded } = await this.inbox.process(
      InboxConsumers.Unauthorized,
      input.pushEventId,
      async (manager) => {
        const current = await this.authorizers.current(input.componentAppid, input.authorizerAppid, manager);
        await this.authorizers.storeUnauthorized(
          manager,
          input.componentAppid,
          input.authorizerAppid,
          input.unauthorizedAt,
        );
        if (current?.status === 'unauthorized') return false;
        const eventId = unauthorizationEventId(input.pushEventId);
        await this.history.addHistory(manager, [
          {
            componentAppid: input.componentAppid,
            authorizerAppid: input.authorizerAppid,
            status: 'unauthorized',
            source: 'push',
            eventId,
            occurredAt: input.unauthorizedAt,
          },
        ]);
        await this.outbox.add(
          manager,
          createEnvelope<string, AuthorizationUnauthorizedData>(
            DomainEventTypes.AuthorizationUnauthorized,
            { unauthorizedAt: input.unauthorizedAt.toISOString() },
            {
              id: eventId,
              componentAppid: input.componentAppid,
              authorizerAppid: input.authorizerAppid,
              correlationId: input.pushEventId,
            },
          ),
        );
        return true;
      },
    );
    if (!duplicate) {
      this.logger.log({
        msg: recorded ? 'unauthorization recorded' : 'unauthorization already recorded',
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
}
