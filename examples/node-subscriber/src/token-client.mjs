/**
 * The token service's HTTP API (CONTRACT.md §3): an authorizer's access token, for calling WeChat
 * on the merchant's behalf. The token is a credential: hand it to the code that calls WeChat and
 * never log it.
 */

const ATTEMPTS = 5;
const FIRST_DELAY_MS = 250;
const TIMEOUT_MS = 5000;

/** What a token read ended in, as the event line reports it. */
export const TokenOutcome = {
  Ok: 'ok',
  /** 503 (the token service does not hold it yet) or unreachable, after every attempt. */
  Unavailable: 'unavailable',
  /** 404: the token service knows no such component or authorizer. */
  NotFound: 'not_found',
  /** 409: the merchant withdrew the authorization. */
  NotAuthorized: 'not_authorized',
  /** 401/403: WXOP_TOKEN_API_KEY is not one of the token service's keys. */
  Refused: 'refused',
  Error: 'error',
};

export class TokenClient {
  constructor({ baseUrl, apiKey, log }) {
    this.baseUrl = baseUrl;
    this.apiKey = apiKey;
    this.log = log;
  }

  /**
   * `{ outcome, accessToken?, expiresAt? }`. A 503 or a network error is retried with backoff
   * (250 ms, doubling; about 4 s in all): an event can arrive just before its token is readable.
   */
  async authorizerAccessToken(componentAppid, authorizerAppid) {
    const path =
      `/v1/components/${encodeURIComponent(componentAppid)}` +
      `/authorizers/${encodeURIComponent(authorizerAppid)}/access-token`;
    for (let attempt = 1; ; attempt++) {
      try {
        const response = await fetch(this.baseUrl + path, {
          headers: { authorization: `Bearer ${this.apiKey}`, accept: 'application/json' },
          signal: AbortSignal.timeout(TIMEOUT_MS),
        });
        if (response.ok) {
          const { accessToken, expiresAt } = await response.json();
          return { outcome: TokenOutcome.Ok, accessToken, expiresAt };
        }
        // The error body is `{ error, message }`: safe to log, it never carries a credential.
        const body = await response.text();
        if (response.status !== 503) {
          this.log('warn', 'token API refused', { status: response.status, path, body: body.slice(0, 300) });
          return { outcome: outcomeOf(response.status) };
        }
        this.log('info', 'token not available yet', { path, attempt, body: body.slice(0, 300) });
      } catch (error) {
        this.log('warn', 'token API unreachable', { path, attempt, error: String(error.cause ?? error) });
      }
      if (attempt === ATTEMPTS) return { outcome: TokenOutcome.Unavailable };
      await sleep(FIRST_DELAY_MS * 2 ** (attempt - 1));
    }
  }
}

function outcomeOf(status) {
  if (status === 404) return TokenOutcome.NotFound;
  if (status === 409) return TokenOutcome.NotAuthorized;
  if (status === 401 || status === 403) return TokenOutcome.Refused;
  return TokenOutcome.Error;
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
