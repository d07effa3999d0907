/**
 * The errcodes the simulator answers (wechat-protocol.md §6), with WeChat's errmsg where the
 * protocol document quotes it exactly; the others are descriptive. Tests assert on errcode only.
 */
export const WECHAT_ERRMSG: Readonly<Record<number, string>> = {
  [-1]: 'system error',
  40001: 'invalid credential, access_token is invalid or not latest',
  40013: 'invalid appid',
  40014: 'invalid access_token',
  40125: 'invalid appsecret',
  41001: 'access_token missing',
  41004: 'appsecret missing',
  42001: 'access_token expired',
  43002: 'require POST method',
  44002: 'empty post data',
  45009: 'reach max api daily quota limit',
  48001: 'api unauthorized',
  47001: 'data format error',
  48006: 'forbid to clear quota because of reaching the limit',
  61003: 'component is not authorized by this account',
  61004: 'access clientip is not registered',
  61005: 'component ticket is expired',
  61006: 'component ticket is invalid',
  61007: 'api is unauthorized to component',
  61009: 'code is invalid',
  61010: 'code is expired',
  61011: 'invalid component',
  61012: 'invalid option name',
  61013: 'invalid option value',
  61023: 'refresh_token is invalid',
  61039: 'code privacy scan is not finished',
  85008: 'no category approved, cannot submit audit',
  85009: 'already submit a version under auditing',
  85012: 'invalid audit id',
  85013: 'invalid ext config',
  85014: 'template not exist',
  85016: 'too many domains',
  85017: 'no domain to modify or domain is invalid',
  85019: 'no version is under auditing',
  85020: 'status not allowed',
  85023: 'item list count should be 1 to 5',
  85047: 'pages are empty',
  85048: 'ext_json parse failed',
  85052: 'app is already released',
  85058: 'no valid audit_id exist',
  85064: 'template not found',
  85065: 'template list is full',
  85077: 'category is invalid',
  85079: 'no online version, cannot gray release',
  85080: 'no approved version to gray release',
  85081: 'invalid gray release percentage',
  85082: 'gray release percentage must be higher than the current one',
  85085: 'submit audit reach limit',
  85086: 'must commit before submit audit',
  86001: 'no committed code',
  87011: 'gray release in progress, cannot revert',
  87012: 'cannot revert: no previous version or already reverted',
  87013: 'no quota to undo code',
  87072: 'store_expire_timestamp must look like "<n>天"',
  89019: 'webview domain not changed',
  89029: 'too many webview domains',
};

/** Thrown anywhere in the API layer; the filter renders it as WeChat does (HTTP 200). */
export class WechatApiError extends Error {
  constructor(
    readonly errcode: number,
    message?: string,
  ) {
    super(message ?? WECHAT_ERRMSG[errcode] ?? `error ${errcode}`);
    this.name = 'WechatApiError';
  }
}

/** A fault injected by a test: HTTP status instead of a WeChat answer, or a dropped connection. */
export class InjectedFault extends Error {
  constructor(
    readonly kind: 'http' | 'drop',
    readonly httpStatus = 500,
  ) {
    super(`injected ${kind} fault`);
  }
}
