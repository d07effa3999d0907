import { TokenRpcErrorCodes, type TokenRpcErrorCode } from '@wxop/contracts';
import { RpcError } from '@wxop/messaging';

/** HTTP status per code (CONTRACT.md §3); exhaustive, so a new code that is not mapped fails the type check. */
export const TOKEN_ERROR_STATUS: Record<TokenRpcErrorCode, number> = {
  [TokenRpcErrorCodes.ComponentNotFound]: 404,
  [TokenRpcErrorCodes.AuthorizerNotFound]: 404,
  [TokenRpcErrorCodes.AuthorizerNotAuthorized]: 409,
  [TokenRpcErrorCodes.TokenUnavailable]: 503,
  [TokenRpcErrorCodes.WechatRejected]: 502,
  [TokenRpcErrorCodes.WechatUnreachable]: 502,
  [TokenRpcErrorCodes.InvalidRequest]: 400,
};

/** A refusal of the token service; the same code over HTTP (`error`) and RPC (RpcRemoteError.code). */
export class TokenError extends Error {
  constructor(
    readonly code: TokenRpcErrorCode,
    message: string,
    readonly details?: { errcode?: number },
  ) {
    super(message);
    this.name = 'TokenError';
  }

  get status(): number {
    return TOKEN_ERROR_STATUS[this.code];
  }

  toRpcError(): RpcError {
    return new RpcError(this.code, this.message, this.details);
  }

  static componentNotFound(componentAppid: string): TokenError {
    return new TokenError(TokenRpcErrorCodes.ComponentNotFound, `unknown component ${componentAppid}`);
  }

  static authorizerNotFound(componentAppid: string, authorizerAppid: string): TokenError {
    return new TokenError(
      TokenRpcErrorCodes.AuthorizerNotFound,
      `authorizer ${authorizerAppid} is unknown to component ${componentAppid}`,
    );
  }

  /** `errcode`: WeChat's, when its failure (-1, …) is why (callers report it if they give up). */
  static unavailable(message: string, errcode?: number): TokenError {
    return new TokenError(
      TokenRpcErrorCodes.TokenUnavailable,
      message,
      errcode === undefined ? undefined : { errcode },
    );
  }
}
