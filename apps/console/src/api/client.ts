import createClient, { type Middleware } from 'openapi-fetch';

import { ApiError } from './errors';
import type { paths } from './schema';
import { readSession, sessionFromTokens, signOut, writeSession, type Session } from './session';

const PUBLIC_PATHS = ['/admin/v1/auth/login', '/admin/v1/auth/refresh'];

let refreshing: Promise<Session | undefined> | undefined;

/**
 * One refresh at a time for every call that met a 401 (a refresh token works once: two refreshes
 * with the same one would end the session as a reuse).
 */
export function refreshSession(): Promise<Session | undefined> {
  refreshing ??= (async () => {
    const session = readSession();
    if (!session) return undefined;
    // Another tab may have refreshed already: its tokens are in storage.
    const response = await fetch('/admin/v1/auth/refresh', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refreshToken: session.refreshToken }),
    });
    if (!response.ok) {
      const latest = readSession();
      if (latest && latest.refreshToken !== session.refreshToken) return latest;
      return undefined;
    }
    const next = sessionFromTokens(await response.json());
    writeSession(next);
    return next;
  })().finally(() => {
    refreshing = undefined;
  });
  return refreshing;
}

const retries = new WeakMap<Request, Request>();

/** Bearer token on every call; on a 401, one refresh and one retry; a failed refresh ends the session. */
const auth: Middleware = {
  onRequest({ request, schemaPath }) {
    if (PUBLIC_PATHS.includes(schemaPath)) return request;
    const session = readSession();
    if (session) request.headers.set('authorization', `Bearer ${session.accessToken}`);
    retries.set(request, request.clone());
    return request;
  },
  async onResponse({ request, response, schemaPath }) {
    if (response.status !== 401 || PUBLIC_PATHS.includes(schemaPath)) return response;
    const retry = retries.get(request);
    const session = await refreshSession();
    if (!session || !retry) {
      signOut('expired');
      return response;
    }
    retry.headers.set('authorization', `Bearer ${session.accessToken}`);
    return fetch(retry);
  },
};

export const api = createClient<paths>({ baseUrl: '' });
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
