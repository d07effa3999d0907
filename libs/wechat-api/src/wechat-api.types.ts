/** api_component_token's answer. */
export interface ComponentToken {
  accessToken: string;
  /** Seconds, 7200 on WeChat. */
  expiresIn: number;
}

export interface PreAuthCode {
  preAuthCode: string;
  expiresIn: number;
}

/** api_query_auth's `authorization_info`, in our names. */
export interface AuthorizationInfo {
  authorizerAppid: string;
  accessToken: string;
  expiresIn: number;
  refreshToken: string;
  /** Permission-set ids the merchant granted (`func_info[].funcscope_category.id`). */
  funcInfo: number[];
}

/** api_authorizer_token's answer. */
export interface AuthorizerToken {
  accessToken: string;
  expiresIn: number;
  /** The refresh token to keep from now on (WeChat may rotate it). */
  refreshToken: string;
}

export interface AuthorizerInfoResponse {
  /** `authorizer_info` as WeChat sends it (nick_name, head_img, MiniProgramInfo, …). */
  authorizerInfo: Record<string, unknown>;
  funcInfo: number[];
  refreshToken?: string;
}

export interface AuthorizerListEntry {
  authorizerAppid: string;
  /** Absent for accounts that authorized but whose code was never exchanged. */
  refreshToken?: string;
  /** Unix seconds. */
  authTime?: number;
}

export interface AuthorizerListPage {
  totalCount: number;
  list: AuthorizerListEntry[];
}

export interface ForwardRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
  /** Path under the base URL, e.g. `wxa/get_page`. */
  path: string;
  /** Query parameters, the access token included. */
  query: Record<string, string>;
  body?: Buffer | string;
  contentType?: string;
}

export interface ForwardResponse {
  status: number;
  contentType: string;
  body: Buffer;
  /** The JSON answer's errcode; 0 for success and for binary answers. */
  errcode: number;
}
