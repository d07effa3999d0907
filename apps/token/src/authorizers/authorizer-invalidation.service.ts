import { Injectable } from '@nestjs/common';
import { inTransaction } from '@wxop/database';
import type { AccessTokenReply, AuthorizerCredentialSummary } from '@wxop/contracts';
import { DataSource } from 'typeorm';

import { ComponentRepository } from '../components/component.repository';
import { TokenError } from '../shared/token.errors';
import { AuthorizerTokenCacheService } from './authorizer-token-cache.service';
import { AuthorizerTokenReadsService } from './authorizer-token-reads.service';
import { AuthorizerRepository } from './authorizer.repository';

/**
 * Ends what no longer works: an access token WeChat rejected (compare-and-set, wechat-protocol.md
 * §6.1) or the whole authorization after `unauthorized`.
 */
@Injectable()
export class AuthorizerInvalidationService {
  constructor(
    private readonly authorizers: AuthorizerRepository,
    private readonly components: ComponentRepository,
    private readonly reads: AuthorizerTokenReadsService,
    private readonly cache: AuthorizerTokenCacheService,
    private readonly dataSource: DataSource,
  ) {}

  /**
   * Compare-and-set after WeChat rejected `failedToken` (40001/40014/42001): a refresh only if it is
   * still the current token; otherwise the current one. Many callers reporting one token → one refresh.
   */
  async invalidate(
    componentAppid: string,
    authorizerAppid: string,
    failedToken: string,
  ): Promise<AccessTokenReply> {
    this.cache.forget(componentAppid, authorizerAppid);
    const record = await this.reads.activeRecord(componentAppid, authorizerAppid);
    if (record.accessToken !== failedToken) {
      return this.reads.usableToken(record) ?? this.reads.refreshNow(record);
    }
    return this.reads.refreshNow(record, failedToken);
  }

  /** Ends the credentials after `unauthorized` (idempotent; kept as history, not deleted). */
  async revoke(componentAppid: string, authorizerAppid: string): Promise<AuthorizerCredentialSummary> {
    if (!(await this.components.find(componentAppid))) throw TokenError.componentNotFound(componentAppid);
    await inTransaction(this.dataSource, async (manager) => {
      const changed = await this.authorizers.deactivate(manager, componentAppid, authorizerAppid, 'revoked');
      if (!changed) await this.authorizers.recordRevokedUnknown(manager, componentAppid, authorizerAppid);
    });
    this.cache.forget(componentAppid, authorizerAppid);
    return this.reads.summary(componentAppid, authorizerAppid);
  }
}
