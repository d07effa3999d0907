import { Injectable, Logger } from '@nestjs/common';
import { inTransaction } from '@wxop/database';
import {
  APPID_PATTERN,
  IMPORT_REFRESH_TOKENS_MAX,
  TokenRpcErrorCodes,
  type AuthorizerCredentialSummary,
  type ImportRefreshTokensReply,
} from '@wxop/contracts';
import { TransactionalOutbox } from '@wxop/messaging';
import { DataSource } from 'typeorm';

import { ComponentRepository } from '../components/component.repository';
import { TokenConfig } from '../config/token.config';
import { TokenError } from '../shared/token.errors';
import { issuedEnvelope } from './authorizer-events.util';
import { AuthorizerTokenCacheService } from './authorizer-token-cache.service';
import { AuthorizerTokenReadsService } from './authorizer-token-reads.service';
import { AuthorizerRepository } from './authorizer.repository';

interface ImportEntry {
  authorizerAppid: string;
  refreshToken: string;
  funcInfo?: number[];
  authTime?: number;
}

/**
 * Refresh tokens handed over by the authorizer's full sync (api_get_authorizer_list): stored, and
 * `token.authorizer.issued` (source `sync`) for the accounts that are new or back.
 */
@Injectable()
export class AuthorizerImportService {
  private readonly logger = new Logger(AuthorizerImportService.name);

  constructor(
    private readonly authorizers: AuthorizerRepository,
    private readonly components: ComponentRepository,
    private readonly reads: AuthorizerTokenReadsService,
    private readonly cache: AuthorizerTokenCacheService,
    private readonly outbox: TransactionalOutbox,
    private readonly dataSource: DataSource,
    private readonly config: TokenConfig,
  ) {}

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
    return this.reads.summary(componentAppid, authorizerAppid);
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
    const batch = entries.map((entry: unknown, i): ImportEntry => {
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
    batch: ImportEntry[],
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
            issuedEnvelope(
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
    for (const r of changed) this.cache.forget(componentAppid, r.authorizerAppid);
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
}
