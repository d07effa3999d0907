/**
 * WeChat's fixed 全网发布 (release check) test accounts: an official account and a mini program
 * (wechat-protocol.md §2.2). Ingress answers their test messages passively; the authorizer answers
 * `QUERY_AUTH_CODE:<code>` through the customer-service API.
 */
export const RELEASE_CHECK_APPIDS: ReadonlySet<string> = new Set([
  'wx570bc396a51b8ff8',
  'wxd101a85aa106f53e',
]);

/** The text message the release check sends with a fresh auth code of its test account. */
export const QUERY_AUTH_CODE_PREFIX = 'QUERY_AUTH_CODE:';
