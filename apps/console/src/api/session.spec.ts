import { beforeEach, describe, expect, it, vi } from 'vitest';

import { onSignedOut, readSession, sessionFromTokens, signOut, writeSession } from './session';

describe('session', () => {
  beforeEach(() => localStorage.clear());

  it('turns the login answer into expiry times, and survives a reload through localStorage', () => {
    const session = sessionFromTokens(
      { accessToken: 'a', refreshToken: 'r', expiresIn: 900, refreshExpiresIn: 3600, tokenType: 'Bearer' },
      1_000,
    );
    expect(session).toEqual({
      accessToken: 'a',
      refreshToken: 'r',
      accessExpiresAt: 901_000,
      refreshExpiresAt: 3_601_000,
    });
    writeSession(session);
    expect(readSession()).toEqual(session);
  });

  it('ignores what is not a session (a value another version or a person left)', () => {
    localStorage.setItem('wxop.console.session', '{not json');
    expect(readSession()).toBeUndefined();
    localStorage.setItem('wxop.console.session', JSON.stringify({ accessToken: 1 }));
    expect(readSession()).toBeUndefined();
  });

  it('signing out forgets the tokens and tells the listeners why', () => {
    writeSession({ accessToken: 'a', refreshToken: 'r', accessExpiresAt: 1, refreshExpiresAt: 2 });
    const listener = vi.fn();
    const stop = onSignedOut(listener);
    signOut('expired');
    stop();
    signOut('signed_out');
    expect(readSession()).toBeUndefined();
    expect(listener.mock.calls).toEqual([['expired']]);
  });
});
