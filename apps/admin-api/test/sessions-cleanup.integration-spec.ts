import { createTestDatabase, type TestDatabase } from '@wxop/testing';

import { LoginThrottleRepository } from '../src/auth/login-throttle.repository';
import { SessionsCleanupService } from '../src/auth/sessions-cleanup.service';
import { SessionsRepository } from '../src/auth/sessions.repository';
import { AdminApiConfig } from '../src/config/admin-api.config';
import { ADMIN_API_MIGRATIONS } from '../src/database/migrations';

const HOUR = 3600 * 1000;

/** The cleanup removes only what is over: ended sessions after a day, expired tokens, stale throttling rows. */
describe('session cleanup (admin-api, real MariaDB)', () => {
  let database: TestDatabase;
  let sut: SessionsCleanupService;

  beforeAll(async () => {
    database = await createTestDatabase({ prefix: 'admin_cleanup', migrations: ADMIN_API_MIGRATIONS });
    const config = Object.assign(new AdminApiConfig(), { ADMIN_API_LOGIN_WINDOW_SECONDS: 900 });
    sut = new SessionsCleanupService(
      new SessionsRepository(database.dataSource),
      new LoginThrottleRepository(database.dataSource),
      config,
    );
  });

  afterAll(async () => {
    await database?.drop();
  });

  it('deletes ended sessions and stale rows, keeps live and recent ones', async () => {
    const now = new Date();
    const ago = (ms: number) => new Date(now.getTime() - ms);
    const q = (sql: string, params: unknown[] = []) => database.dataSource.query(sql, params);
    await q(
      `INSERT INTO admin_users (id, username, password_hash, role, password_changed_at, created_at, updated_at)
       VALUES (1, 'u', 'h', 'admin', ?, ?, ?)`,
      [now, now, now],
    );
    const session = (id: string, expiresAt: Date, revokedAt: Date | null) =>
      q(
        `INSERT INTO admin_sessions (id, user_id, created_at, expires_at, last_refreshed_at, revoked_at, revoked_reason)
         VALUES (?, 1, ?, ?, ?, ?, ?)`,
        [id, ago(40 * 24 * HOUR), expiresAt, ago(HOUR), revokedAt, revokedAt ? 'logout' : null],
      );
    await session('live', new Date(now.getTime() + HOUR), null);
    await session('expired-long-ago', ago(48 * HOUR), null);
    await session('revoked-long-ago', new Date(now.getTime() + HOUR), ago(30 * HOUR));
    await session('revoked-just-now', new Date(now.getTime() + HOUR), ago(HOUR));
    const token = (hash: string, sessionId: string, expiresAt: Date) =>
      q(
        `INSERT INTO admin_refresh_tokens (token_hash, session_id, issued_at, expires_at) VALUES (?, ?, ?, ?)`,
        [hash.padEnd(64, '0'), sessionId, ago(HOUR), expiresAt],
      );
    await token('a', 'live', new Date(now.getTime() + HOUR));
    await token('b', 'live', ago(48 * HOUR));
    await token('c', 'revoked-long-ago', new Date(now.getTime() + HOUR));
    const throttle = (subject: string, windowStartedAt: Date, lockedUntil: Date | null) =>
      q(
        `INSERT INTO admin_login_throttles (scope, subject, failures, window_started_at, locked_until) VALUES ('account', ?, 3, ?, ?)`,
        [subject, windowStartedAt, lockedUntil],
      );
    await throttle('stale', ago(2 * HOUR), null);
    await throttle('stale-but-locked', ago(2 * HOUR), new Date(now.getTime() + HOUR));
    await throttle('recent', ago(60 * 1000), null);

    // Two sessions (token c goes with its session, not counted), token b, one throttling row.
    expect(await sut.purge(now)).toBe(4);
    const ids = (await q(`SELECT id FROM admin_sessions ORDER BY id`)) as { id: string }[];
    expect(ids.map((row) => row.id)).toEqual(['live', 'revoked-just-now']);
    const tokens = (await q(`SELECT token_hash FROM admin_refresh_tokens`)) as { token_hash: string }[];
    expect(tokens.map((row) => row.token_hash[0])).toEqual(['a']);
    const subjects = (await q(`SELECT subject FROM admin_login_throttles ORDER BY subject`)) as {
      subject: string;
    }[];
    expect(subjects.map((row) => row.subject)).toEqual(['recent', 'stale-but-locked']);
    expect(await sut.purge(now)).toBe(0);
  });
});
