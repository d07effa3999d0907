import {
  adminCall,
  createUser,
  login,
  runAdminCli,
  startAdminApi,
  type AdminApiProcess,
  type TestUser,
} from './admin-test.util';

interface AuditItem {
  action: string;
  target: string | null;
  outcome: string;
  errorCode: string | null;
  ip: string | null;
  userAgent: string | null;
  actor: { username: string | null; role: string | null };
  details: Record<string, unknown> | null;
}

/**
 * The app as a whole: error format, security headers, OpenAPI, users managed by an admin, the
 * audit log of every change (searchable, with secrets redacted), the CLI and the one-time bootstrap.
 */
describe('admin-api (users, audit log, errors, OpenAPI)', () => {
  let api: AdminApiProcess;
  let admin: TestUser;
  let token: string;

  beforeAll(async () => {
    api = await startAdminApi({
      env: {
        ADMIN_API_BOOTSTRAP_USERNAME: 'first-admin',
        ADMIN_API_BOOTSTRAP_PASSWORD: 'bootstrap-pass-0123',
      },
    });
    admin = { username: 'first-admin', password: 'bootstrap-pass-0123', role: 'admin' };
    token = (await login(api.url, admin.username, admin.password)).accessToken;
  });

  afterAll(async () => {
    await api?.close();
  });

  it('answers refusals in one format, with security headers and no CORS by default', async () => {
    const missing = await adminCall<Record<string, unknown>>(api.url, 'GET', '/admin/v1/no-such-route', {
      token,
    });
    expect(missing.status).toBe(404);
    expect(Object.keys(missing.body).sort()).toEqual(['correlationId', 'error', 'message']);
    expect(missing.headers.get('x-content-type-options')).toBe('nosniff');
    expect(missing.headers.get('content-security-policy')).toContain("default-src 'self'");
    const invalid = await adminCall<{ error: string; details: { fields: { field: string }[] } }>(
      api.url,
      'POST',
      '/admin/v1/users',
      { token, body: { username: 'x', password: 'short', role: 'root', extra: 1 } },
    );
    expect(invalid.status).toBe(400);
    expect(invalid.body.error).toBe('validation_failed');
    expect(invalid.body.details.fields.map((f) => f.field).sort()).toEqual([
      'extra',
      'password',
      'role',
      'username',
    ]);
    expect(JSON.stringify(invalid.body)).not.toContain('short');
    const tooBig = await adminCall<{ error: string }>(api.url, 'POST', '/admin/v1/auth/login', {
      body: { username: 'a', password: 'x'.repeat(300 * 1024) },
    });
    expect(tooBig).toMatchObject({ status: 413, body: { error: 'payload_too_large' } });
    const preflight = await fetch(`${api.url}/admin/v1/me`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example.com', 'access-control-request-method': 'GET' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('serves the OpenAPI document and Swagger UI', async () => {
    const document = await adminCall<{ openapi: string; paths: Record<string, unknown> }>(
      api.url,
      'GET',
      '/admin/docs/openapi.json',
    );
    expect(document.body.openapi).toMatch(/^3\./);
    expect(Object.keys(document.body.paths)).toContain('/admin/v1/users/{userId}');
    const ui = await fetch(`${api.url}/admin/docs`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('swagger');
  });

  it('answers CORS only for the configured origins', async () => {
    const withCors = await startAdminApi({
      database: api.database,
      env: { ADMIN_API_CORS_ORIGINS: 'https://ops.example.com' },
    });
    try {
      const preflight = (origin: string) =>
        fetch(`${withCors.url}/admin/v1/me`, {
          method: 'OPTIONS',
          headers: { origin, 'access-control-request-method': 'GET' },
        });
      expect((await preflight('https://ops.example.com')).headers.get('access-control-allow-origin')).toBe(
        'https://ops.example.com',
      );
      expect(
        (await preflight('https://evil.example.com')).headers.get('access-control-allow-origin'),
      ).toBeNull();
    } finally {
      await withCors.stop();
    }
  });

  it('creates the first admin from the bootstrap variables only while no user exists', async () => {
    const second = await startAdminApi({
      database: api.database,
      env: {
        ADMIN_API_BOOTSTRAP_USERNAME: 'second-admin',
        ADMIN_API_BOOTSTRAP_PASSWORD: 'another-pass-01234',
      },
    });
    try {
      await expect(login(second.url, 'second-admin', 'another-pass-01234')).rejects.toThrow(/401/);
      expect(second.output()).toContain('ADMIN_API_BOOTSTRAP_* ignored');
    } finally {
      await second.stop();
    }
  });

  it('creates users from the CLI with the password on standard input, under the policy', async () => {
    const weak = await runAdminCli(
      api.env,
      ['create-user', '--username', 'weakling', '--role', 'viewer'],
      'password1234\n',
    );
    expect(weak.code).toBe(1);
    expect(weak.output).toContain('too weak');
    const noRole = await runAdminCli(
      api.env,
      ['create-user', '--username', 'someone'],
      'a-fine-password-1\n',
    );
    expect(noRole.code).toBe(2);
    const made = await createUser(api, 'operator', 'cli-operator');
    expect((await login(api.url, made.username, made.password)).accessToken).toBeTruthy();
    const again = await runAdminCli(
      api.env,
      ['create-user', '--username', 'CLI-Operator', '--role', 'viewer'],
      'a-fine-password-1\n',
    );
    expect(again.code).toBe(1);
    expect(again.output).toContain('taken');
  });

  it("lets an admin manage users (never their own role), and ends a changed user's sessions", async () => {
    const created = await adminCall<{ id: number; username: string; role: string }>(
      api.url,
      'POST',
      '/admin/v1/users',
      {
        token,
        body: { username: 'New.Operator', password: 'operator-pass-0123', role: 'operator' },
      },
    );
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ username: 'new.operator', role: 'operator' });
    expect(JSON.stringify(created.body)).not.toContain('operator-pass');
    const id = created.body.id;
    const session = await login(api.url, 'new.operator', 'operator-pass-0123');
    const demoted = await adminCall<{ role: string }>(api.url, 'PATCH', `/admin/v1/users/${id}`, {
      token,
      body: { role: 'viewer' },
    });
    expect(demoted).toMatchObject({ status: 200, body: { role: 'viewer' } });
    expect((await adminCall(api.url, 'GET', '/admin/v1/me', { token: session.accessToken })).status).toBe(
      401,
    );

    const list = await adminCall<{ items: { username: string }[]; total: number; limit: number }>(
      api.url,
      'GET',
      '/admin/v1/users?role=viewer&sort=username&order=asc&limit=10',
      { token },
    );
    expect(list.body.items.map((u) => u.username)).toContain('new.operator');
    expect(list.body.limit).toBe(10);
    expect((await adminCall(api.url, 'GET', '/admin/v1/users?limit=500', { token })).status).toBe(400);
    expect((await adminCall(api.url, 'GET', '/admin/v1/users?sort=password_hash', { token })).status).toBe(
      400,
    );

    const me = await adminCall<{ id: number }>(api.url, 'GET', '/admin/v1/me', { token });
    const selfDemote = await adminCall<{ error: string }>(api.url, 'PATCH', `/admin/v1/users/${me.body.id}`, {
      token,
      body: { role: 'viewer' },
    });
    expect(selfDemote.body.error).toBe('own_account');
    expect((await adminCall(api.url, 'DELETE', `/admin/v1/users/${id}`, { token })).status).toBe(204);
    expect((await adminCall(api.url, 'GET', `/admin/v1/users/${id}`, { token })).status).toBe(404);
  });

  it('records every change in the audit log, searchable, with secrets redacted', async () => {
    const search = (query: string) =>
      adminCall<{ items: AuditItem[]; total: number }>(api.url, 'GET', `/admin/v1/audit-log?${query}`, {
        token,
        headers: {},
      });
    const creates = await search('action=users.create&outcome=success');
    const created = creates.body.items.find((item) => JSON.stringify(item.details).includes('New.Operator'));
    expect(created).toMatchObject({
      action: 'users.create',
      outcome: 'success',
      actor: { username: 'first-admin', role: 'admin' },
      ip: '127.0.0.1',
    });
    expect(JSON.stringify(created)).not.toContain('operator-pass-0123');
    expect((created!.details as { body: { password: string } }).body.password).toBe('[REDACTED]');

    const deletes = await search('action=users.delete');
    expect(deletes.body.items[0]).toMatchObject({
      outcome: 'success',
      target: expect.stringMatching(/^userId=\d+$/),
    });
    const refused = await search('action=users.&outcome=failure');
    expect(refused.body.items.map((item) => item.errorCode)).toEqual(
      expect.arrayContaining(['validation_failed', 'own_account']),
    );
    const logins = await search(`action=auth.login&actor=first-admin`);
    expect(logins.body.total).toBeGreaterThanOrEqual(1);
    // The create (its body) and the login (its actor): text is matched in either.
    const text = await search('text=New.Operator');
    expect(text.body.items.map((item) => item.action)).toEqual(
      expect.arrayContaining(['users.create', 'auth.login']),
    );
    const future = await search(`from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`);
    expect(future.body.total).toBe(0);
    const paged = await search('limit=2&offset=1&sort=at&order=asc');
    expect(paged.body.items).toHaveLength(2);

    // Append-only: no route changes or deletes an entry.
    for (const method of ['PUT', 'PATCH', 'DELETE'])
      expect((await adminCall(api.url, method, '/admin/v1/audit-log', { token, body: {} })).status).toBe(404);
  });
});
