import { Pool } from 'undici';

import { WechatApiError, WechatTransportError, isTransientWechatFailure } from './wechat-api.errors';
import type {
  AuthorizationInfo,
  AuthorizerInfoResponse,
  AuthorizerListPage,
  AuthorizerToken,
  ComponentToken,
  ForwardRequest,
  ForwardResponse,
  PreAuthCode,
} from './wechat-api.types';

export interface WechatApiClientOptions {
  /** `https://api.weixin.qq.com`, or wechat-sim's URL (WECHAT_API_BASE_URL). */
  baseUrl: string;
  /** Per attempt. WeChat answers in well under a second; its own push deadline is 5 s. */
  timeoutMs?: number;
  /** Attempts for a transient failure (`-1`, 5xx, timeout, dropped connection), the first included. */
  maxAttempts?: number;
  /** Delay before the second attempt; doubles each time. */
  retryDelayMs?: number;
  /** Connections kept open to WeChat (keep-alive); bounds concurrent calls per process. */
  maxSockets?: number;
}

interface RawResponse {
  status: number;
  contentType: string;
  body: Buffer;
}

export interface CallOptions {
  /**
   * False for calls that consume something on WeChat's side (an auth code): after a timeout or a
   * dropped connection the call may have happened, so only a refused connection or `-1` is retried.
   */
  idempotent: boolean;
  /**
   * Whether a non-idempotent call is retried after `-1` (default true, as for api_query_auth).
   * The §5 writes (WechatCodeApi) set false: their caller reconciles with WeChat instead.
   */
  retrySystemError?: boolean;
}

const COMPONENT = 'cgi-bin/component';

/**
 * Typed client of the WeChat component APIs wxop calls (wechat-protocol.md §3). Every error is a
 * WechatApiError (errcode ≠ 0) or a WechatTransportError; transient ones are retried with backoff.
 * Tokens travel only in query strings and bodies, never in error messages.
 */
export class WechatApiClient {
  private readonly pool: Pool;
  /** The base URL's path (usually empty), put before every endpoint. */
  private readonly basePath: string;
  private readonly timeoutMs: number;
  private readonly maxAttempts: number;
  private readonly retryDelayMs: number;

  constructor(options: WechatApiClientOptions) {
    const base = new URL(options.baseUrl);
    this.basePath = base.pathname.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 5000;
    // undici rather than axios (ADR 0010): a call costs a fraction of the CPU, which decides how many
    // WeChat calls a sync or a refresh pass can keep in flight on a small machine.
    this.pool = new Pool(base.origin, {
      connections: options.maxSockets ?? 256,
      keepAliveTimeout: 30_000,
      connect: { timeout: this.timeoutMs },
    });
    this.maxAttempts = options.maxAttempts ?? 3;
    this.retryDelayMs = options.retryDelayMs ?? 200;
  }

  /** Closes the kept-alive connections once the calls in flight have ended (at shutdown). */
  async close(): Promise<void> {
    await this.pool.close();
  }

  /** Nest calls this on a provider at shutdown, after `beforeApplicationShutdown` (work in flight has ended). */
  onApplicationShutdown(): Promise<void> {
    return this.close();
  }

  /** §3.1 api_component_token. */
  async componentToken(input: {
    componentAppid: string;
    componentSecret: string;
    ticket: string;
  }): Promise<ComponentToken> {
    const body = await this.post(`${COMPONENT}/api_component_token`, undefined, {
      component_appid: input.componentAppid,
      component_appsecret: input.componentSecret,
      component_verify_ticket: input.ticket,
    });
    return {
      accessToken: requireString(body, 'component_access_token', 'api_component_token'),
      expiresIn: requireNumber(body, 'expires_in', 'api_component_token'),
    };
  }

  /** §2.1 api_start_push_ticket: asks WeChat to resume pushing component_verify_ticket. */
  async startPushTicket(input: { componentAppid: string; componentSecret: string }): Promise<void> {
    await this.post(`${COMPONENT}/api_start_push_ticket`, undefined, {
      component_appid: input.componentAppid,
      component_secret: input.componentSecret,
    });
  }

  /** §3.2 api_create_preauthcode. */
  async createPreAuthCode(componentToken: string, componentAppid: string): Promise<PreAuthCode> {
    const body = await this.post(
      `${COMPONENT}/api_create_preauthcode`,
      { component_access_token: componentToken },
      { component_appid: componentAppid },
    );
    return {
      preAuthCode: requireString(body, 'pre_auth_code', 'api_create_preauthcode'),
      expiresIn: requireNumber(body, 'expires_in', 'api_create_preauthcode'),
    };
  }

  /** §3.3 api_query_auth: exchanges a (single-use) authorization code for the authorizer's credentials. */
  async queryAuth(
    componentToken: string,
    componentAppid: string,
    authCode: string,
  ): Promise<AuthorizationInfo> {
    const body = await this.post(
      `${COMPONENT}/api_query_auth`,
      { component_access_token: componentToken },
      { component_appid: componentAppid, authorization_code: authCode },
      { idempotent: false },
    );
    const info = body['authorization_info'];
    if (!isRecord(info)) throw badBody('api_query_auth', 'authorization_info');
    // Older payloads name the appid `appid` (wechat-protocol.md §3.5).
    const authorizerAppid = info['authorizer_appid'] ?? info['appid'];
    if (typeof authorizerAppid !== 'string') throw badBody('api_query_auth', 'authorizer_appid');
    return {
      authorizerAppid,
      accessToken: requireString(info, 'authorizer_access_token', 'api_query_auth'),
      expiresIn: requireNumber(info, 'expires_in', 'api_query_auth'),
      refreshToken: requireString(info, 'authorizer_refresh_token', 'api_query_auth'),
      funcInfo: funcInfoIds(info['func_info']),
    };
  }

  /** §3.4 api_authorizer_token: a new access token, and the refresh token to keep from now on. */
  async authorizerToken(
    componentToken: string,
    input: { componentAppid: string; authorizerAppid: string; refreshToken: string },
  ): Promise<AuthorizerToken> {
    const body = await this.post(
      `${COMPONENT}/api_authorizer_token`,
      { component_access_token: componentToken },
      {
        component_appid: input.componentAppid,
        authorizer_appid: input.authorizerAppid,
        authorizer_refresh_token: input.refreshToken,
      },
    );
    const refreshToken = body['authorizer_refresh_token'];
    return {
      accessToken: requireString(body, 'authorizer_access_token', 'api_authorizer_token'),
      expiresIn: requireNumber(body, 'expires_in', 'api_authorizer_token'),
      // Always keep what WeChat returns; fall back to the one sent when it omits the field.
      refreshToken: typeof refreshToken === 'string' && refreshToken ? refreshToken : input.refreshToken,
    };
  }

  /** §3.5 api_get_authorizer_info, typed loosely: the profile's sub-fields vary by account kind. */
  async getAuthorizerInfo(
    componentToken: string,
    componentAppid: string,
    authorizerAppid: string,
  ): Promise<AuthorizerInfoResponse> {
    const body = await this.post(
      `${COMPONENT}/api_get_authorizer_info`,
      { component_access_token: componentToken },
      { component_appid: componentAppid, authorizer_appid: authorizerAppid },
    );
    const authorizerInfo = body['authorizer_info'];
    const authorization = body['authorization_info'];
    if (!isRecord(authorizerInfo) || !isRecord(authorization)) {
      throw badBody('api_get_authorizer_info', 'authorizer_info');
    }
    const refreshToken = authorization['authorizer_refresh_token'];
    return {
      authorizerInfo,
      funcInfo: funcInfoIds(authorization['func_info']),
      refreshToken: typeof refreshToken === 'string' && refreshToken ? refreshToken : undefined,
    };
  }

  /** §3.6 api_get_authorizer_list: one page (count ≤ 500). */
  async getAuthorizerList(
    componentToken: string,
    input: { componentAppid: string; offset: number; count: number },
  ): Promise<AuthorizerListPage> {
    const body = await this.post(
      `${COMPONENT}/api_get_authorizer_list`,
      { component_access_token: componentToken },
      { component_appid: input.componentAppid, offset: input.offset, count: input.count },
    );
    const list = body['list'];
    return {
      totalCount: requireNumber(body, 'total_count', 'api_get_authorizer_list'),
      list: (Array.isArray(list) ? list : []).filter(isRecord).map((row) => ({
        authorizerAppid: String(row['authorizer_appid']),
        refreshToken:
          typeof row['refresh_token'] === 'string' && row['refresh_token'] ? row['refresh_token'] : undefined,
        authTime: typeof row['auth_time'] === 'number' ? row['auth_time'] : undefined,
      })),
    };
  }

  /**
   * `cgi-bin/message/custom/send`: a customer-service text message from an authorizer to one user
   * (the 全网发布 check's `<code>_from_api` reply). Not retried: a timeout may have delivered it.
   */
  async sendCustomText(authorizerToken: string, input: { toUser: string; content: string }): Promise<void> {
    await this.post(
      'cgi-bin/message/custom/send',
      { access_token: authorizerToken },
      { touser: input.toUser, msgtype: 'text', text: { content: input.content } },
      { idempotent: false },
    );
  }

  /**
   * Sends any request to WeChat as it is (the token service's proxy) and returns the raw answer.
   * No retry: the caller decides, from the errcode, whether to refresh the token and try once more.
   */
  async forward(request: ForwardRequest): Promise<ForwardResponse> {
    const endpoint = request.path.replace(/^\/+/, '');
    const response = await this.send(
      request.method,
      endpoint,
      request.query,
      request.body,
      request.contentType,
    );
    return { ...response, errcode: errcodeOf(response.contentType, response.body) };
  }

  /** One HTTP exchange with an overall deadline; failures become WechatTransportErrors. */
  private async send(
    method: string,
    endpoint: string,
    query: Record<string, string> | undefined,
    body: Buffer | string | undefined,
    contentType: string | undefined,
  ): Promise<RawResponse> {
    const search = query && Object.keys(query).length > 0 ? `?${new URLSearchParams(query).toString()}` : '';
    try {
      const response = await this.pool.request({
        method: method as 'GET',
        path: `${this.basePath}/${endpoint}${search}`,
        headers: contentType ? { 'content-type': contentType } : {},
        body: body ?? null,
        // One overall deadline, exact: undici's own head and body timeouts tick at a coarse
        // resolution and would let a 200 ms timeout run for a second.
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      const raw = Buffer.from(await response.body.arrayBuffer());
      const type = response.headers['content-type'];
      return {
        status: response.statusCode,
        contentType: Array.isArray(type) ? type.join(', ') : (type ?? ''),
        body: raw,
      };
    } catch (error) {
      throw toTransportError(endpoint, error);
    }
  }

  /** POSTs JSON and returns the parsed body; throws WechatApiError for errcode ≠ 0. Retries transient failures. */
  private post(
    endpoint: string,
    query: Record<string, string> | undefined,
    payload: Record<string, unknown>,
    options: CallOptions = { idempotent: true },
  ): Promise<Record<string, unknown>> {
    return this.call('POST', endpoint, query, payload, options);
  }

  /**
   * Internal transport of the typed wrappers in this library (WechatCodeApi): one JSON call (a GET
   * when `payload` is undefined), the parsed body back, WechatApiError for errcode ≠ 0. Transient
   * failures are retried for idempotent calls; a call with `idempotent: false` is retried only when
   * it certainly did not run (`-1`, a refused connection), never after a timeout or a 5xx.
   */
  async call(
    method: 'GET' | 'POST',
    endpoint: string,
    query: Record<string, string> | undefined,
    payload: Record<string, unknown> | undefined,
    options: CallOptions = { idempotent: true },
  ): Promise<Record<string, unknown>> {
    return this.withRetries(options, async () => {
      const { status, body } = await this.send(
        method,
        endpoint,
        query,
        payload === undefined ? undefined : JSON.stringify(payload),
        payload === undefined ? undefined : 'application/json',
      );
      return parseJsonAnswer(endpoint, status, body);
    });
  }

  /**
   * Internal transport for calls answering bytes on success and a JSON error otherwise
   * (`wxa/get_qrcode`): a JSON content type (or a body that is a JSON object) is read as an
   * answer and throws WechatApiError for errcode ≠ 0. Always idempotent (a read).
   */
  async getBytes(
    endpoint: string,
    query: Record<string, string> | undefined,
  ): Promise<{ contentType: string; body: Buffer }> {
    return this.withRetries({ idempotent: true }, async () => {
      const response = await this.send('GET', endpoint, query, undefined, undefined);
      if (looksLikeJson(response.contentType, response.body)) {
        parseJsonAnswer(endpoint, response.status, response.body);
        throw new WechatTransportError(
          endpoint,
          'bad-body',
          'answered JSON without errcode instead of bytes',
        );
      }
      if (response.status !== 200) {
        throw new WechatTransportError(
          endpoint,
          'http-status',
          `answered HTTP ${response.status}`,
          response.status,
        );
      }
      return { contentType: response.contentType, body: response.body };
    });
  }

  private async withRetries<T>(options: CallOptions, attemptOnce: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await attemptOnce();
      } catch (error) {
        const retryable = options.idempotent
          ? isTransientWechatFailure(error)
          : (error instanceof WechatApiError && error.transient && options.retrySystemError !== false) ||
            (error instanceof WechatTransportError && error.reason === 'connection' && refused(error));
        if (!retryable || attempt >= this.maxAttempts) throw error;
        await new Promise((resolve) => setTimeout(resolve, this.retryDelayMs * 2 ** (attempt - 1)));
      }
    }
  }
}

/** A 200 JSON object: returned when errcode is 0 or absent, else a WechatApiError. */
function parseJsonAnswer(endpoint: string, status: number, raw: Buffer): Record<string, unknown> {
  if (status !== 200) {
    throw new WechatTransportError(endpoint, 'http-status', `answered HTTP ${status}`, status);
  }
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new WechatTransportError(endpoint, 'bad-body', 'answered a body that is not JSON');
  }
  if (!isRecord(body)) throw new WechatTransportError(endpoint, 'bad-body', 'answered a JSON non-object');
  const errcode = body['errcode'];
  if (typeof errcode === 'number' && errcode !== 0) {
    throw new WechatApiError(errcode, String(body['errmsg'] ?? ''), endpoint);
  }
  return body;
}

/** JSON by content type, or (WeChat sometimes says text/plain) a body that starts with `{`. */
function looksLikeJson(contentType: string, body: Buffer): boolean {
  if (/json/i.test(contentType)) return true;
  if (/^image\//i.test(contentType)) return false;
  return body.length > 0 && body[0] === 0x7b;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function badBody(endpoint: string, field: string): WechatTransportError {
  return new WechatTransportError(endpoint, 'bad-body', `answered without ${field}`);
}

function requireString(body: Record<string, unknown>, field: string, endpoint: string): string {
  const value = body[field];
  if (typeof value !== 'string' || value === '') throw badBody(endpoint, field);
  return value;
}

function requireNumber(body: Record<string, unknown>, field: string, endpoint: string): number {
  const value = body[field];
  if (typeof value !== 'number' || !Number.isFinite(value)) throw badBody(endpoint, field);
  return value;
}

/** `[{ funcscope_category: { id: 17 } }, …]` → `[17, …]`. */
export function funcInfoIds(value: unknown): number[] {
  if (!Array.isArray(value)) return [];
  const ids: number[] = [];
  for (const entry of value) {
    const category = isRecord(entry) ? entry['funcscope_category'] : undefined;
    const id = isRecord(category) ? category['id'] : undefined;
    if (typeof id === 'number' && Number.isInteger(id)) ids.push(id);
  }
  return ids;
}

/** The errcode of a JSON answer, 0 when it has none (binary answers such as QR codes). */
function errcodeOf(contentType: string, body: Buffer): number {
  if (body.length === 0 || body.length > 64 * 1024) return 0;
  const first = body[0];
  if (!contentType.includes('json') && !contentType.includes('text') && first !== 0x7b) return 0;
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    return isRecord(parsed) && typeof parsed['errcode'] === 'number' ? parsed['errcode'] : 0;
  } catch {
    return 0;
  }
}

function refused(error: WechatTransportError): boolean {
  return /ECONNREFUSED/.test(error.message);
}

const TIMEOUT_CODES = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_ABORTED',
  'ETIMEDOUT',
]);

/**
 * Maps undici and socket failures to a reason and the error's code only: nothing of the request
 * (its query holds the access token) goes into the message.
 */
function toTransportError(endpoint: string, error: unknown): WechatTransportError {
  const { name, code } = (error ?? {}) as { name?: unknown; code?: unknown };
  if (name === 'TimeoutError' || name === 'AbortError' || TIMEOUT_CODES.has(String(code))) {
    return new WechatTransportError(endpoint, 'timeout', 'no answer in time');
  }
  return new WechatTransportError(
    endpoint,
    'connection',
    `connection failed (${String(code ?? name ?? 'unknown')})`,
  );
}
