/**
 * Request/reply between our services and the authorizer service: PUBLIC CONTRACT inside wxop.
 * DO NOT RENAME a pattern; add new ones instead.
 */
export const AuthorizerRpcPatterns = {
  /** Creates an authorization link (admin-api). Answers AuthorizationLinkReply. */
  CreateLink: 'authorizer.link.create',
  /** Searches and pages the authorizers we know, from our database only. Answers AuthorizerPage. */
  SearchAuthorizers: 'authorizer.authorizers.search',
  /** One authorizer with its profile and status history. Answers AuthorizerDetail. */
  GetAuthorizer: 'authorizer.authorizer.get',
  /** Reads the profile from WeChat now (api_get_authorizer_info) and stores it. Answers AuthorizerDetail. */
  RefreshAuthorizer: 'authorizer.authorizer.refresh',
  /** Starts a full sync with api_get_authorizer_list (or joins the running one). Answers SyncRunSummary. */
  StartSync: 'authorizer.sync.start',
  /** A sync run by id, or the component's latest. Answers SyncRunSummary. */
  GetSync: 'authorizer.sync.get',
  /**
   * Authorizations that could not be completed (`authorization.failed`), newest first, and those
   * recovered through WeChat's authorizer list. Answers AuthorizationOutcomePage.
   */
  ListAuthorizationOutcomes: 'authorizer.authorization-outcomes.list',
  /** A component's authorization links, newest first, with their state. Answers AuthorizationLinkPage. */
  ListLinks: 'authorizer.links.list',
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
  AuthorizerNotFound: 'AUTHORIZER_NOT_FOUND',
  SyncNotFound: 'SYNC_NOT_FOUND',
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

export const AUTHORIZER_STATUSES = ['authorized', 'unauthorized'] as const;
export type AuthorizerStatus = (typeof AUTHORIZER_STATUSES)[number];

/**
 * How an authorization reached us. `recovery`: its code could not be exchanged in time, and the
 * refresh token came from api_get_authorizer_list instead.
 */
export type AuthorizationSource = 'push' | 'landing' | 'sync' | 'fast_registration' | 'recovery';

export interface SearchAuthorizersRequest {
  /** The authorizer's WECHAT_COMPONENT_APPID when omitted. */
  componentAppid?: string;
  authorizerType?: 'official_account' | 'mini_program';
  status?: AuthorizerStatus;
  /** Exact match. */
  bizRef?: string;
  /** Part of the nick name, the original id (`gh_…`) or the appid. */
  name?: string;
  /** Any of these business references, exactly (1–1000 of them). Excludes `bizRef` and `bizRefPrefix`. */
  bizRefs?: string[];
  /** Business references starting with this (1–128 characters, taken literally). Excludes `bizRef` and `bizRefs`. */
  bizRefPrefix?: string;
  /** Only these authorizers (1–1000 appids): e.g. the bizRef and nick name of a campaign's explicit targets. */
  authorizerAppids?: string[];
  /** Authorizers granted every one of these permission-set ids (e.g. `[18]` code management). */
  funcInfo?: number[];
  /** `active`: the token service holds a working credential; `invalid`: the merchant must authorize again. */
  credentialStatus?: 'active' | 'invalid';
  /**
   * Keyset paging for callers reading a whole set (campaign targets): present, the page is
   * ordered by appid and starts after this one (`''` for the first page); `offset` must be 0.
   * The reply's `nextAfterAuthorizerAppid` is the value for the next page.
   */
  afterAuthorizerAppid?: string;
  /** `false`: skip counting (the reply's `total` is -1), for callers paging a large set. Default true. */
  countTotal?: boolean;
  /** Default 0. */
  offset?: number;
  /** 1–200, default 50. */
  limit?: number;
}

/** An authorizer as listed (no credential: those stay in the token service). */
export interface AuthorizerSummary {
  componentAppid: string;
  authorizerAppid: string;
  status: AuthorizerStatus;
  authorizerType: 'official_account' | 'mini_program' | null;
  nickName: string | null;
  userName: string | null;
  headImg: string | null;
  principalName: string | null;
  bizRef: string | null;
  funcInfo: number[];
  /** WeChat's account_status: 1 normal, 14 closed, 16 banned, 18 warned, 19 frozen. */
  accountStatus: number | null;
  /** From `token.authorizer.*`: `invalid` means the merchant must authorize again. */
  credentialStatus: 'active' | 'invalid' | null;
  authorizedAt: string | null;
  unauthorizedAt: string | null;
  profileRefreshedAt: string | null;
}

export interface AuthorizerPage {
  /** Every match; -1 when the request said `countTotal: false`. */
  total: number;
  offset: number;
  limit: number;
  items: AuthorizerSummary[];
  /** With `afterAuthorizerAppid`: the value for the next page, absent on the last page. */
  nextAfterAuthorizerAppid?: string;
}

export interface AuthorizerRefRequest {
  componentAppid?: string;
  authorizerAppid: string;
}

export interface MiniProgramProfile {
  network: {
    requestDomain: string[];
    wsRequestDomain: string[];
    uploadDomain: string[];
    downloadDomain: string[];
    udpDomain: string[];
    tcpDomain: string[];
    bizDomain: string[];
  };
  categories: { first: string; second: string }[];
  /** 0 open, other values: closed or paused by WeChat. */
  visitStatus: number | null;
}

export interface AuthorizerHistoryEntry {
  status: 'authorized' | 'updated' | 'unauthorized';
  source: AuthorizationSource;
  funcInfo: number[] | null;
  bizRef: string | null;
  eventId: string | null;
  occurredAt: string;
}

export interface AuthorizerDetail extends AuthorizerSummary {
  alias: string | null;
  signature: string | null;
  qrcodeUrl: string | null;
  /** service_type_info.id (official accounts: 0/1 订阅号, 2 服务号). */
  serviceType: number | null;
  /** verify_type_info.id (-1 not verified, 0 WeChat verified, …). */
  verifyType: number | null;
  /** Present for mini programs. */
  miniProgram: MiniProgramProfile | null;
  credentialErrcode: number | null;
  /** Why the last profile read failed, if it did. */
  profileError: string | null;
  /** Newest first (at most 50). */
  history: AuthorizerHistoryEntry[];
}

export interface StartSyncRequest {
  componentAppid?: string;
}

export interface GetSyncRequest {
  componentAppid?: string;
  /** The latest run of the component when omitted. */
  syncId?: string;
}

export type SyncRunStatus = 'running' | 'succeeded' | 'partial' | 'failed';

/** One full sync with api_get_authorizer_list. */
export interface SyncRunSummary {
  syncId: string;
  componentAppid: string;
  trigger: 'start' | 'schedule' | 'operator';
  status: SyncRunStatus;
  /** Every page read and the list was consistent (only then are missing accounts marked unauthorized). */
  complete: boolean;
  /** WeChat's total_count. */
  totalCount: number | null;
  listed: number;
  /** Authorizations we did not know (authorized while we were not listening), now recorded and announced. */
  discovered: number;
  /** Refresh tokens handed to the token service that it did not hold (created or reactivated there). */
  handedOver: number;
  /** Profiles read and stored. */
  profilesRefreshed: number;
  /** Known as authorized, absent from a complete pass: now unauthorized. */
  markedUnauthorized: number;
  /** Listed without a refresh token (authorized but never exchanged): cannot be handed over. */
  withoutRefreshToken: number;
  failed: number;
  listCalls: number;
  infoCalls: number;
  error: string | null;
  startedAt: string;
  finishedAt: string | null;
}

export interface ListAuthorizationOutcomesRequest {
  componentAppid?: string;
  authorizerAppid?: string;
  outcome?: 'failed' | 'recovered';
  /** Default 0. */
  offset?: number;
  /** 1–200, default 50. */
  limit?: number;
}

/** An authorization whose code could not be exchanged: recovered through the list, or failed. */
export interface AuthorizationOutcome {
  componentAppid: string;
  authorizerAppid: string;
  outcome: 'failed' | 'recovered';
  /** Why it failed (`authorization.failed`'s reason); null when recovered. */
  reason: 'auth_code_expired' | 'auth_code_rejected' | 'recovery_unavailable' | null;
  /** WeChat's errcode of the exchange's last failure, when it gave one. */
  errcode: number | null;
  /** What went wrong with the exchange, in words (no secret). */
  detail: string;
  bizRef: string | null;
  linkId: string | null;
  /** When the merchant authorized (the push's CreateTime). */
  authorizedAt: string | null;
  /** The `authorization.failed` / `.authorized` event announcing it. */
  eventId: string | null;
  recordedAt: string;
}

export interface AuthorizationOutcomePage {
  total: number;
  offset: number;
  limit: number;
  items: AuthorizationOutcome[];
}

/** `open`: can still be followed; `used`: an authorization came through it; `expired`: its pre-auth code died unused. */
export const AUTHORIZATION_LINK_STATES = ['open', 'used', 'expired'] as const;
export type AuthorizationLinkState = (typeof AUTHORIZATION_LINK_STATES)[number];

export interface ListAuthorizationLinksRequest {
  componentAppid?: string;
  /** Exact match. */
  bizRef?: string;
  state?: AuthorizationLinkState;
  /** Default 0. */
  offset?: number;
  /** 1–200, default 50. */
  limit?: number;
}

export interface AuthorizationLinkSummary {
  linkId: string;
  componentAppid: string;
  kind: AuthorizationLinkKind;
  authType: number | null;
  bizAppid: string | null;
  bizRef: string | null;
  /** Our start page (as in AuthorizationLinkReply). */
  startUrl: string;
  state: AuthorizationLinkState;
  /** The account that authorized through it, when `used`. */
  authorizerAppid: string | null;
  expiresAt: string;
  createdAt: string;
}

export interface AuthorizationLinkPage {
  total: number;
  offset: number;
  limit: number;
  items: AuthorizationLinkSummary[];
}
