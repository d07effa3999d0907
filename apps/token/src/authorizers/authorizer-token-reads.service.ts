import { Inject, Injectable } from '@nestjs/common';
import { TokenRpcErrorCodes, type AccessTokenReply, type AuthorizerCredentialSummary } from '@wxop/contracts';

import { ComponentRepository } from '../components/component.repository';
import { TokenConfig } from '../config/token.config';
import { REPLICA_ID } from '../shared/replica-id';
import { SingleFlight, sleep } from '../shared/single-flight.util';
import { TokenError } from '../shared/token.errors';
import { AuthorizerRefreshService } from './authorizer-refresh.service';
import { AuthorizerTokenCacheService } from './authorizer-token-cache.service';
import { AuthorizerRepository, type AuthorizerRecord } from './authorizer.repository';

/**
 * Reads of authorizer credentials (CONTRACT.md §3): from memory, with the database as truth, and a
 * refresh on demand when no stored token is usable.
 */
@Injectable()
export class AuthorizerTokenReadsService {
  private readonly forced = new SingleFlight<AccessTokenReply>();

  constructor(
    private readonly authorizers: AuthorizerRepository,
    private readonly components: ComponentRepository,
    private readonly refresher: AuthorizerRefreshService,
    private readonly cache: AuthorizerTokenCacheService,
    private readonly config: TokenConfig,
    @Inject(REPLICA_ID) private readonly replicaId: string,
  ) {}

  /** An authorizer's current access token (CONTRACT.md §3). 404 unknown, 409 not authorized, 503 none usable now. */
  async accessToken(componentAppid: string, authorizerAppid: string): Promise<AccessTokenReply> {
    const cached = this.cache.get(componentAppid, authorizerAppid);
    if (cached) return cached;
    const record = await this.activeRecord(componentAppid, authorizerAppid);
    return this.usableToken(record) ?? this.refreshNow(record);
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

  /** The stored credentials of an authorizer that is still authorized: 404 unknown, 409 revoked or invalid. */
  async activeRecord(componentAppid: string, authorizerAppid: string): Promise<AuthorizerRecord> {
    const record = await this.authorizers.find(componentAppid, authorizerAppid);
    if (!record) {
      if (!(await this.components.find(componentAppid))) throw TokenError.componentNotFound(componentAppid);
      throw TokenError.authorizerNotFound(componentAppid, authorizerAppid);
    }
    if (record.status !== 'active') {
      this.cache.forget(componentAppid, authorizerAppid);
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

  /** The stored token when it is long enough to hand out (and then remembered), else undefined. */
  usableToken(record: AuthorizerRecord): AccessTokenReply | undefined {
    if (!record.accessToken || !record.accessTokenExpiresAt) return undefined;
    const remainingMs = record.accessTokenExpiresAt.getTime() - record.now.getTime();
    if (remainingMs <= this.config.TOKEN_MIN_HANDOUT_SECONDS * 1000) return undefined;
    const expiresAt = Date.now() + remainingMs;
    this.cache.remember(record.componentAppid, record.authorizerAppid, record.accessToken, expiresAt);
    return { accessToken: record.accessToken, expiresAt: new Date(expiresAt).toISOString() };
  }

  /**
   * Refresh now, outside the schedule (no usable token, or `failedToken` rejected), under the same
   * lease as the scheduler. One per authorizer per process.
   */
  refreshNow(record: AuthorizerRecord, failedToken?: string): Promise<AccessTokenReply> {
    const { componentAppid, authorizerAppid } = record;
    return this.forced.run(`${componentAppid}|${authorizerAppid}`, async () => {
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
      await this.refresher.refreshClaimed({
        componentAppid,
        authorizerAppid,
        refreshToken: current.refreshToken,
      });
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
}
