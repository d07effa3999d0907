import { Injectable, Logger } from '@nestjs/common';
import {
  AuthorizationFailureReasons,
  AuthorizerRpcErrorCodes,
  DomainEventTypes,
  createEnvelope,
  uuidV5,
  type AuthorizationFailedData,
  type AuthorizationFailureReason,
} from '@wxop/contracts';
import { Inbox, TransactionalOutbox } from '@wxop/messaging';
import { MetricsService } from '@wxop/observability';
import { WechatApiClient } from '@wxop/wechat-api';

import {
  AUTHORIZATION_EVENT_ID_NAMESPACE,
  AuthorizationsService,
  InboxConsumers,
  type GrantInput,
} from '../authorizers/authorizations.service';
import { asAuthorizerError, ProfilesService } from '../authorizers/profiles.service';
import { AuthorizerConfig } from '../config/authorizer.config';
import { LinkRepository, type LinkRecord } from '../links/link.repository';
import { AuthorizerError } from '../shared/authorizer.errors';
import { codeHash } from '../shared/hash.util';
import { TokenClient } from '../shared/token.client';
import { AuthorizationOutcomeRepository } from './authorization-outcome.repository';

/** api_get_authorizer_list's largest page. */
const LIST_PAGE_SIZE = 500;

/** The event id of the `authorization.failed` of this auth code (the same on every replica and retry). */
export function authorizationFailedEventId(componentAppid: string, authCodeHash: string): string {
  return uuidV5(`failed|${componentAppid}|${authCodeHash}`, AUTHORIZATION_EVENT_ID_NAMESPACE);
}

/** An `authorized` push whose grant failed: what the recovery needs of it. */
export interface PushedAuthorization extends GrantInput {
  /** The push's `AuthorizerAppid`. */
  authorizerAppid: string;
  pushEventId: string;
  /** When the code expires (from the push); recovery starts only after it. */
  codeExpiresAt: Date;
}

/** How the delivery stands: from the consumer's DeliveryContext. */
export interface DeliveryState {
  /** A failure now sends the push to the DLQ: decide instead. */
  lastAttempt: boolean;
}

export type PushOutcome = 'granted' | 'recovered' | 'failed';

/**
 * An authorization is never silently lost (issue #12). An `authorized` push is granted as usual
 * while its code lives, retried through the broker on outages. When the code can no longer be
 * exchanged (its life ran out during an outage, or WeChat refuses it: a timed-out exchange may have
 * used it), WeChat's authorizer list is asked: a refresh token there is handed to the token service
 * as a full sync does, and the authorization is recorded and announced as usual (source
 * `recovery`). Otherwise it is recorded as failed with its reason and announced as
 * `authorization.failed`, once, with an error log line and a metric. While the list cannot be read,
 * the recovery is retried for AUTHORIZER_RECOVERY_WINDOW_SECONDS past the code's expiry.
 */
@Injectable()
export class AuthorizationRecoveryService {
  private readonly logger = new Logger(AuthorizationRecoveryService.name);
  private readonly outcomes;

  constructor(
    private readonly authorizations: AuthorizationsService,
    private readonly records: AuthorizationOutcomeRepository,
    private readonly links: LinkRepository,
    private readonly token: TokenClient,
    private readonly profiles: ProfilesService,
    private readonly wechat: WechatApiClient,
    private readonly outbox: TransactionalOutbox,
    private readonly inbox: Inbox,
    private readonly config: AuthorizerConfig,
    metrics: MetricsService,
  ) {
    this.outcomes = metrics.counter(
      'wxop_authorizer_code_exchange_outcomes_total',
      'Authorizations whose code could not be exchanged, by outcome (recovered, failed) and reason',
      ['outcome', 'reason'],
    );
  }

  /** Grants the pushed authorization, or recovers it, or reports it failed; throws to be retried. */
  async complete(push: PushedAuthorization, delivery: DeliveryState, now = new Date()): Promise<PushOutcome> {
    let failure: AuthorizerError;
    try {
      await this.authorizations.grant(push);
      return 'granted';
    } catch (error) {
      if (!(error instanceof AuthorizerError)) throw error;
      failure = error;
    }
    if (failure.code === AuthorizerRpcErrorCodes.AuthCodeRejected) {
      return this.recover(push, delivery, now, AuthorizationFailureReasons.AuthCodeRejected, failure);
    }
    if (!failure.transient) throw failure;
    // The code may still be exchanged: retried through the broker on the consumer's schedule.
    if (now < push.codeExpiresAt && !delivery.lastAttempt) throw failure;
    return this.recover(push, delivery, now, AuthorizationFailureReasons.AuthCodeExpired, failure);
  }

  private async recover(
    push: PushedAuthorization,
    delivery: DeliveryState,
    now: Date,
    reason: AuthorizationFailureReason,
    cause: AuthorizerError,
  ): Promise<PushOutcome> {
    const hash = codeHash(push.authCode);
    const known = await this.records.find(hash);
    if (known) return known.outcome;
    const link = await this.linkOf(push);
    try {
      const refreshToken = await this.listedRefreshToken(push.componentAppid, push.authorizerAppid);
      if (refreshToken) {
        await this.grantRecovered(push, link, refreshToken, reason, cause);
        return 'recovered';
      }
    } catch (error) {
      const recoveryError = asAuthorizerError(error, 'recovery') as Error;
      if (!(recoveryError instanceof AuthorizerError && recoveryError.transient)) throw recoveryError;
      const windowEnds = push.codeExpiresAt.getTime() + this.config.AUTHORIZER_RECOVERY_WINDOW_SECONDS * 1000;
      if (now.getTime() < windowEnds && !delivery.lastAttempt) {
        this.logger.warn({
          msg: 'authorization recovery failed, will retry',
          componentAppid: push.componentAppid,
          authorizerAppid: push.authorizerAppid,
          error: recoveryError.message,
        });
        throw recoveryError;
      }
      return this.fail(push, link, AuthorizationFailureReasons.RecoveryUnavailable, cause, recoveryError);
    }
    return this.fail(push, link, reason, cause);
  }

  /** The refresh token api_get_authorizer_list holds for the account, read page by page until found. */
  private async listedRefreshToken(
    componentAppid: string,
    authorizerAppid: string,
  ): Promise<string | undefined> {
    const { accessToken } = await this.token.componentAccessToken(componentAppid);
    for (let offset = 0; ; offset += LIST_PAGE_SIZE) {
      const page = await this.wechat.getAuthorizerList(accessToken, {
        componentAppid,
        offset,
        count: LIST_PAGE_SIZE,
      });
      const entry = page.list.find((listed) => listed.authorizerAppid === authorizerAppid);
      if (entry) return entry.refreshToken;
      if (page.list.length === 0 || offset + LIST_PAGE_SIZE >= page.totalCount) return undefined;
    }
  }

  /** Hands the listed refresh token over (credentials first), then records the grant as usual. */
  private async grantRecovered(
    push: PushedAuthorization,
    link: LinkRecord | undefined,
    listedRefreshToken: string,
    reason: AuthorizationFailureReason,
    cause: AuthorizerError,
  ): Promise<void> {
    const reading = await this.profiles.read(push.componentAppid, push.authorizerAppid);
    const authTime = push.authorizedAt ? Math.floor(push.authorizedAt.getTime() / 1000) : undefined;
    await this.token.importRefreshTokens(push.componentAppid, [
      {
        authorizerAppid: push.authorizerAppid,
        refreshToken: reading.refreshToken ?? listedRefreshToken,
        funcInfo: reading.funcInfo,
        ...(authTime ? { authTime } : {}),
      },
    ]);
    const grant = await this.authorizations.grant({
      ...push,
      link,
      recordedBy: 'recovery',
      recovered: { authorizerAppid: push.authorizerAppid, funcInfo: reading.funcInfo, reading },
      alsoRecord: async (manager, recorded) => {
        await this.records.insert(manager, {
          codeHash: codeHash(push.authCode),
          componentAppid: push.componentAppid,
          authorizerAppid: push.authorizerAppid,
          outcome: 'recovered',
          errcode: cause.details?.errcode,
          detail: `${reason}: ${cause.message}`,
          linkId: link?.id,
          bizRef: link?.bizRef,
          authorizedAt: push.authorizedAt,
          eventId: recorded.eventId,
        });
      },
    });
    this.outcomes.inc({ outcome: 'recovered', reason });
    this.logger.warn({
      msg: 'authorization recovered through the authorizer list',
      componentAppid: push.componentAppid,
      authorizerAppid: push.authorizerAppid,
      reason,
      eventId: grant.eventId,
    });
  }

  /** Recorded as failed and announced once (`authorization.failed`, deterministic id), in one transaction. */
  private async fail(
    push: PushedAuthorization,
    link: LinkRecord | undefined,
    reason: AuthorizationFailureReason,
    cause: AuthorizerError,
    recoveryError?: Error,
  ): Promise<PushOutcome> {
    const hash = codeHash(push.authCode);
    const eventId = authorizationFailedEventId(push.componentAppid, hash);
    const errcode = cause.details?.errcode;
    const detail = recoveryError
      ? `${cause.message}; the authorizer list could not be read: ${recoveryError.message}`
      : `${cause.message}; the authorizer list holds no refresh token for the account`;
    const { result: recorded } = await this.inbox.process(
      push.inboxConsumer ?? InboxConsumers.Authorized,
      push.pushEventId,
      async (manager) => {
        const inserted = await this.records.insert(manager, {
          codeHash: hash,
          componentAppid: push.componentAppid,
          authorizerAppid: push.authorizerAppid,
          outcome: 'failed',
          reason,
          errcode,
          detail,
          linkId: link?.id,
          bizRef: link?.bizRef,
          authorizedAt: push.authorizedAt,
          eventId,
        });
        if (!inserted) return false;
        await this.outbox.add(
          manager,
          createEnvelope<string, AuthorizationFailedData>(
            DomainEventTypes.AuthorizationFailed,
            { reason, ...(errcode !== undefined ? { errcode } : {}), bizRef: link?.bizRef ?? null },
            {
              id: eventId,
              componentAppid: push.componentAppid,
              authorizerAppid: push.authorizerAppid,
              correlationId: push.correlationId,
            },
          ),
        );
        return true;
      },
    );
    if (recorded) {
      this.outcomes.inc({ outcome: 'failed', reason });
      this.logger.error({
        msg: 'authorization failed: the merchant must authorize again',
        componentAppid: push.componentAppid,
        authorizerAppid: push.authorizerAppid,
        reason,
        errcode,
        detail,
        linkId: link?.id,
        eventId,
      });
    }
    void this.outbox.relay();
    return 'failed';
  }

  private async linkOf(push: PushedAuthorization): Promise<LinkRecord | undefined> {
    if (push.link) return push.link;
    return push.preAuthCode
      ? this.links.findByPreAuthCodeHash(push.componentAppid, codeHash(push.preAuthCode))
      : undefined;
  }
}
