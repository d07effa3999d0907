import { Injectable } from '@nestjs/common';
import {
  AuthorizerRpcErrorCodes,
  TokenRpcErrorCodes,
  TokenRpcPatterns,
  type AccessTokenReply,
  type AuthCodeExchangeReply,
  type AuthorizerCredentialSummary,
  type AuthorizerRef,
  type ComponentRef,
  type ExchangeAuthCodeRequest,
  type ImportRefreshTokensReply,
  type ImportRefreshTokensRequest,
  type InvalidateAccessTokenRequest,
  type PreAuthCodeReply,
} from '@wxop/contracts';
import { AmqpRpcClient, RpcRemoteError } from '@wxop/messaging';

import { AuthorizerError } from './authorizer.errors';

/** How long a batch hand-over of refresh tokens may take. */
const IMPORT_TIMEOUT_MS = 30_000;

/**
 * The token service over RPC (the one writer of credentials). Its refusals become AuthorizerErrors:
 * unknown component, refused code and bad request are final; anything else (503, timeout, no
 * broker) is `UNAVAILABLE`, i.e. worth retrying.
 */
@Injectable()
export class TokenClient {
  constructor(private readonly rpc: AmqpRpcClient) {}

  createPreAuthCode(componentAppid: string): Promise<PreAuthCodeReply> {
    return this.call<PreAuthCodeReply, ComponentRef>(TokenRpcPatterns.CreatePreAuthCode, { componentAppid });
  }

  /** Idempotent by code on the token side: the push and the landing page may both call it. */
  exchangeAuthCode(componentAppid: string, authCode: string): Promise<AuthCodeExchangeReply> {
    return this.call<AuthCodeExchangeReply, ExchangeAuthCodeRequest>(TokenRpcPatterns.ExchangeAuthCode, {
      componentAppid,
      authCode,
    });
  }

  componentAccessToken(componentAppid: string): Promise<AccessTokenReply> {
    return this.call<AccessTokenReply, ComponentRef>(TokenRpcPatterns.GetComponentAccessToken, {
      componentAppid,
    });
  }

  /** Hands over refresh tokens a full sync found (≤ 500 in one call, one transaction there). */
  importRefreshTokens(
    componentAppid: string,
    authorizers: ImportRefreshTokensRequest['authorizers'],
  ): Promise<ImportRefreshTokensReply> {
    // A page is one transaction there and may take longer than a one-row request under load; a page
    // that still times out is done again by the next sync (an import is idempotent).
    return this.call<ImportRefreshTokensReply, ImportRefreshTokensRequest>(
      TokenRpcPatterns.ImportRefreshTokens,
      { componentAppid, authorizers },
      IMPORT_TIMEOUT_MS,
    );
  }

  /** Ends an authorizer's credentials (idempotent): WeChat no longer lists it. */
  revoke(componentAppid: string, authorizerAppid: string): Promise<AuthorizerCredentialSummary> {
    return this.call<AuthorizerCredentialSummary, AuthorizerRef>(TokenRpcPatterns.RevokeAuthorizer, {
      componentAppid,
      authorizerAppid,
    });
  }

  authorizerAccessToken(componentAppid: string, authorizerAppid: string): Promise<AccessTokenReply> {
    return this.call<AccessTokenReply, AuthorizerRef>(TokenRpcPatterns.GetAuthorizerAccessToken, {
      componentAppid,
      authorizerAppid,
    });
  }

  /** Reports a token WeChat rejected; answers the current one (refreshed if it was that one). */
  invalidateAuthorizerAccessToken(
    componentAppid: string,
    authorizerAppid: string,
    accessToken: string,
  ): Promise<AccessTokenReply> {
    return this.call<AccessTokenReply, InvalidateAccessTokenRequest>(
      TokenRpcPatterns.InvalidateAuthorizerAccessToken,
      { componentAppid, authorizerAppid, accessToken },
    );
  }

  private async call<T, D>(pattern: string, data: D, timeoutMs?: number): Promise<T> {
    try {
      return await this.rpc.request<T, D>(pattern, data, timeoutMs ? { timeoutMs } : {});
    } catch (error) {
      throw translate(error);
    }
  }
}

function translate(error: unknown): AuthorizerError {
  if (error instanceof RpcRemoteError) {
    const errcode = typeof error.details?.['errcode'] === 'number' ? error.details['errcode'] : undefined;
    switch (error.code) {
      case TokenRpcErrorCodes.ComponentNotFound:
        return new AuthorizerError(AuthorizerRpcErrorCodes.ComponentNotFound, error.message);
      case TokenRpcErrorCodes.InvalidRequest:
        return new AuthorizerError(AuthorizerRpcErrorCodes.InvalidRequest, error.message);
      case TokenRpcErrorCodes.AuthorizerNotFound:
        return new AuthorizerError(AuthorizerRpcErrorCodes.AuthorizerNotFound, error.message);
      case TokenRpcErrorCodes.AuthorizerNotAuthorized:
        return new AuthorizerError(AuthorizerRpcErrorCodes.WechatRejected, error.message, { errcode });
      case TokenRpcErrorCodes.WechatRejected:
        // -1 is WeChat's "system busy": transient like an outage.
        if (errcode !== -1) {
          return new AuthorizerError(AuthorizerRpcErrorCodes.WechatRejected, error.message, { errcode });
        }
    }
  }
  const message = error instanceof Error ? error.message : String(error);
  // WeChat's -1 keeps its errcode: an authorization that fails after all reports it.
  const errcode = error instanceof RpcRemoteError ? error.details?.['errcode'] : undefined;
  return new AuthorizerError(
    AuthorizerRpcErrorCodes.Unavailable,
    `token service: ${message}`,
    typeof errcode === 'number' ? { errcode } : undefined,
    { cause: error },
  );
}
