import { adminCall, createUser, startAdminApi, type AdminApiProcess, type TestUser } from './admin-test.util';

interface Answer {
  status: number;
  error?: string;
  keys: string;
  ms: number;
}

async function tryLogin(
  api: AdminApiProcess,
  username: string,
  password: string,
  ip: string,
): Promise<Answer> {
  const started = process.hrtime.bigint();
  const { status, body } = await adminCall<Record<string, unknown>>(api.url, 'POST', '/admin/v1/auth/login', {
    body: { username, password },
    headers: { 'x-forwarded-for': ip },
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  return {
    status,
    error: body['error'] as string | undefined,
    keys: Object.keys(body).sort().join(','),
    ms,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * Password guessing against a running admin-api with its default throttling (5 free attempts,
 * backoff, lockout at 20 per username, 100 per IP), client IPs set through X-Forwarded-For
 * (ADMIN_API_TRUST_PROXY=true, as behind an ingress).
 */
describe('brute force on login (admin-api)', () => {
  let api: AdminApiProcess;
  let victim: TestUser;
  let bystander: TestUser;

  beforeAll(async () => {
    api = await startAdminApi({ env: { ADMIN_API_TRUST_PROXY: 'true' } });
    victim = await createUser(api, 'admin');
    bystander = await createUser(api, 'operator');
  });

  afterAll(async () => {
    await api?.close();
  });

  it('locks an account after 100 wrong passwords, answers an unknown user the same, spares other accounts', async () => {
    const known: Answer[] = [];
    for (let i = 0; i < 100; i++)
      known.push(await tryLogin(api, victim.username, `wrong-password-${i}`, '10.0.0.1'));
    const unknown: Answer[] = [];
    for (let i = 0; i < 100; i++)
      unknown.push(await tryLogin(api, 'nobody-here', `wrong-password-${i}`, '10.0.0.2'));

    // The first tries are refused as wrong, the rest throttled; never a success, never a 5xx.
    expect(known.slice(0, 5).map((a) => a.error)).toEqual(Array(5).fill('invalid_credentials'));
    expect(known.every((a) => a.status === 401 || a.status === 429)).toBe(true);
    expect(known.slice(-50).every((a) => a.status === 429 && a.error === 'login_throttled')).toBe(true);
    // An unknown username gets the same answers, in the same order, with the same fields.
    expect(unknown.map((a) => [a.status, a.error, a.keys])).toEqual(
      known.map((a) => [a.status, a.error, a.keys]),
    );

    // The right password is refused while the account is locked, from any IP.
    const right = await tryLogin(api, victim.username, victim.password, '10.0.0.3');
    expect(right).toMatchObject({ status: 429, error: 'login_throttled' });
    const [lock]: { locked_until: Date | null; failures: number }[] = await api.database.dataSource.query(
      `SELECT locked_until, failures FROM admin_login_throttles WHERE scope = 'account' AND subject = ?`,
      [victim.username],
    );
    expect(lock!.failures).toBeGreaterThanOrEqual(100);
    expect(new Date(lock!.locked_until!).getTime()).toBeGreaterThan(Date.now() + 10 * 60_000);

    // Another account logs in, from another IP...
    expect(await tryLogin(api, bystander.username, bystander.password, '10.0.0.3')).toMatchObject({
      status: 200,
    });
    // ...but not from the IP that made 100 failures (locked per IP too).
    expect(await tryLogin(api, bystander.username, bystander.password, '10.0.0.1')).toMatchObject({
      status: 429,
      error: 'login_throttled',
    });

    // Every failure is in the audit log, with the username tried and the IP.
    const [count]: { n: string }[] = await api.database.dataSource.query(
      `SELECT COUNT(*) AS n FROM audit_log WHERE action = 'auth.login' AND outcome = 'failure' AND actor_username = ? AND ip = '10.0.0.1'`,
      [victim.username],
    );
    expect(Number(count?.n)).toBe(100);
  });
});

describe('login timing of unknown and known users (admin-api)', () => {
  let api: AdminApiProcess;
  let user: TestUser;

  beforeAll(async () => {
    // Throttling out of the way, so every try does the full work.
    api = await startAdminApi({
      env: {
        ADMIN_API_LOGIN_FREE_ATTEMPTS: '100000',
        ADMIN_API_LOGIN_MAX_FAILURES: '100000',
        ADMIN_API_LOGIN_IP_MAX_FAILURES: '100000',
      },
    });
    user = await createUser(api, 'viewer');
  });

  afterAll(async () => {
    await api?.close();
  });

  it('answers an unknown username in the time of a wrong password (medians within a factor 1.5)', async () => {
    for (let i = 0; i < 5; i++) {
      await tryLogin(api, user.username, 'warm-up-password', '127.0.0.1');
      await tryLogin(api, `ghost-${i}`, 'warm-up-password', '127.0.0.1');
    }
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 40; i++) {
      // Interleaved, so load on the machine falls on both alike.
      const a = await tryLogin(api, user.username, `wrong-${i}-password`, '127.0.0.1');
      const b = await tryLogin(api, `ghost-user-${i}`, `wrong-${i}-password`, '127.0.0.1');
      expect([a.status, a.error, b.status, b.error]).toEqual([
        401,
        'invalid_credentials',
        401,
        'invalid_credentials',
      ]);
      known.push(a.ms);
      unknown.push(b.ms);
    }
    const ratio = median(unknown) / median(known);
    expect(ratio).toBeGreaterThan(1 / 1.5);
    expect(ratio).toBeLessThan(1.5);
    // The work is the password hash: a login takes well over a plain query's time.
    expect(median(unknown)).toBeGreaterThan(5);
  });
});
