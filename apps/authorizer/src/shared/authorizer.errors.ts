import { AuthorizerRpcErrorCodes, type AuthorizerRpcErrorCode } from '@wxop/contracts';
import { RpcError } from '@wxop/messaging';

/** HTTP status per code (pages); exhaustive, so a new code that is not mapped fails the type check. */
export const AUTHORIZER_ERROR_STATUS: Record<AuthorizerRpcErrorCode, number> = {
  [AuthorizerRpcErrorCodes.InvalidRequest]: 400,
  [AuthorizerRpcErrorCodes.ComponentNotFound]: 404,
  [AuthorizerRpcErrorCodes.LinkNotFound]: 404,
  [AuthorizerRpcErrorCodes.LinkExpired]: 410,
  [AuthorizerRpcErrorCodes.LinkUsed]: 410,
  [AuthorizerRpcErrorCodes.AuthorizerNotFound]: 404,
  [AuthorizerRpcErrorCodes.SyncNotFound]: 404,
  [AuthorizerRpcErrorCodes.AuthCodeRejected]: 400,
  [AuthorizerRpcErrorCodes.WechatRejected]: 502,
  [AuthorizerRpcErrorCodes.Unavailable]: 503,
};

/** What the merchant reads on a page, per code (Chinese, English). Exhaustive like the statuses. */
export const AUTHORIZER_ERROR_TEXT: Record<AuthorizerRpcErrorCode, { zh: string; en: string }> = {
  [AuthorizerRpcErrorCodes.InvalidRequest]: { zh: '请求无效', en: 'The request is invalid.' },
  [AuthorizerRpcErrorCodes.ComponentNotFound]: {
    zh: '第三方平台不存在',
    en: 'The third-party platform is unknown.',
  },
  [AuthorizerRpcErrorCodes.LinkNotFound]: {
    zh: '授权链接不存在，请联系服务商获取新的链接',
    en: 'This authorization link does not exist. Ask your provider for a new one.',
  },
  [AuthorizerRpcErrorCodes.LinkExpired]: {
    zh: '授权链接已过期，请联系服务商获取新的链接',
    en: 'This authorization link has expired. Ask your provider for a new one.',
  },
  [AuthorizerRpcErrorCodes.LinkUsed]: {
    zh: '授权链接已被使用，请联系服务商获取新的链接',
    en: 'This authorization link was already used. Ask your provider for a new one.',
  },
  [AuthorizerRpcErrorCodes.AuthorizerNotFound]: {
    zh: '该帐号未授权给本平台',
    en: 'This account has not authorized the platform.',
  },
  [AuthorizerRpcErrorCodes.SyncNotFound]: { zh: '同步任务不存在', en: 'The sync run does not exist.' },
  [AuthorizerRpcErrorCodes.AuthCodeRejected]: {
    zh: '授权码无效或已过期，请重新授权',
    en: 'The authorization code is invalid or has expired. Please authorize again.',
  },
  [AuthorizerRpcErrorCodes.WechatRejected]: {
    zh: '微信拒绝了请求，请稍后重试',
    en: 'WeChat refused the request. Please try again later.',
  },
  [AuthorizerRpcErrorCodes.Unavailable]: {
    zh: '授权已收到，正在处理中，请稍后刷新本页',
    en: 'Your authorization was received and is being processed. Refresh this page in a moment.',
  },
};

/** A refusal of the authorizer service; the same code on pages, over RPC and in redirects (`reason`). */
export class AuthorizerError extends Error {
  constructor(
    readonly code: AuthorizerRpcErrorCode,
    message: string,
    readonly details?: { errcode?: number },
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AuthorizerError';
  }

  get status(): number {
    return AUTHORIZER_ERROR_STATUS[this.code];
  }

  /** Worth retrying later (a consumer retries these, and sends the others to the DLQ). */
  get transient(): boolean {
    return this.code === AuthorizerRpcErrorCodes.Unavailable;
  }

  toRpcError(): RpcError {
    return new RpcError(this.code, this.message, this.details);
  }

  static invalid(message: string): AuthorizerError {
    return new AuthorizerError(AuthorizerRpcErrorCodes.InvalidRequest, message);
  }
}
