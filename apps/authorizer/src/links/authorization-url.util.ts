import type { AuthorizationLinkKind } from '@wxop/contracts';

export interface AuthorizationUrlInput {
  /** WECHAT_MP_BASE_URL: https://mp.weixin.qq.com, or wechat-sim. */
  mpBaseUrl: string;
  kind: AuthorizationLinkKind;
  componentAppid: string;
  preAuthCode: string;
  redirectUri: string;
  authType?: 1 | 2 | 3;
  bizAppid?: string;
  categoryIdList?: number[];
}

const trimSlashes = (url: string) => url.replace(/\/+$/, '');

/**
 * `<public base>/authorized/<linkId>`: the link travels in the PATH, because query strings in
 * redirect_uri are unreliable (wechat-protocol.md §4) and WeChat appends its own.
 */
export function landingUrl(publicBaseUrl: string, linkId: string): string {
  return `${trimSlashes(publicBaseUrl)}/authorized/${encodeURIComponent(linkId)}`;
}

/** `<public base>/authorize/<linkId>`: our start page, the one handed to the merchant. */
export function startUrl(publicBaseUrl: string, linkId: string): string {
  return `${trimSlashes(publicBaseUrl)}/authorize/${encodeURIComponent(linkId)}`;
}

/**
 * WeChat's authorization page (wechat-protocol.md §4): `componentloginpage` (PC, QR code) or
 * `safe/bindcomponent` (H5, inside the WeChat client, `#wechat_redirect`). Every value is
 * percent-encoded; `category_id_list` is `|`-separated before encoding.
 */
export function authorizationUrl(input: AuthorizationUrlInput): string {
  const params: [string, string][] = [];
  if (input.kind === 'h5') params.push(['action', 'bindcomponent'], ['no_scan', '1']);
  params.push(
    ['component_appid', input.componentAppid],
    ['pre_auth_code', input.preAuthCode],
    ['redirect_uri', input.redirectUri],
  );
  if (input.authType !== undefined) params.push(['auth_type', String(input.authType)]);
  if (input.bizAppid !== undefined) params.push(['biz_appid', input.bizAppid]);
  if (input.categoryIdList?.length) params.push(['category_id_list', input.categoryIdList.join('|')]);
  const query = params.map(([name, value]) => `${name}=${encodeURIComponent(value)}`).join('&');
  const base = trimSlashes(input.mpBaseUrl);
  return input.kind === 'pc'
    ? `${base}/cgi-bin/componentloginpage?${query}`
    : `${base}/safe/bindcomponent?${query}#wechat_redirect`;
}
