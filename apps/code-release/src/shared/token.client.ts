import { Injectable } from '@nestjs/common';
import {
  CodeReleaseRpcErrorCodes,
  TokenRpcErrorCodes,
  TokenRpcPatterns,
  type AccessTokenReply,
  type AuthorizerRef,
  type ComponentRef,
  type InvalidateAccessTokenRequest,
  type InvalidateComponentAccessTokenRequest,
} from '@wxop/contracts';
import { AmqpRpcClient, RpcRemoteError } from '@wxop/messaging';
import type { AuthorizerTokenSource, ComponentTokenSource } from '@wxop/wechat-api';

import { CodeReleaseError } from './code-release.errors';

/** How long an authorizer token read from the token service is reused here. */
const TOKEN_CACHE_MS = 30_000;
/** Authorizers whose tokens are kept at most (a 10,000-target campaign's, about 2 MB). */
const TOKEN_CACHE_MAX = 20_000;

/**
 * The token service over RPC, the one writer of credentials (ARCHITECTURE.md). Tokens are never
 * logged or stored here. Refusals become CodeReleaseErrors: unknown component or authorizer and
 * a lost authorization are final; anything else (503, timeout, no broker) is `UNAVAILABLE`.
 */
@Injectable()
export class TokenClient implements AuthorizerTokenSource {
  constructor(private readonly rpc: AmqpRpcClient) {}

  /**
   * Authorizer tokens read in the last TOKEN_CACHE_MS, in memory only (never logged or stored): a
   * campaign target makes about seven WeChat calls in a second or two, and asking the token service
   * for each was a broker round trip per call. A token WeChat rejects is invalidated as before.
   */
  private readonly cache = new Map<string, { accessToken: string; until: number }>();

  async get(componentAppid: string, authorizerAppid: string): Promise<string> {
    const key = `${componentAppid}|${authorizerAppid}`;
    const cached = this.cache.get(key);
    if (cached && cached.until > Date.now()) return cached.accessToken;
    const reply = await this.call<AccessTokenReply, AuthorizerRef>(
      TokenRpcPatterns.GetAuthorizerAccessToken,
      {
        componentAppid,
        authorizerAppid,
      },
    );
    return this.remember(key, reply);
  }

  /** Compare-and-set on the token side: refreshes only if `rejectedToken` is still the current one. */
  async invalidate(componentAppid: string, authorizerAppid: string, rejectedToken: string): Promise<string> {
    const key = `${componentAppid}|${authorizerAppid}`;
    this.cache.delete(key);
    const reply = await this.call<AccessTokenReply, InvalidateAccessTokenRequest>(
      TokenRpcPatterns.InvalidateAuthorizerAccessToken,
      { componentAppid, authorizerAppid, accessToken: rejectedToken },
    );
    return this.remember(key, reply);
  }

  /** Keeps a token until TOKEN_CACHE_MS have passed or a minute before it expires, whichever is first. */
  private remember(key: string, reply: AccessTokenReply): string {
    const now = Date.now();
    const until = Math.min(now + TOKEN_CACHE_MS, Date.parse(reply.expiresAt) - 60_000);
    if (this.cache.size >= TOKEN_CACHE_MAX) {
      for (const [cachedKey, entry] of this.cache) if (entry.until <= now) this.cache.delete(cachedKey);
      if (this.cache.size >= TOKEN_CACHE_MAX) this.cache.clear();
    }
    if (until > now) this.cache.set(key, { accessToken: reply.accessToken, until });
    return reply.accessToken;
  }

  /** The component token's source (the template library, §5.1). */
  readonly component: ComponentTokenSource = {
    get: async (componentAppid) =>
      (
        await this.call<AccessTokenReply, ComponentRef>(TokenRpcPatterns.GetComponentAccessToken, {
          componentAppid,
        })
      ).accessToken,
    invalidate: async (componentAppid, rejectedToken) =>
      (
        await this.call<AccessTokenReply, InvalidateComponentAccessTokenRequest>(
          TokenRpcPatterns.InvalidateComponentAccessToken,
          { componentAppid, accessToken: rejectedToken },
        )
      ).accessToken,
  };

  private async call<T, D>(pattern: string, data: D): Promise<T> {
    try {
      return await this.rpc.request<T, D>(pattern, data);
    } catch (error) {
      throw translate(error);
    }
  }
}

function translate(error: unknown): CodeReleaseError {
  if (error instanceof RpcRemoteError) {
    const errcode = typeof error.details?.['errcode'] === 'number' ? error.details['errcode'] : undefined;
    switch (error.code) {
      case TokenRpcErrorCodes.ComponentNotFound:
        return new CodeReleaseError(CodeReleaseRpcErrorCodes.ComponentNotFound, error.message);
      case TokenRpcErrorCodes.AuthorizerNotFound:
        return new CodeReleaseError(CodeReleaseRpcErrorCodes.AuthorizerNotFound, error.message);
      case TokenRpcErrorCodes.AuthorizerNotAuthorized:
        return new CodeReleaseError(CodeReleaseRpcErrorCodes.AuthorizerNotAuthorized, error.message, {
          errcode,
        });
      case TokenRpcErrorCodes.InvalidRequest:
        return new CodeReleaseError(CodeReleaseRpcErrorCodes.InvalidRequest, error.message);
    }
  }
  const message = error instanceof Error ? error.message : String(error);
  return new CodeReleaseError(CodeReleaseRpcErrorCodes.Unavailable, `token service: ${message}`, undefined, {
    cause: error,
  });
}
