import { JwtService } from '@nestjs/jwt';

import {
  adminCall,
  createUser,
  login,
  startAdminApi,
  TEST_JWT_SECRET,
  type AdminApiProcess,
  type TestUser,
} from './admin-test.util';

const jwt = new JwtService();
const ISSUER = 'wxop-admin-api';
const AUDIENCE = 'wxop-admin';

function base64url(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** The claims of a real access token, to forge variants of it. */
function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
}

/**
 * Access and refresh tokens as an attacker would try them: only an unexpired HS256 token signed
 * with the configured key, for this issuer and audience, of a live session, is accepted; a refresh
 * token works once, and a second use ends its whole session.
 */
describe('access and refresh tokens (admin-api)', () => {
  let api: AdminApiProcess;
  let user: TestUser;

  beforeAll(async () => {
    api = await startAdminApi();
    user = await createUser(api, 'operator');
  });

  afterAll(async () => {
    await api?.close();
  });

  const me = (token: string) =>
    adminCall<{ error?: string; username?: string }>(api.url, 'GET', '/admin/v1/me', { token });

  it('accepts the token it issued', async () => {
    const tokens = await login(api.url, user.username, user.password);
    expect(tokens.expiresIn).toBe(900);
    const { status, body } = await me(tokens.accessToken);
    expect(status).toBe(200);
    expect(body.username).toBe(user.username);
  });

  it('refuses alg none, another algorithm, a wrong key, a wrong issuer or audience, an expired token', async () => {
    const { accessToken } = await login(api.url, user.username, user.password);
    const claims = claimsOf(accessToken);
    const { sub, username, role, sid } = claims as {
      sub: string;
      username: string;
      role: string;
      sid: string;
    };
    const payload = { username, role, sid };
    const now = Math.floor(Date.now() / 1000);
    const forged = {
      algNone: `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ ...claims, exp: now + 600 })}.`,
      algNoneWithSignature: `${base64url({ alg: 'none', typ: 'JWT' })}.${accessToken.split('.')[1]}.${accessToken.split('.')[2]}`,
      hs512: jwt.sign(payload, {
        secret: TEST_JWT_SECRET,
        algorithm: 'HS512',
        subject: sub,
        issuer: ISSUER,
        audience: AUDIENCE,
        expiresIn: 600,
      }),
      wrongKey: jwt.sign(payload, {
        secret: 'another-key-another-key-another-key-1234',
        algorithm: 'HS256',
        subject: sub,
        issuer: ISSUER,
        audience: AUDIENCE,
        expiresIn: 600,
      }),
      wrongIssuer: jwt.sign(payload, {
        secret: TEST_JWT_SECRET,
        algorithm: 'HS256',
        subject: sub,
        issuer: 'someone-else',
        audience: AUDIENCE,
        expiresIn: 600,
      }),
      wrongAudience: jwt.sign(payload, {
        secret: TEST_JWT_SECRET,
        algorithm: 'HS256',
        subject: sub,
        issuer: ISSUER,
        audience: 'other-app',
        expiresIn: 600,
      }),
      expired: jwt.sign(
        { ...payload, iat: now - 1000, exp: now - 60 },
        { secret: TEST_JWT_SECRET, algorithm: 'HS256', subject: sub, issuer: ISSUER, audience: AUDIENCE },
      ),
      tampered: `${accessToken.split('.')[0]}.${base64url({ ...claims, role: 'admin' })}.${accessToken.split('.')[2]}`,
    };
    // The control: the same forging with the right settings is accepted, so the refusals are the settings'.
    const control = jwt.sign(payload, {
      secret: TEST_JWT_SECRET,
      algorithm: 'HS256',
      subject: sub,
      issuer: ISSUER,
      audience: AUDIENCE,
      expiresIn: 600,
    });
    expect((await me(control)).status).toBe(200);
    for (const [name, token] of Object.entries(forged)) {
      const { status, body } = await me(token);
      expect({ name, status, error: body.error }).toEqual({ name, status: 401, error: 'unauthenticated' });
    }
  });

  it('rotates refresh tokens, and a reused one ends the whole session', async () => {
    const first = await login(api.url, user.username, user.password);
    const refresh = (refreshToken: string) =>
      adminCall<{ accessToken?: string; refreshToken?: string; error?: string }>(
        api.url,
        'POST',
        '/admin/v1/auth/refresh',
        {
          body: { refreshToken },
        },
      );
    const second = await refresh(first.refreshToken);
    expect(second.status).toBe(200);
    expect(second.body.refreshToken).not.toBe(first.refreshToken);
    const third = await refresh(second.body.refreshToken!);
    expect(third.status).toBe(200);
    expect((await me(third.body.accessToken!)).status).toBe(200);

    // Someone replays the first token: refused, and every token of that session stops working.
    const reused = await refresh(first.refreshToken);
    expect(reused).toMatchObject({ status: 401, body: { error: 'refresh_token_reused' } });
    expect(await refresh(third.body.refreshToken!)).toMatchObject({
      status: 401,
      body: { error: 'invalid_refresh_token' },
    });
    expect((await me(third.body.accessToken!)).status).toBe(401);
    expect((await me(first.accessToken)).status).toBe(401);
    expect(await refresh('not-a-token-we-issued')).toMatchObject({
      status: 401,
      body: { error: 'invalid_refresh_token' },
    });

    // Another session of the same user is not affected.
    const other = await login(api.url, user.username, user.password);
    expect((await me(other.accessToken)).status).toBe(200);
    const rows: { revoked_reason: string | null }[] = await api.database.dataSource.query(
      `SELECT s.revoked_reason FROM admin_sessions s JOIN admin_refresh_tokens t ON t.session_id = s.id
        WHERE t.token_hash = SHA2(?, 256)`,
      [first.refreshToken],
    );
    expect(rows).toEqual([{ revoked_reason: 'refresh_reuse' }]);
  });

  it('stores refresh tokens only as SHA-256 hashes', async () => {
    const tokens = await login(api.url, user.username, user.password);
    const rows: { token_hash: string }[] = await api.database.dataSource.query(
      `SELECT token_hash FROM admin_refresh_tokens WHERE token_hash = SHA2(?, 256)`,
      [tokens.refreshToken],
    );
    expect(rows).toHaveLength(1);
    const plain: unknown[] = await api.database.dataSource.query(
      `SELECT 1 FROM admin_refresh_tokens WHERE token_hash = ?`,
      [tokens.refreshToken],
    );
    expect(plain).toHaveLength(0);
  });

  it('ends the session at logout: access and refresh tokens are refused', async () => {
    const tokens = await login(api.url, user.username, user.password);
    expect(
      (await adminCall(api.url, 'POST', '/admin/v1/auth/logout', { token: tokens.accessToken })).status,
    ).toBe(204);
    expect((await me(tokens.accessToken)).status).toBe(401);
    const { status } = await adminCall(api.url, 'POST', '/admin/v1/auth/refresh', {
      body: { refreshToken: tokens.refreshToken },
    });
    expect(status).toBe(401);
  });

  it('ends every session of the user at a password change, and checks the policy', async () => {
    const victim = await createUser(api, 'viewer');
    const a = await login(api.url, victim.username, victim.password);
    const b = await login(api.url, victim.username, victim.password);
    const change = (body: object) =>
      adminCall<{ error?: string }>(api.url, 'POST', '/admin/v1/me/password', { token: a.accessToken, body });
    expect(
      (await change({ currentPassword: 'wrong-password-123', newPassword: 'a-new-strong-password' })).body
        .error,
    ).toBe('wrong_password');
    expect(
      (await change({ currentPassword: victim.password, newPassword: `${victim.username}-pass` })).body.error,
    ).toBe('weak_password');
    expect(
      (await change({ currentPassword: victim.password, newPassword: 'a-new-strong-password' })).status,
    ).toBe(204);
    expect((await me(a.accessToken)).status).toBe(401);
    expect((await me(b.accessToken)).status).toBe(401);
    const { status } = await adminCall(api.url, 'POST', '/admin/v1/auth/refresh', {
      body: { refreshToken: b.refreshToken },
    });
    expect(status).toBe(401);
    await expect(login(api.url, victim.username, victim.password)).rejects.toThrow(/401/);
    expect(
      (await me((await login(api.url, victim.username, 'a-new-strong-password')).accessToken)).status,
    ).toBe(200);
  });
});
