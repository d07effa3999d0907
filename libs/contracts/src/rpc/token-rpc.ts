/**
 * Request/reply between our services and the token service: PUBLIC CONTRACT inside wxop.
 * DO NOT RENAME a pattern; add new ones instead. Credentials travel only in replies to these
 * requests, never in events.
 */
export const TokenRpcPatterns = {
  /** The verification keys of a component app, for ingress. */
  GetComponentKeys: 'token.component-keys.get',
  /** Creates or updates a component app (admin-api). Answers ComponentSummary. */
  UpsertComponent: 'token.component.upsert',
  /** A component app's state without its secrets (admin-api). Answers ComponentSummary. */
  GetComponent: 'token.component.get',
  /** The component access token. Answers AccessTokenReply. */
  GetComponentAccessToken: 'token.component-access-token.get',
  /**
   * Reports a component token WeChat rejected (40001 / 40014 / 42001, e.g. from a template-library
   * call); refreshes only if it is still the current one. Request InvalidateComponentAccessTokenRequest,
   * answers AccessTokenReply.
   */
  InvalidateComponentAccessToken: 'token.component-access-token.invalidate',
  /** Every component app with its credential health, never a secret (admin-api). Answers ComponentHealthListReply. */
  ListComponents: 'token.components.list',
  /** One component app's credential health (COMPONENT_NOT_FOUND when unknown). Request ComponentRef, answers ComponentHealth. */
  GetComponentHealth: 'token.component.health',
  /** A new pre-auth code for an authorization link (authorizer). Answers PreAuthCodeReply. */
  CreatePreAuthCode: 'token.pre-auth-code.create',
  /** Exchanges an auth code, idempotently by code (authorizer's landing page). Answers AuthCodeExchangeReply. */
  ExchangeAuthCode: 'token.auth-code.exchange',
  /** Hands over a refresh token found by a full sync (authorizer). Answers AuthorizerCredentialSummary. */
  ImportRefreshToken: 'token.authorizer.import',
  /**
   * Hands over up to 500 refresh tokens of one component at once (authorizer's full sync), in one
   * transaction. Answers ImportRefreshTokensReply.
   */
  ImportRefreshTokens: 'token.authorizers.import',
  /** An authorizer access token. Answers AccessTokenReply. */
  GetAuthorizerAccessToken: 'token.authorizer-access-token.get',
  /** Reports a token WeChat rejected; refreshes only if it is still the current one. Answers AccessTokenReply. */
  InvalidateAuthorizerAccessToken: 'token.authorizer-access-token.invalidate',
  /** Credential state of one authorizer, no token (admin-api). Answers AuthorizerCredentialSummary. */
  GetAuthorizerCredentials: 'token.authorizer.get',
  /** Revokes an authorizer's credentials (idempotent), e.g. after `unauthorized`. Answers AuthorizerCredentialSummary. */
  RevokeAuthorizer: 'token.authorizer.revoke',
} as const;

/** Error codes the token service answers with (RpcRemoteError.code, and `error` of the HTTP token API). */
export const TokenRpcErrorCodes = {
  ComponentNotFound: 'COMPONENT_NOT_FOUND',
  AuthorizerNotFound: 'AUTHORIZER_NOT_FOUND',
  /** The authorizer revoked the authorization or its refresh token died (details.errcode). */
  AuthorizerNotAuthorized: 'AUTHORIZER_NOT_AUTHORIZED',
  /** No ticket yet, WeChat failing, or a refresh in progress elsewhere: try again later. */
  TokenUnavailable: 'TOKEN_UNAVAILABLE',
  /** WeChat refused the request (details.errcode), e.g. an invalid or expired auth code (61009/61010). */
  WechatRejected: 'WECHAT_REJECTED',
  /** WeChat did not answer (timeout, connection, 5xx) a proxied call. */
  WechatUnreachable: 'WECHAT_UNREACHABLE',
  InvalidRequest: 'INVALID_REQUEST',
} as const;

export type TokenRpcErrorCode = (typeof TokenRpcErrorCodes)[keyof typeof TokenRpcErrorCodes];

export interface GetComponentKeysRequest {
  componentAppid: string;
}

/** What ingress needs to verify and decrypt a component's pushes (never published as an event). */
export interface ComponentKeys {
  componentAppid: string;
  /** 消息校验Token */
  token: string;
  /** 消息加解密Key */
  encodingAESKey: string;
}

export interface UpsertComponentRequest {
  componentAppid: string;
  /** AppSecret; required when creating, omitted to keep the stored one. */
  secret?: string;
  /** 消息校验Token; required when creating. */
  token?: string;
  /** 消息加解密Key (43 characters); required when creating. */
  encodingAESKey?: string;
}

export interface ComponentRef {
  componentAppid: string;
}

/** A component app as operators see it: never its secret, token or keys. */
export interface ComponentSummary {
  componentAppid: string;
  /** ISO-8601, absent before the first ticket. */
  ticketReceivedAt?: string;
  /** ISO-8601 expiry of the current component access token, absent when there is none. */
  accessTokenExpiresAt?: string;
  createdAt: string;
  updatedAt: string;
}

export interface InvalidateComponentAccessTokenRequest extends ComponentRef {
  /** The component token WeChat rejected (40001 / 40014 / 42001). */
  accessToken: string;
}

/** A component app's credential health as operators see it: never its secret, ticket or tokens. */
export interface ComponentHealth {
  componentAppid: string;
  ticket: {
    /** ISO-8601; absent before the first ticket push. */
    receivedAt?: string;
    /** Seconds since receivedAt (WeChat pushes every 10 minutes; a ticket lives 12 h). */
    ageSeconds?: number;
    /** WeChat refused the stored ticket (61005 / 61006); the next push clears it. */
    refused?: { errcode: number; at: string };
  };
  componentToken: {
    /** ISO-8601 expiry of the current component access token; absent when there is none. */
    expiresAt?: string;
    /** Consecutive failed refreshes (other than a refused ticket), and the earliest next attempt. */
    refreshFailures: number;
    retryAt?: string;
    /** The last failed refresh, cleared by a success (errcode absent for a transport failure). */
    lastError?: { errcode?: number; message: string; at?: string };
  };
  authorizers: {
    /** Authorizers known to the token service, by credential status. */
    byState: Record<AuthorizerCredentialStatus, number>;
  };
  createdAt: string;
  updatedAt: string;
}

export interface ComponentHealthListReply {
  components: ComponentHealth[];
}

export interface AuthorizerRef {
  componentAppid: string;
  authorizerAppid: string;
}

export interface InvalidateAccessTokenRequest extends AuthorizerRef {
  /** The token WeChat rejected (40001 / 40014 / 42001). */
  accessToken: string;
}

export interface AccessTokenReply {
  accessToken: string;
  /** ISO-8601 */
  expiresAt: string;
}

export interface PreAuthCodeReply {
  preAuthCode: string;
  expiresAt: string;
}

export interface ExchangeAuthCodeRequest {
  componentAppid: string;
  authCode: string;
}

export interface AuthCodeExchangeReply {
  authorizerAppid: string;
  /** Permission-set ids the merchant granted. */
  funcInfo: number[];
  /** False when this code had been exchanged before (the same result, no WeChat call). */
  firstExchange: boolean;
}

export interface ImportRefreshTokenRequest extends AuthorizerRef {
  refreshToken: string;
  funcInfo?: number[];
}

/** Most refresh tokens one `token.authorizers.import` takes (a page of api_get_authorizer_list). */
export const IMPORT_REFRESH_TOKENS_MAX = 500;

export interface ImportRefreshTokensRequest {
  componentAppid: string;
  authorizers: {
    authorizerAppid: string;
    refreshToken: string;
    funcInfo?: number[];
    /** The list's `auth_time` (Unix seconds): a revoked authorizer is revived only by a later authorization. */
    authTime?: number;
  }[];
}

/**
 * `created`/`reactivated`: the token service announced `token.authorizer.issued` (source `sync`).
 * `unchanged`: an active authorizer keeps its own refresh token; a revoked one is not revived by an
 * authorization older than its revocation. (`updated` is not answered any more.)
 */
export type ImportRefreshTokenOutcome = 'created' | 'reactivated' | 'updated' | 'unchanged';

export interface ImportRefreshTokensReply {
  results: { authorizerAppid: string; outcome: ImportRefreshTokenOutcome }[];
}

export type AuthorizerCredentialStatus = 'active' | 'invalid' | 'revoked';

/** An authorizer's credential state, never a token. */
export interface AuthorizerCredentialSummary extends AuthorizerRef {
  status: AuthorizerCredentialStatus;
  funcInfo: number[];
  /** WeChat's errcode that made it invalid (61023, 61003), when status is `invalid`. */
  invalidErrcode?: number;
  accessTokenExpiresAt?: string;
  lastRefreshedAt?: string;
  statusChangedAt: string;
}
