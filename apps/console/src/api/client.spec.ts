import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { readSession, writeSession } from './session';

const tokens = (n: number) => ({
  accessToken: `access-${n}`,
  refreshToken: `refresh-${n}`,
  expiresIn: 900,
  refreshExpiresIn: 3600,
  tokenType: 'Bearer',
});
const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

/** A fake admin-api: /me answers 200 only to `access-2`; /auth/refresh answers `refresh`. */
function fakeApi(refresh: () => Response) {
  const calls: string[] = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(new URL(String(input), 'http://x'), init);
    const path = new URL(request.url, 'http://x').pathname;
    calls.push(path);
    if (path === '/admin/v1/auth/refresh') return refresh();
    const authorization = request.headers.get('authorization');
    return authorization === 'Bearer access-2'
      ? json(200, { id: 1, username: 'u', role: 'admin' })
      : json(401, { error: 'unauthenticated', message: 'a valid access token is required' });
  });
  vi.stubGlobal('fetch', fetchMock);
  return calls;
}

describe('the API client', () => {
  beforeEach(() => {
    localStorage.clear();
    vi.resetModules();
    writeSession({
      accessToken: 'access-1',
      refreshToken: 'refresh-1',
      accessExpiresAt: 0,
      refreshExpiresAt: 0,
    });
  });
  afterEach(() => vi.unstubAllGlobals());

  it('refreshes once for concurrent refusals, retries each call with the new token, and keeps the new session', async () => {
    const calls = fakeApi(() => json(200, tokens(2)));
    const { api, unwrap } = await import('./client');
    const answers = await Promise.all([1, 2, 3].map(() => unwrap(api.GET('/admin/v1/me'))));
    expect(answers.map((me) => me.username)).toEqual(['u', 'u', 'u']);
    expect(calls.filter((path) => path === '/admin/v1/auth/refresh')).toHaveLength(1);
    expect(readSession()).toMatchObject({ accessToken: 'access-2', refreshToken: 'refresh-2' });
  });

  it('ends the session when the refresh token is refused, and says the session expired', async () => {
    fakeApi(() => json(401, { error: 'refresh_token_reused', message: 'reused' }));
    const { api, unwrap } = await import('./client');
    const { onSignedOut } = await import('./session');
    const reasons: string[] = [];
    onSignedOut((reason) => reasons.push(reason));
    await expect(unwrap(api.GET('/admin/v1/me'))).rejects.toMatchObject({ status: 401 });
    expect(readSession()).toBeUndefined();
    expect(reasons).toEqual(['expired']);
  });

  it('keeps the session when the refresh cannot be answered (a restart, a 503): the call fails, nothing else', async () => {
    fakeApi(() => json(503, { error: 'unavailable', message: 'restarting' }));
    const { api, unwrap } = await import('./client');
    await expect(unwrap(api.GET('/admin/v1/me'))).rejects.toMatchObject({ status: 401 });
    expect(readSession()).toMatchObject({ refreshToken: 'refresh-1' });
  });
});
