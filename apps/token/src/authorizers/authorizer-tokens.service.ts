import { Inject, Injectable, Logger } from '@nestjs/common';
import { inTransaction } from '@wxop/database';
import {
  APPID_PATTERN,
  DomainEventTypes,
  IMPORT_REFRESH_TOKENS_MAX,
  TokenRpcErrorCodes,
  createEnvelope,
  uuidV5,
  type AccessTokenReply,
  type AuthCodeExchangeReply,
  type AuthorizerCredentialSummary,
  type EventEnvelope,
  type ImportRefreshTokensReply,
  type TokenAuthorizerInvalidData,
  type TokenAuthorizerIssuedData,
  type TokenIssueSource,
} from '@wxop/contracts';
import { TransactionalOutbox } from '@wxop/messaging';
import { AUTHORIZATION_LOST_CODES, WechatApiClient, WechatApiError } from '@wxop/wechat-api';
import { DataSource, type EntityManager } from 'typeorm';

import { ComponentTokensService } from '../components/component-tokens.service';
import { ComponentRepository } from '../components/component.repository';
import { TokenConfig } from '../config/token.config';
import { refreshInSeconds, retryInSeconds } from '../shared/refresh-timing.util';
import { REPLICA_ID } from '../shared/replica-id';
import { SingleFlight, sleep } from '../shared/single-flight.util';
import { TokenError } from '../shared/token.errors';
import { TokenMetrics } from '../shared/token.metrics';
import { AuthCodeRepository } from './auth-code.repository';
import {
  AuthorizerRepository,
  type AuthorizerRecord,
  type ClaimedAuthorizer,
  type IssuedCredentials,
} from './authorizer.repository';

/** Namespace of the deterministic ids of `token.authorizer.*` events. DO NOT CHANGE (consumers dedupe by id). */
const TOKEN_EVENT_ID_NAMESPACE = '3b0f8a52-6a43-5b7e-8d0c-2f4e9c1b7a60';

/** api_query_auth errcodes that refuse the code itself (wechat-protocol.md §3.3): remembered, never retried. */
const CODE_REFUSED: ReadonlySet<number> = new Set([61009, 61010]);

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

interface CachedToken {
  accessToken: string;
  expiresAt: number;
  readUntil: number;
}

/** What one refresh came to, for the scheduler's accounting. */
export type RefreshOutcome = 'ok' | 'lease_lost' | 'invalid' | 'failed';

/**
 * Authorizer credentials (wechat-protocol.md §3.3, §3.4, §6.1): auth codes exchanged once whoever
 * asks, tokens refreshed under a lease, the refresh token WeChat returns always kept, 61023/61003
 * ending the credentials with `token.authorizer.invalid`, rejected tokens invalidated by
 * compare-and-set. Reads come from memory, with the database as truth.
 */
@Injectable()
export class AuthorizerTokensService {
  private readonly logger = new Logger(AuthorizerTokensService.name);
  private readonly cache = new Map<string, CachedToken>();
  private readonly exchanges = new SingleFlight<AuthCodeExchangeReply>();
  private readonly forced = new SingleFlight<AccessTokenReply>();

  constructor(
    private readonly authorizers: AuthorizerRepository,
    private readonly authCodes: AuthCodeRepository,
    private readonly components: ComponentRepository,
    private readonly componentTokens: ComponentTokensService,
    private readonly wechat: WechatApiClient,
    private readonly outbox: TransactionalOutbox,
    private readonly dataSource: DataSource,
    private readonly config: TokenConfig,
    @Inject(REPLICA_ID) private readonly replicaId: string,
    private readonly metrics: TokenMetrics,
  ) {}

  /** An authorizer's current access token (CONTRACT.md §3). 404 unknown, 409 not authorized, 503 none usable now. */
  async accessToken(componentAppid: string, authorizerAppid: string): Promise<AccessTokenReply> {
    const key = cacheKey(componentAppid, authorizerAppid);
    const now = Date.now();
    const cached = this.cache.get(key);
    if (
      cached &&
      cached.readUntil > now &&
      cached.expiresAt - this.config.TOKEN_MIN_HANDOUT_SECONDS * 1000 > now
    ) {
      return { accessToken: cached.accessToken, expiresAt: new Date(cached.expiresAt).toISOString() };
    }
    const record = await this.activeRecord(componentAppid, authorizerAppid);
    return this.usableToken(record) ?? this.forceRefresh(record);
  }

  /**
   * Compare-and-set after WeChat rejected `failedToken` (40001/40014/42001): a refresh only if it is
   * still the current token; otherwise the current one. Many callers reporting one token → one refresh.
   */
  async invalidate(
    componentAppid: string,
    authorizerAppid: string,
    failedToken: string,
  ): Promise<AccessTokenReply> {
    this.cache.delete(cacheKey(componentAppid, authorizerAppid));
    const record = await this.activeRecord(componentAppid, authorizerAppid);
    if (record.accessToken !== failedToken) {
      return this.usableToken(record) ?? this.forceRefresh(record);
    }
    return this.forceRefresh(record, failedToken);
  }

  /**
   * api_query_auth, idempotent by code: concurrent and repeated exchanges of one code (push and
   * landing page, retries, replicas) make one WeChat call and all get its result. The first
   * exchange stores the credentials and records `token.authorizer.issued` in the same transaction.
   */
  async exchangeAuthCode(componentAppid: string, authCode: string): Promise<AuthCodeExchangeReply> {
    if (typeof authCode !== 'string' || authCode.length === 0 || authCode.length > 512) {
      throw new TokenError(TokenRpcErrorCodes.InvalidRequest, 'authCode must be a non-empty string');
    }
    const codeHash = AuthCodeRepository.hash(authCode);
    let started = false;
    const result = await this.exchanges.run(`${componentAppid}|${codeHash}`, () => {
      started = true;
      return this.exchangeOnce(componentAppid, authCode, codeHash);
    });
    // Callers that joined a running exchange did not cause it.
    return started ? result : { ...result, firstExchange: false };
  }

  /** A refresh token found by a full sync: stored, and `token.authorizer.issued` (source `sync`) when it is new or back. */
  async importRefreshToken(
    componentAppid: string,
    authorizerAppid: string,
    refreshToken: string,
    funcInfo?: number[],
  ): Promise<AuthorizerCredentialSummary> {
    if (!APPID_PATTERN.test(String(authorizerAppid)) || typeof refreshToken !== 'string' || !refreshToken) {
      throw new TokenError(
        TokenRpcErrorCodes.InvalidRequest,
        'authorizerAppid and refreshToken are required',
      );
    }
    await this.importValid(componentAppid, [{ authorizerAppid, refreshToken, funcInfo }]);
    return this.summary(componentAppid, authorizerAppid);
  }

  /**
   * Many refresh tokens of one component found by a full sync, in one transaction (a page of
   * api_get_authorizer_list): the same rules as `importRefreshToken`, one round trip and one commit.
   * The whole batch is refused when any entry is malformed.
   */
  async importRefreshTokens(componentAppid: string, entries: unknown): Promise<ImportRefreshTokensReply> {
    if (!Array.isArray(entries) || entries.length === 0 || entries.length > IMPORT_REFRESH_TOKENS_MAX) {
      throw new TokenError(
        TokenRpcErrorCodes.InvalidRequest,
        `authorizers must be a list of 1 to ${IMPORT_REFRESH_TOKENS_MAX} entries`,
      );
    }
    const batch = entries.map((entry: unknown, i) => {
      const e = (entry ?? {}) as Record<string, unknown>;
      if (
        typeof e['authorizerAppid'] !== 'string' ||
        !APPID_PATTERN.test(e['authorizerAppid']) ||
        typeof e['refreshToken'] !== 'string' ||
        !e['refreshToken']
      ) {
        throw new TokenError(
          TokenRpcErrorCodes.InvalidRequest,
          `authorizers[${i}]: authorizerAppid and refreshToken are required`,
        );
      }
      return {
        authorizerAppid: e['authorizerAppid'],
        refreshToken: e['refreshToken'],
        funcInfo: Array.isArray(e['funcInfo']) ? e['funcInfo'].filter(Number.isInteger) : undefined,
        authTime: Number.isInteger(e['authTime']) ? (e['authTime'] as number) : undefined,
      };
    });
    return { results: await this.importValid(componentAppid, batch) };
  }

  /** Imports validated entries in one transaction; announces the new and revived ones. */
  private async importValid(
    componentAppid: string,
    batch: { authorizerAppid: string; refreshToken: string; funcInfo?: number[]; authTime?: number }[],
  ): Promise<ImportRefreshTokensReply['results']> {
    if (!(await this.components.find(componentAppid))) throw TokenError.componentNotFound(componentAppid);
    // Distinct appids, the last entry of a repeated one winning.
    const distinct = [...new Map(batch.map((entry) => [entry.authorizerAppid, entry])).values()];
    const results = await inTransaction(this.dataSource, async (manager) => {
      const outcomes = await this.authorizers.importRefreshTokens(manager, componentAppid, distinct, () =>
        this.firstRefreshDelay(),
      );
      const tokens = new Map(distinct.map((entry) => [entry.authorizerAppid, entry.refreshToken]));
      await this.outbox.addMany(
        manager,
        outcomes
          .filter((o) => o.result === 'created' || o.result === 'reactivated')
          .map((o) =>
            this.issuedEnvelope(
              componentAppid,
              o.authorizerAppid,
              o.funcInfo,
              'sync',
              tokens.get(o.authorizerAppid)!,
            ),
          ),
      );
      return outcomes.map((o) => ({ authorizerAppid: o.authorizerAppid, outcome: o.result }));
    });
    const changed = results.filter((r) => r.outcome !== 'unchanged');
    for (const r of changed) this.cache.delete(cacheKey(componentAppid, r.authorizerAppid));
    if (changed.length > 0) {
      void this.outbox.relay();
      this.logger.log({
        msg: 'refresh tokens imported',
        componentAppid,
        changed: changed.length,
        total: results.length,
      });
    }
    return results;
  }

  /**
   * When an imported refresh token is first used by the scheduler: spread over
   * TOKEN_REFRESH_SPREAD_SECONDS, so that a sync handing over thousands of accounts does not send
   * thousands of api_authorizer_token calls at once (readers before then refresh on demand).
   */
  private firstRefreshDelay(): number {
    return Math.floor(Math.random() * (this.config.TOKEN_REFRESH_SPREAD_SECONDS + 1));
  }

  /** Ends the credentials after `unauthorized` (idempotent; kept as history, not deleted). */
  async revoke(componentAppid: string, authorizerAppid: string): Promise<AuthorizerCredentialSummary> {
    if (!(await this.components.find(componentAppid))) throw TokenError.componentNotFound(componentAppid);
    await inTransaction(this.dataSource, async (manager) => {
      const changed = await this.authorizers.deactivate(manager, componentAppid, authorizerAppid, 'revoked');
      if (!changed) await this.authorizers.recordRevokedUnknown(manager, componentAppid, authorizerAppid);
    });
    this.cache.delete(cacheKey(componentAppid, authorizerAppid));
    return this.summary(componentAppid, authorizerAppid);
  }

  async summary(componentAppid: string, authorizerAppid: string): Promise<AuthorizerCredentialSummary> {
    const record = await this.authorizers.find(componentAppid, authorizerAppid);
    if (!record) {
      if (!(await this.components.find(componentAppid))) throw TokenError.componentNotFound(componentAppid);
      throw TokenError.authorizerNotFound(componentAppid, authorizerAppid);
    }
    const summary: AuthorizerCredentialSummary = {
      componentAppid,
      authorizerAppid,
      status: record.status,
      funcInfo: record.funcInfo,
      statusChangedAt: record.statusChangedAt.toISOString(),
    };
    if (record.invalidErrcode !== undefined) summary.invalidErrcode = record.invalidErrcode;
    if (record.accessTokenExpiresAt) summary.accessTokenExpiresAt = record.accessTokenExpiresAt.toISOString();
    if (record.lastRefreshedAt) summary.lastRefreshedAt = record.lastRefreshedAt.toISOString();
    return summary;
  }

  /**
   * One scheduled refresh of a claimed authorizer (the caller holds its lease). Never throws:
   * failures are stored (retried with backoff) and counted.
   */
  async refreshClaimed(claimed: ClaimedAuthorizer): Promise<RefreshOutcome> {
    const { componentAppid, authorizerAppid } = claimed;
    let issued: IssuedCredentials;
    try {
      issued = await this.callAuthorizerToken(componentAppid, authorizerAppid, claimed.refreshToken);
    } catch (error) {
      return this.onRefreshFailure(claimed, error);
    }
    // WeChat has answered: its refresh token may be a new one that must not be lost to a database
    // hiccup, so storing is retried on its own (it is idempotent under our lease).
    this.remember(componentAppid, authorizerAppid, issued.accessToken, Date.now() + issued.expiresIn * 1000);
    const stored = await retryStore(() =>
      this.authorizers.completeRefresh(componentAppid, authorizerAppid, this.replicaId, issued),
    );
    this.metrics.refreshes.inc({ kind: 'authorizer', result: stored ? 'ok' : 'lease_lost', errcode: '0' });
    if (!stored) this.cache.delete(cacheKey(componentAppid, authorizerAppid));
    return stored ? 'ok' : 'lease_lost';
  }

  private async exchangeOnce(
    componentAppid: string,
    authCode: string,
    codeHash: string,
  ): Promise<AuthCodeExchangeReply> {
    if (!(await this.components.find(componentAppid))) throw TokenError.componentNotFound(componentAppid);
    // Before the transaction: a cache miss may need another pool connection, or a refresh.
    const componentToken = (await this.componentTokens.accessToken(componentAppid)).accessToken;
    const outcome = await inTransaction(
      this.dataSource,
      async (manager) => {
        const earlier = await this.authCodes.lock(manager, componentAppid, codeHash);
        if (earlier.authorizerAppid) {
          return {
            authorizerAppid: earlier.authorizerAppid,
            funcInfo: earlier.funcInfo ?? [],
            firstExchange: false,
          };
        }
        if (earlier.errcode !== undefined) return { errcode: earlier.errcode };
        let info;
        try {
          info = await this.queryAuth(componentAppid, componentToken, authCode);
        } catch (error) {
          // Only a refusal of the code itself (invalid, expired) stays refused for good.
          if (error instanceof WechatApiError && CODE_REFUSED.has(error.errcode)) {
            await this.authCodes.record(manager, componentAppid, codeHash, { errcode: error.errcode });
            return { errcode: error.errcode };
          }
          // Anything else (IP allow-list, quota, an outage) is not the code's fault: roll back, so a
          // later attempt can still succeed.
          if (error instanceof WechatApiError && !error.transient) {
            throw new TokenError(
              TokenRpcErrorCodes.WechatRejected,
              `WeChat refused api_query_auth (errcode ${error.errcode})`,
              { errcode: error.errcode },
            );
          }
          throw error;
        }
        await this.authorizers.storeExchanged(manager, componentAppid, info.authorizerAppid, info.funcInfo, {
          accessToken: info.accessToken,
          refreshToken: info.refreshToken,
          expiresIn: info.expiresIn,
          refreshInSeconds: this.refreshIn(info.expiresIn),
        });
        await this.authCodes.record(manager, componentAppid, codeHash, {
          authorizerAppid: info.authorizerAppid,
          funcInfo: info.funcInfo,
        });
        await this.recordIssued(
          manager,
          componentAppid,
          info.authorizerAppid,
          info.funcInfo,
          'auth_code',
          codeHash,
        );
        this.remember(
          componentAppid,
          info.authorizerAppid,
          info.accessToken,
          Date.now() + info.expiresIn * 1000,
        );
        return { authorizerAppid: info.authorizerAppid, funcInfo: info.funcInfo, firstExchange: true };
      },
      // The code may be consumed by WeChat already: never call api_query_auth again on a rollback.
      { retryDeadlocks: false },
    ).catch((error: unknown) => {
      if (error instanceof TokenError) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      throw TokenError.unavailable(
        `the auth code cannot be exchanged now: ${reason}`,
        error instanceof WechatApiError ? error.errcode : undefined,
      );
    });
    if ('errcode' in outcome) {
      throw new TokenError(
        TokenRpcErrorCodes.WechatRejected,
        `WeChat refused the auth code (errcode ${outcome.errcode})`,
        { errcode: outcome.errcode },
      );
    }
    if (outcome.firstExchange) {
      void this.outbox.relay();
      this.logger.log({
        msg: 'auth code exchanged',
        componentAppid,
        authorizerAppid: outcome.authorizerAppid,
      });
    }
    return outcome;
  }

  /** Refresh now, outside the schedule (no usable token, or a rejected one). One per authorizer per process. */
  private forceRefresh(record: AuthorizerRecord, failedToken?: string): Promise<AccessTokenReply> {
    const { componentAppid, authorizerAppid } = record;
    return this.forced.run(cacheKey(componentAppid, authorizerAppid), async () => {
      const leased = await this.authorizers.tryLease(
        componentAppid,
        authorizerAppid,
        this.replicaId,
        this.config.TOKEN_LEASE_SECONDS,
      );
      if (!leased) return this.awaitOtherReplica(componentAppid, authorizerAppid, failedToken);
      // Compare again under the lease: another replica may have refreshed since our read.
      const current = await this.activeRecord(componentAppid, authorizerAppid).catch(
        async (error: unknown) => {
          await this.authorizers
            .releaseLease(componentAppid, authorizerAppid, this.replicaId)
            .catch(() => undefined);
          throw error;
        },
      );
      const stillFailed = failedToken !== undefined && current.accessToken === failedToken;
      const usable = stillFailed ? undefined : this.usableToken(current);
      if (usable || !current.refreshToken) {
        await this.authorizers.releaseLease(componentAppid, authorizerAppid, this.replicaId);
        if (usable) return usable;
        throw TokenError.unavailable(`authorizer ${authorizerAppid} has no refresh token yet`);
      }
      await this.refreshClaimed({ componentAppid, authorizerAppid, refreshToken: current.refreshToken });
      // Throws the 409 when WeChat just refused the refresh token.
      const after = await this.activeRecord(componentAppid, authorizerAppid);
      const fresh = after.accessToken !== failedToken ? this.usableToken(after) : undefined;
      if (fresh) return fresh;
      throw TokenError.unavailable(`the access token of ${authorizerAppid} cannot be refreshed now`);
    });
  }

  private async awaitOtherReplica(
    componentAppid: string,
    authorizerAppid: string,
    failedToken: string | undefined,
  ): Promise<AccessTokenReply> {
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline) {
      await sleep(100);
      const record = await this.activeRecord(componentAppid, authorizerAppid);
      if (record.leaseOwner && record.leaseUntil && record.leaseUntil > record.now) continue;
      const usable = record.accessToken !== failedToken ? this.usableToken(record) : undefined;
      if (usable) return usable;
      break;
    }
    throw TokenError.unavailable(`the access token of ${authorizerAppid} is being refreshed, try again`);
  }

  /** api_query_auth; a rejected component token goes through compare-and-set once. */
  private async queryAuth(componentAppid: string, componentToken: string, authCode: string) {
    try {
      return await this.wechat.queryAuth(componentToken, componentAppid, authCode);
    } catch (error) {
      if (!(error instanceof WechatApiError && error.tokenRejected)) throw error;
      const renewed = await this.componentTokens.invalidate(componentAppid, componentToken);
      return this.wechat.queryAuth(renewed.accessToken, componentAppid, authCode);
    }
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
    return { ...issued, refreshInSeconds: this.refreshIn(issued.expiresIn) };
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
            createEnvelope<string, TokenAuthorizerInvalidData>(
              DomainEventTypes.TokenAuthorizerInvalid,
              { errcode },
              {
                componentAppid,
                authorizerAppid,
                id: uuidV5(
                  `invalid|${componentAppid}|${authorizerAppid}|${claimed.refreshToken}`,
                  TOKEN_EVENT_ID_NAMESPACE,
                ),
              },
            ),
          );
        }
        return ended;
      });
      this.cache.delete(cacheKey(componentAppid, authorizerAppid));
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

  private async recordIssued(
    manager: EntityManager,
    componentAppid: string,
    authorizerAppid: string,
    funcInfo: number[],
    source: TokenIssueSource,
    identity: string,
  ): Promise<void> {
    await this.outbox.add(
      manager,
      this.issuedEnvelope(componentAppid, authorizerAppid, funcInfo, source, identity),
    );
  }

  private issuedEnvelope(
    componentAppid: string,
    authorizerAppid: string,
    funcInfo: number[],
    source: TokenIssueSource,
    identity: string,
  ): EventEnvelope<TokenAuthorizerIssuedData> {
    return createEnvelope<string, TokenAuthorizerIssuedData>(
      DomainEventTypes.TokenAuthorizerIssued,
      { funcInfo, source },
      {
        componentAppid,
        authorizerAppid,
        // Deterministic: the same code (or imported refresh token) always announces with the same id.
        id: uuidV5(
          `issued|${componentAppid}|${authorizerAppid}|${source}|${identity}`,
          TOKEN_EVENT_ID_NAMESPACE,
        ),
      },
    );
  }

  private async activeRecord(componentAppid: string, authorizerAppid: string): Promise<AuthorizerRecord> {
    const record = await this.authorizers.find(componentAppid, authorizerAppid);
    if (!record) {
      if (!(await this.components.find(componentAppid))) throw TokenError.componentNotFound(componentAppid);
      throw TokenError.authorizerNotFound(componentAppid, authorizerAppid);
    }
    if (record.status !== 'active') {
      this.cache.delete(cacheKey(componentAppid, authorizerAppid));
      throw new TokenError(
        TokenRpcErrorCodes.AuthorizerNotAuthorized,
        record.status === 'revoked'
          ? `authorizer ${authorizerAppid} revoked its authorization`
          : `the refresh token of ${authorizerAppid} was refused by WeChat (errcode ${record.invalidErrcode}): the merchant must authorize again`,
        record.invalidErrcode !== undefined ? { errcode: record.invalidErrcode } : undefined,
      );
    }
    return record;
  }

  private usableToken(record: AuthorizerRecord): AccessTokenReply | undefined {
    if (!record.accessToken || !record.accessTokenExpiresAt) return undefined;
    const remainingMs = record.accessTokenExpiresAt.getTime() - record.now.getTime();
    if (remainingMs <= this.config.TOKEN_MIN_HANDOUT_SECONDS * 1000) return undefined;
    const expiresAt = Date.now() + remainingMs;
    this.remember(record.componentAppid, record.authorizerAppid, record.accessToken, expiresAt);
    return { accessToken: record.accessToken, expiresAt: new Date(expiresAt).toISOString() };
  }

  private remember(
    componentAppid: string,
    authorizerAppid: string,
    accessToken: string,
    expiresAt: number,
  ): void {
    this.cache.set(cacheKey(componentAppid, authorizerAppid), {
      accessToken,
      expiresAt,
      readUntil: Date.now() + this.config.TOKEN_READ_CACHE_MS,
    });
  }

  private refreshIn(expiresIn: number): number {
    return refreshInSeconds(
      expiresIn,
      this.config.TOKEN_REFRESH_LEAD_SECONDS,
      this.config.TOKEN_REFRESH_SPREAD_SECONDS,
    );
  }
}

function cacheKey(componentAppid: string, authorizerAppid: string): string {
  return `${componentAppid}|${authorizerAppid}`;
}
