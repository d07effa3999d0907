import { Injectable } from '@nestjs/common';
import {
  AuthorizerRpcErrorCodes,
  TokenRpcErrorCodes,
  TokenRpcPatterns,
  type AccessTokenReply,
  type AuthCodeExchangeReply,
  type ComponentRef,
  type ExchangeAuthCodeRequest,
  type PreAuthCodeReply,
} from '@wxop/contracts';
import { AmqpRpcClient, RpcRemoteError } from '@wxop/messaging';

import { AuthorizerError } from './authorizer.errors';

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

  private async call<T, D>(pattern: string, data: D): Promise<T> {
    try {
      return await this.rpc.request<T, D>(pattern, data);
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
      case TokenRpcErrorCodes.WechatRejected:
        // -1 is WeChat's "system busy": transient like an outage.
        if (errcode !== -1) {
          return new AuthorizerError(AuthorizerRpcErrorCodes.WechatRejected, error.message, { errcode });
        }
    }
  }
  const message = error instanceof Error ? error.message : String(error);
  return new AuthorizerError(AuthorizerRpcErrorCodes.Unavailable, `token service: ${message}`, undefined, {
    cause: error,
  });
}
