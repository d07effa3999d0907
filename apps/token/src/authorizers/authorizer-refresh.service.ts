import { Inject, Injectable, Logger } from '@nestjs/common';
import { inTransaction } from '@wxop/database';
import { TransactionalOutbox } from '@wxop/messaging';
import { AUTHORIZATION_LOST_CODES, WechatApiClient, WechatApiError } from '@wxop/wechat-api';
import { DataSource } from 'typeorm';

import { ComponentTokensService } from '../components/component-tokens.service';
import { TokenConfig } from '../config/token.config';
import { refreshInSeconds, retryInSeconds } from '../shared/refresh-timing.util';
import { REPLICA_ID } from '../shared/replica-id';
import { sleep } from '../shared/single-flight.util';
import { TokenMetrics } from '../shared/token.metrics';
import { invalidEnvelope } from './authorizer-events.util';
import { AuthorizerTokenCacheService } from './authorizer-token-cache.service';
import {
  AuthorizerRepository,
  type ClaimedAuthorizer,
  type CompletedRefresh,
  type IssuedCredentials,
} from './authorizer.repository';
import { GroupCommit } from './group-commit.util';

/** What one refresh came to, for the scheduler's accounting. */
export type RefreshOutcome = 'ok' | 'lease_lost' | 'invalid' | 'failed';

/**
 * Most refreshes stored by one statement. Refreshes that finish while a store runs are stored
 * together by the next (a group commit): at 50 refreshes in flight, one UPDATE and one commit per
 * refresh were most of the database's work and a good part of this process's.
 */
const STORE_BATCH_MAX = 100;

/** Runs a database write up to 3 times (200, 400 ms apart); the last failure is thrown. */
async function retryStore<T>(write: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      if (attempt >= 3) throw error;
      await sleep(200 * attempt);
    }
  }
}

/**
 * One api_authorizer_token call for an authorizer whose lease the caller holds (wechat-protocol.md
 * §3.4): the refresh token WeChat returns is always stored, a failure is stored for a retry with
 * backoff, and 61023/61003 end the credentials with `token.authorizer.invalid`.
 */
@Injectable()
export class AuthorizerRefreshService {
  private readonly logger = new Logger(AuthorizerRefreshService.name);
  private readonly stores = new GroupCommit<CompletedRefresh, boolean>(
    (completed) => this.authorizers.completeRefreshes(this.replicaId, completed),
    STORE_BATCH_MAX,
  );

  constructor(
    private readonly authorizers: AuthorizerRepository,
    private readonly componentTokens: ComponentTokensService,
    private readonly wechat: WechatApiClient,
    private readonly outbox: TransactionalOutbox,
    private readonly dataSource: DataSource,
    private readonly config: TokenConfig,
    @Inject(REPLICA_ID) private readonly replicaId: string,
    private readonly metrics: TokenMetrics,
    private readonly cache: AuthorizerTokenCacheService,
  ) {}

  /**
   * One refresh of a claimed authorizer (the caller holds its lease), scheduled or on demand.
   * Never throws for WeChat's answers: failures are stored (retried with backoff) and counted.
   * `onAnswered` runs as soon as the WeChat call has settled, before its result is stored: the
   * scheduler's slots limit calls to WeChat, not the database writes behind them.
   */
  async refreshClaimed(claimed: ClaimedAuthorizer, onAnswered?: () => void): Promise<RefreshOutcome> {
    const { componentAppid, authorizerAppid } = claimed;
    let issued: IssuedCredentials;
    try {
      issued = await this.callAuthorizerToken(componentAppid, authorizerAppid, claimed.refreshToken);
    } catch (error) {
      onAnswered?.();
      return this.onRefreshFailure(claimed, error);
    }
    onAnswered?.();
    // WeChat has answered: its refresh token may be a new one that must not be lost to a database
    // hiccup, so storing is retried on its own (it is idempotent under our lease).
    this.cache.remember(
      componentAppid,
      authorizerAppid,
      issued.accessToken,
      Date.now() + issued.expiresIn * 1000,
    );
    const stored = await retryStore(() =>
      this.stores.submit({ componentAppid, authorizerAppid, credentials: issued }),
    );
    this.metrics.refreshes.inc({ kind: 'authorizer', result: stored ? 'ok' : 'lease_lost', errcode: '0' });
    if (!stored) this.cache.forget(componentAppid, authorizerAppid);
    return stored ? 'ok' : 'lease_lost';
  }

  private async callAuthorizerToken(
    componentAppid: string,
    authorizerAppid: string,
    refreshToken: string,
  ): Promise<IssuedCredentials> {
    const { accessToken: componentToken } = await this.componentTokens.accessToken(componentAppid);
    const call = (token: string) =>
      this.wechat.authorizerToken(token, { componentAppid, authorizerAppid, refreshToken });
    let issued;
    try {
      issued = await call(componentToken);
    } catch (error) {
      // The component token was superseded or expired: compare-and-set it, then one more try.
      if (!(error instanceof WechatApiError && error.tokenRejected)) throw error;
      const renewed = await this.componentTokens.invalidate(componentAppid, componentToken);
      issued = await call(renewed.accessToken);
    }
    return {
      ...issued,
      refreshInSeconds: refreshInSeconds(
        issued.expiresIn,
        this.config.TOKEN_REFRESH_LEAD_SECONDS,
        this.config.TOKEN_REFRESH_SPREAD_SECONDS,
      ),
    };
  }

  private async onRefreshFailure(claimed: ClaimedAuthorizer, error: unknown): Promise<RefreshOutcome> {
    const { componentAppid, authorizerAppid } = claimed;
    const errcode = error instanceof WechatApiError ? error.errcode : undefined;
    const reason = error instanceof Error ? error.message : String(error);
    if (errcode !== undefined && AUTHORIZATION_LOST_CODES.has(errcode)) {
      const changed = await inTransaction(this.dataSource, async (manager) => {
        const ended = await this.authorizers.deactivate(
          manager,
          componentAppid,
          authorizerAppid,
          'invalid',
          errcode,
        );
        if (ended) {
          await this.outbox.add(
            manager,
            invalidEnvelope(componentAppid, authorizerAppid, errcode, claimed.refreshToken),
          );
        }
        return ended;
      });
      this.cache.forget(componentAppid, authorizerAppid);
      this.metrics.refreshes.inc({ kind: 'authorizer', result: 'invalid', errcode: String(errcode) });
      if (changed) {
        void this.outbox.relay();
        this.logger.warn({
          msg: 'authorizer refresh token refused: marked invalid',
          componentAppid,
          authorizerAppid,
          errcode,
        });
      }
      return 'invalid';
    }
    this.metrics.refreshes.inc({
      kind: 'authorizer',
      result: 'error',
      errcode: String(errcode ?? 'transport'),
    });
    const record = await this.authorizers.find(componentAppid, authorizerAppid).catch(() => undefined);
    await this.authorizers
      .failRefresh(
        componentAppid,
        authorizerAppid,
        this.replicaId,
        reason,
        retryInSeconds(record?.failures ?? 0),
      )
      .catch(() => undefined);
    this.logger.warn({
      msg: 'authorizer token refresh failed',
      componentAppid,
      authorizerAppid,
      errcode,
      error: reason,
    });
    return 'failed';
  }
}
