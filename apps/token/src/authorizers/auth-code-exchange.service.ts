import { Injectable, Logger } from '@nestjs/common';
import { inTransaction } from '@wxop/database';
import { TokenRpcErrorCodes, type AuthCodeExchangeReply } from '@wxop/contracts';
import { TransactionalOutbox } from '@wxop/messaging';
import { WechatApiClient, WechatApiError } from '@wxop/wechat-api';
import { DataSource } from 'typeorm';

import { ComponentTokensService } from '../components/component-tokens.service';
import { ComponentRepository } from '../components/component.repository';
import { TokenConfig } from '../config/token.config';
import { refreshInSeconds } from '../shared/refresh-timing.util';
import { SingleFlight } from '../shared/single-flight.util';
import { TokenError } from '../shared/token.errors';
import { AuthCodeRepository } from './auth-code.repository';
import { issuedEnvelope } from './authorizer-events.util';
import { AuthorizerTokenCacheService } from './authorizer-token-cache.service';
import { AuthorizerRepository } from './authorizer.repository';

/** api_query_auth errcodes that refuse the code itself (wechat-protocol.md §3.3): remembered, never retried. */
const CODE_REFUSED: ReadonlySet<number> = new Set([61009, 61010]);

/**
 * api_query_auth (wechat-protocol.md §3.3), idempotent by code: an auth code is exchanged once
 * whoever asks (push and landing page, retries, replicas), and the first exchange stores the
 * credentials and records `token.authorizer.issued` in one transaction.
 */
@Injectable()
export class AuthCodeExchangeService {
  private readonly logger = new Logger(AuthCodeExchangeService.name);
  private readonly exchanges = new SingleFlight<AuthCodeExchangeReply>();

  constructor(
    private readonly authorizers: AuthorizerRepository,
    private readonly authCodes: AuthCodeRepository,
    private readonly components: ComponentRepository,
    private readonly componentTokens: ComponentTokensService,
    private readonly wechat: WechatApiClient,
    private readonly outbox: TransactionalOutbox,
    private readonly dataSource: DataSource,
    private readonly config: TokenConfig,
    private readonly cache: AuthorizerTokenCacheService,
  ) {}

  /**
   * Concurrent and repeated exchanges of one code make one WeChat call and all get its result;
   * `firstExchange` is true only for the caller whose call stored the credentials.
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
          refreshInSeconds: refreshInSeconds(
            info.expiresIn,
            this.config.TOKEN_REFRESH_LEAD_SECONDS,
            this.config.TOKEN_REFRESH_SPREAD_SECONDS,
          ),
        });
        await this.authCodes.record(manager, componentAppid, codeHash, {
          authorizerAppid: info.authorizerAppid,
          funcInfo: info.funcInfo,
        });
        await this.outbox.add(
          manager,
          issuedEnvelope(componentAppid, info.authorizerAppid, info.funcInfo, 'auth_code', codeHash),
        );
        this.cache.remember(
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
}
