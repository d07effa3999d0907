import createClient, { type Middleware } from 'openapi-fetch';

import { ApiError } from './errors';
import type { paths } from './schema';
import { readSession, sessionFromTokens, signOut, writeSession, type Session } from './session';

const PUBLIC_PATHS = ['/admin/v1/auth/login', '/admin/v1/auth/refresh'];

/** What a refresh answered: a new session, the session is over, or the server could not say (5xx, network). */
export type RefreshOutcome = { session: Session } | { ended: true } | { unavailable: true };

let refreshing: Promise<RefreshOutcome> | undefined;

/** Runs `task` holding the browser-wide lock of the session (every tab), or alone where Web Locks are missing. */
function withSessionLock<T>(task: () => Promise<T>): Promise<T> {
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  return locks ? (locks.request('wxop.console.session-refresh', task) as Promise<T>) : task();
}

/**
 * One refresh at a time for every call that met a 401, in this tab (one promise) and across tabs
 * (a Web Lock): a refresh token works once, and a second use of it is taken as theft and ends the
 * session. `usedAccessToken` is the token the refused call carried: when the stored session holds a
 * different one, another call or tab refreshed already and that session is answered as it is.
 */
export function refreshSession(usedAccessToken?: string): Promise<RefreshOutcome> {
  refreshing ??= withSessionLock(async (): Promise<RefreshOutcome> => {
    const session = readSession();
    if (!session) return { ended: true };
    if (usedAccessToken !== undefined && session.accessToken !== usedAccessToken) return { session };
    let response: Response;
    try {
      response = await fetch('/admin/v1/auth/refresh', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ refreshToken: session.refreshToken }),
      });
    } catch {
      return { unavailable: true };
    }
    // 400/401: the refresh token is gone (expired, revoked, reused). Anything else (a restart's 502,
    // a 503, throttling) says nothing about the session: keep it and let the call fail.
    if (response.status === 400 || response.status === 401) return { ended: true };
    if (!response.ok) return { unavailable: true };
    const next = sessionFromTokens(await response.json());
    writeSession(next);
    return { session: next };
  }).finally(() => {
    refreshing = undefined;
  });
  return refreshing;
}

const retries = new WeakMap<Request, { retry: Request; accessToken?: string }>();

/** Bearer token on every call; on a 401, one refresh and one retry; a session the server ended ends here too. */
const auth: Middleware = {
  onRequest({ request, schemaPath }) {
    if (PUBLIC_PATHS.includes(schemaPath)) return request;
    const session = readSession();
    if (session) request.headers.set('authorization', `Bearer ${session.accessToken}`);
    // The body is consumed by the first fetch: keep a copy to send again after a refresh.
    retries.set(request, { retry: request.clone(), accessToken: session?.accessToken });
    return request;
  },
  async onResponse({ request, response, schemaPath }) {
    if (response.status !== 401 || PUBLIC_PATHS.includes(schemaPath)) return response;
    const saved = retries.get(request);
    // Signed out meanwhile (logout while a poll was in flight): nothing to refresh, nothing to report.
    if (!readSession()) return response;
    const outcome = await refreshSession(saved?.accessToken);
    if ('ended' in outcome) {
      signOut('expired');
      return response;
    }
    if ('unavailable' in outcome || !saved) return response;
    saved.retry.headers.set('authorization', `Bearer ${outcome.session.accessToken}`);
    const retried = await fetch(saved.retry);
    // Refused with a fresh token: the session was ended on the server (a password change, say).
    if (retried.status === 401) signOut('expired');
    return retried;
  },
};

// Same origin as the page (admin-api serves both); absolute, as Request needs outside a browser too.
export const api = createClient<paths>({ baseUrl: globalThis.location?.origin ?? '' });
api.use(auth);

/** The data of an openapi-fetch answer, or the API's refusal as an ApiError. */
export async function unwrap<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  let answer: { data?: T; error?: unknown; response: Response };
  try {
    answer = await call;
  } catch (error) {
    throw new ApiError(0, 'network', error instanceof Error ? error.message : String(error));
  }
  if (!answer.response.ok)
    throw ApiError.from(answer.response.status, answer.error, answer.response.statusText);
  return answer.data as T;
}
