/** errcodes that mean "this access token is no longer good": refresh it once (compare-and-set) and retry. */
export const TOKEN_ERROR_CODES: ReadonlySet<number> = new Set([40001, 40014, 42001]);

/** errcodes that mean the authorizer's refresh token will never work again: the merchant must re-authorize. */
export const AUTHORIZATION_LOST_CODES: ReadonlySet<number> = new Set([61023, 61003]);

/** WeChat answered with `errcode` ≠ 0 (HTTP 200, as WeChat always does). */
export class WechatApiError extends Error {
  constructor(
    readonly errcode: number,
    readonly errmsg: string,
    /** The API path, e.g. `cgi-bin/component/api_authorizer_token`. */
    readonly endpoint: string,
  ) {
    super(`${endpoint} answered errcode ${errcode}: ${errmsg}`);
    this.name = 'WechatApiError';
  }

  /** `-1 system error`: WeChat asks to try again later. */
  get transient(): boolean {
    return this.errcode === -1;
  }

  /** 40001 / 40014 / 42001: the access token used was superseded, malformed or expired. */
  get tokenRejected(): boolean {
    return TOKEN_ERROR_CODES.has(this.errcode);
  }
}

/**
 * No usable answer at all: connection refused or reset, timeout, HTTP status other than 200,
 * or a body that is not JSON. Always transient from the caller's point of view.
 */
export class WechatTransportError extends Error {
  constructor(
    readonly endpoint: string,
    readonly reason: 'timeout' | 'connection' | 'http-status' | 'bad-body',
    message: string,
    readonly httpStatus?: number,
    options?: { cause?: unknown },
  ) {
    super(`${endpoint}: ${message}`, options);
    this.name = 'WechatTransportError';
  }
}

/** True for failures worth retrying later: `-1`, 5xx, timeouts, dropped connections. */
export function isTransientWechatFailure(error: unknown): boolean {
  if (error instanceof WechatApiError) return error.transient;
  if (error instanceof WechatTransportError) {
    return error.reason !== 'http-status' || (error.httpStatus ?? 0) >= 500;
  }
  return false;
}
