/**
 * Request/reply between our services and the authorizer service: PUBLIC CONTRACT inside wxop.
 * DO NOT RENAME a pattern; add new ones instead.
 */
export const AuthorizerRpcPatterns = {
  /** Creates an authorization link (admin-api). Answers AuthorizationLinkReply. */
  CreateLink: 'authorizer.link.create',
} as const;

/** Error codes the authorizer service answers with (RpcRemoteError.code). */
export const AuthorizerRpcErrorCodes = {
  InvalidRequest: 'INVALID_REQUEST',
  ComponentNotFound: 'COMPONENT_NOT_FOUND',
  LinkNotFound: 'LINK_NOT_FOUND',
  /** The link's pre-auth code has expired: create a new link. */
  LinkExpired: 'LINK_EXPIRED',
  /** The link's pre-auth code was already used for an authorization: create a new link. */
  LinkUsed: 'LINK_USED',
  /** WeChat refused the merchant's auth code (details.errcode, e.g. 61009 invalid, 61010 expired). */
  AuthCodeRejected: 'AUTH_CODE_REJECTED',
  /** WeChat refused a call for another reason (details.errcode). */
  WechatRejected: 'WECHAT_REJECTED',
  /** The token service or WeChat is not answering now: try again later. */
  Unavailable: 'UNAVAILABLE',
} as const;

export type AuthorizerRpcErrorCode = (typeof AuthorizerRpcErrorCodes)[keyof typeof AuthorizerRpcErrorCodes];

/** `pc`: the QR-code page (componentloginpage); `h5`: the page inside the WeChat client (bindcomponent). */
export type AuthorizationLinkKind = 'pc' | 'h5';

export interface CreateAuthorizationLinkRequest {
  /** The third-party platform; the authorizer's WECHAT_COMPONENT_APPID when omitted. */
  componentAppid?: string;
  kind: AuthorizationLinkKind;
  /** 1 official accounts only, 2 mini programs only, 3 both (WeChat's default). Excludes `bizAppid`. */
  authType?: 1 | 2 | 3;
  /** Pre-selects the one account that may authorize. Excludes `authType`. */
  bizAppid?: string;
  /** Permission-set ids offered (WeChat's `category_id_list`). */
  categoryIdList?: number[];
  /** The operator's business reference (≤ 128 characters), carried by `authorization.authorized`. */
  bizRef?: string;
}

export interface AuthorizationLinkReply {
  linkId: string;
  /** Our start page, to hand to the merchant (WeChat checks the page it is opened from). */
  startUrl: string;
  /** ISO-8601: the pre-auth code's expiry, after which the link no longer works. */
  expiresAt: string;
}
