import { DomainEventTypes, TokenRpcPatterns } from '@wxop/contracts';
import { AmqpRpcClient, MessagingModule } from '@wxop/messaging';
import { SecretBox } from '@wxop/secrets';
import {
  BrokerProbe,
  sleep,
  startNestContext,
  startWechatSimProcess,
  testEnv,
  uniqueRunId,
  waitUntil,
  type SimProcess,
  type TestDatabase,
} from '@wxop/testing';
import { spawn } from 'node:child_process';
import { join } from 'node:path';

import {
  countersOf,
  createDatabase,
  publishRawPush,
  SECRETS_KEYS,
  startReplica,
  ticketPush,
  tokenEnv,
  type Replica,
  type SimPlatform,
  deleteTokenBrokerObjects,
} from './token-test.util';

const C = 'cgi-bin/component';
const AUTHORIZERS = 200;
const TOKEN_TTL = 16;
/** Due 16 − (6 + 0…1) = 9…10 s after each refresh. */
const LEAD = 6;
const SPREAD = 1;
/**
 * Two refreshes of one authorizer closer than this are two refreshers in one cycle: a refresh is
 * due TOKEN_TTL − LEAD − SPREAD = 9 s after WeChat issued the previous token at the earliest (the
 * due time is set when the refresh is stored, after WeChat answered). The second of slack covers
 * the simulator's and the database's readings of the one clock of this machine.
 */
const MIN_REFRESH_GAP_MS = (TOKEN_TTL - LEAD - SPREAD) * 1000 - 1000;

interface TokenIssues {
  authorizerAppid: string;
  issuedAt: number[];
}

const simClock = async (sim: SimProcess) =>
  Date.parse((await sim.control<{ clock: string }>('GET', '')).clock);

/**
 * Three replicas of the token service over two token lifetimes, with wechat-sim issuing 16-second
 * tokens, a 5-second grace for superseded tokens and rotating refresh tokens (the old one dead
 * 5 s later): the conditions in which racing refreshers, stale caches and lost refresh tokens show.
 */
describe('token service replicas', () => {
  const namespace = `${uniqueRunId()}.`;
  let sim: SimProcess;
  let database: TestDatabase;
  let platform: SimPlatform;
  let probe: BrokerProbe;
  const replicas: Replica[] = [];
  let env: Record<string, string>;

  const rows = () =>
    database.dataSource.query(
      'SELECT authorizer_appid, status, access_token IS NOT NULL AS has_token, lease_owner, refresh_token FROM token_authorizers',
    ) as Promise<
      {
        authorizer_appid: string;
        status: string;
        has_token: number;
        lease_owner: string | null;
        refresh_token: string;
      }[]
    >;

  beforeAll(async () => {
    sim = await startWechatSimProcess();
    await sim.control('PUT', '/settings', {
      tokenTtlSeconds: TOKEN_TTL,
      tokenGraceSeconds: 5,
      refreshTokenRotation: true,
      refreshTokenGraceSeconds: 5,
      dailyQuota: 10_000_000,
    });
    platform = await sim.control<SimPlatform>('POST', '/platforms', { startTickets: false });
    database = await createDatabase();
    probe = await BrokerProbe.bind(['token.#'], { namespace });
    env = tokenEnv(sim, database, {
      WECHAT_COMPONENT_APPID: platform.appid,
      WECHAT_COMPONENT_SECRET: platform.secret,
      WECHAT_COMPONENT_TOKEN: platform.token,
      WECHAT_COMPONENT_ENCODING_AES_KEY: platform.encodingAESKey,
      TOKEN_REFRESH_LEAD_SECONDS: String(LEAD),
      TOKEN_REFRESH_SPREAD_SECONDS: String(SPREAD),
      TOKEN_MIN_HANDOUT_SECONDS: '2',
      TOKEN_READ_CACHE_MS: '1000',
      TOKEN_LEASE_SECONDS: '5',
      TOKEN_REFRESH_CONCURRENCY: '10',
      TOKEN_REFRESH_BATCH_SIZE: '50',
      TOKEN_TICKET_STALE_SECONDS: '3',
    });
    for (const id of ['replica-a', 'replica-b', 'replica-c'])
      replicas.push(await startReplica(id, namespace, env));
    await sim.control('POST', `/platforms/${platform.appid}/tickets`);
    const { currentTicket } = await sim.control<SimPlatform>('GET', `/platforms/${platform.appid}`);
    await publishRawPush(namespace, platform.appid, ticketPush(platform.appid, currentTicket!));
  });

  afterAll(async () => {
    await Promise.all(replicas.map((replica) => replica.close()));
    await probe?.close();
    await sim?.stop();
    await database?.drop();
    await deleteTokenBrokerObjects(namespace);
  });

  it('asks WeChat to resume ticket pushes once when the ticket is stale, whatever the number of replicas', async () => {
    // TOKEN_TICKET_STALE_SECONDS is 3 and the only ticket arrived long before: the passes of three
    // replicas every 250 ms all see it stale; the shared rate limit lets one call through.
    await waitUntil(
      async () =>
        ((await countersOf(sim, `${C}/api_start_push_ticket`)).get(platform.appid)?.calls ?? 0) >= 1,
      10_000,
      'api_start_push_ticket',
    );
    await sleep(2000);
    expect((await countersOf(sim, `${C}/api_start_push_ticket`)).get(platform.appid)?.calls).toBe(1);
  });

  it(`refreshes each of ${AUTHORIZERS} authorizers once per token lifetime over two lifetimes (never two refreshes within ${MIN_REFRESH_GAP_MS / 1000} s, never a token left to expire), never hands out a token WeChat rejects, keeps rotated refresh tokens`, async () => {
    const { appids } = await sim.control<{ appids: string[] }>('POST', '/accounts', {
      count: AUTHORIZERS,
      type: 'mini_program',
    });
    const { authorizations } = await sim.control<{
      authorizations: { authorizerAppid: string; refreshToken: string }[];
    }>('POST', `/platforms/${platform.appid}/authorizations/bulk`, { authorizerAppids: appids });
    // Handed over as the authorizer service's full sync does; each is due at once.
    const rpc = replicas[0]!.app.get(AmqpRpcClient);
    for (const { authorizerAppid, refreshToken } of authorizations) {
      await rpc.request(TokenRpcPatterns.ImportRefreshToken, {
        componentAppid: platform.appid,
        authorizerAppid,
        refreshToken,
        funcInfo: [17, 18],
      });
    }
    const issued = await probe.waitFor(AUTHORIZERS, { type: DomainEventTypes.TokenAuthorizerIssued });
    for (const event of issued) expect(event.data).toEqual({ source: 'sync', funcInfo: [17, 18] });
    await waitUntil(
      async () => (await rows()).every((row) => row.has_token),
      30_000,
      'a first token for each',
    );
    // The simulator's clock read on both sides of the reset brackets it exactly (see the cross-check).
    const beforeReset = await simClock(sim);
    await sim.control('DELETE', '/counters');
    const afterReset = await simClock(sim);
    const started = Date.now();
    const window = 2 * TOKEN_TTL * 1000;

    // Callers on every replica use what they are handed, at once, as a service would.
    let handedOut = 0;
    const failures: string[] = [];
    const caller = async () => {
      while (Date.now() - started < window) {
        const authorizerAppid = appids[Math.floor(Math.random() * appids.length)]!;
        const replica = replicas[Math.floor(Math.random() * replicas.length)]!;
        const { status, body } = await replica.get<{ accessToken: string }>(
          `/v1/components/${platform.appid}/authorizers/${authorizerAppid}/access-token`,
        );
        if (status !== 200) {
          failures.push(`token API answered ${status}`);
          continue;
        }
        handedOut += 1;
        const answer = (await (
          await fetch(`${sim.url}/cgi-bin/message/custom/send?access_token=${body.accessToken}`, {
            method: 'POST',
            body: JSON.stringify({ touser: 'o_user', msgtype: 'text', text: { content: 'ping' } }),
          })
        ).json()) as { errcode: number };
        if (answer.errcode !== 0)
          failures.push(`WeChat answered ${answer.errcode} to a token from ${replica.replicaId}`);
        await sleep(20);
      }
    };
    await Promise.all(Array.from({ length: 8 }, caller));

    expect(failures).toEqual([]);
    expect(handedOut).toBeGreaterThan(500);
    // Refreshes go on meanwhile: the clock read on both sides of the counters bounds them too.
    const ended = await simClock(sim);
    const counters = await countersOf(sim, `${C}/api_authorizer_token`);
    const countersRead = await simClock(sim);
    expect([...counters.values()].reduce((sum, row) => sum + row.errors, 0)).toBe(0);
    // When WeChat issued each authorizer's tokens, from its first refresh after the import on:
    // totals cannot tell a duplicate refresh from one more cycle, the time between refreshes can.
    const issues = new Map(
      (await sim.control<TokenIssues[]>('GET', `/token-issues?platformAppid=${platform.appid}`)).map(
        (entry) => [entry.authorizerAppid, entry.issuedAt],
      ),
    );
    const tooClose: string[] = [];
    const leftToExpire: string[] = [];
    const logMisses: string[] = [];
    for (const appid of appids) {
      const issuedAt = issues.get(appid) ?? [];
      // The log holds what the counters counted (so no refresh escapes the gap check below).
      const counted = counters.get(appid)?.tokensIssued ?? 0;
      const issuedBetween = (from: number, to: number) =>
        issuedAt.filter((at) => at >= from && at <= to).length;
      if (counted > issuedBetween(beforeReset, countersRead) || counted < issuedBetween(afterReset, ended)) {
        logMisses.push(`${appid}: ${counted} counted, ${issuedAt.length} in the log`);
      }
      for (let i = 1; i < issuedAt.length; i++) {
        const gap = issuedAt[i]! - issuedAt[i - 1]!;
        if (gap < MIN_REFRESH_GAP_MS) tooClose.push(`${appid}: refreshed again after ${gap} ms`);
        if (gap > TOKEN_TTL * 1000) leftToExpire.push(`${appid}: refreshed after ${gap} ms`);
      }
      const last = issuedAt[issuedAt.length - 1] ?? 0;
      if (ended - last > TOKEN_TTL * 1000)
        leftToExpire.push(`${appid}: last refreshed ${ended - last} ms ago`);
    }
    expect(logMisses).toEqual([]);
    expect(tooClose).toEqual([]);
    expect(leftToExpire).toEqual([]);

    // Rotated refresh tokens were kept: every authorizer is active with WeChat's current refresh token.
    expect(probe.envelopes.filter((e) => e.type === DomainEventTypes.TokenAuthorizerInvalid)).toEqual([]);
    const { body: component } = await replicas[1]!.get<{ accessToken: string }>(
      `/v1/components/${platform.appid}/access-token`,
    );
    const list = (await (
      await fetch(`${sim.url}/${C}/api_get_authorizer_list?component_access_token=${component.accessToken}`, {
        method: 'POST',
        body: JSON.stringify({ component_appid: platform.appid, offset: 0, count: 500 }),
      })
    ).json()) as { list: { authorizer_appid: string; refresh_token: string }[] };
    const current = new Map(list.list.map((entry) => [entry.authorizer_appid, entry.refresh_token]));
    const box = SecretBox.fromConfig(SECRETS_KEYS, 'k1');
    const stored = await rows();
    expect(stored).toHaveLength(AUTHORIZERS);
    for (const row of stored) {
      expect(row.status).toBe('active');
      const refreshToken = box.decrypt(
        row.refresh_token,
        `token_authorizers:${platform.appid}:${row.authorizer_appid}:refresh_token`,
      );
      expect(refreshToken).toBe(current.get(row.authorizer_appid));
    }
  }, 120_000);

  it('a replica killed in the middle of refreshes: another takes its leases over when they lapse', async () => {
    await sim.control('PUT', '/settings', { refreshTokenRotation: false });
    await Promise.all(replicas.splice(0).map((replica) => replica.close()));
    // Only the five authorizers below are due while the doomed replica runs.
    await database.dataSource.query(
      'UPDATE token_authorizers SET refresh_due_at = UTC_TIMESTAMP(3) + INTERVAL 1 HOUR',
    );
    const { appids } = await sim.control<{ appids: string[] }>('POST', '/accounts', {
      count: 5,
      type: 'mini_program',
    });
    const { authorizations } = await sim.control<{
      authorizations: { authorizerAppid: string; refreshToken: string }[];
    }>('POST', `/platforms/${platform.appid}/authorizations/bulk`, { authorizerAppids: appids });

    // A replica in its own process claims them and hangs on WeChat; then it is killed (SIGKILL).
    await sim.control('PUT', '/faults', {
      rules: [{ endpoint: `${C}/api_authorizer_token`, latencyMs: 30_000 }],
    });
    const doomed = spawn(process.execPath, ['scripts/run-ts.cjs', 'apps/token/src/main.ts'], {
      cwd: join(__dirname, '..', '..', '..'),
      env: {
        ...process.env,
        ...env,
        TOKEN_HTTP_PORT: '0',
        TOKEN_LEASE_SECONDS: '4',
        RABBITMQ_NAMESPACE: namespace,
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const client = await startNestContext(
      MessagingModule.forRoot({ url: testEnv.rabbitUrl, serviceName: 'token-test-client', namespace }),
    );
    try {
      for (const { authorizerAppid, refreshToken } of authorizations) {
        await client
          .get(AmqpRpcClient)
          .request(
            TokenRpcPatterns.ImportRefreshToken,
            { componentAppid: platform.appid, authorizerAppid, refreshToken },
            { timeoutMs: 30_000 },
          );
      }
    } finally {
      await client.close();
    }
    const leasedByDoomed = async () =>
      (await rows()).filter(
        (row) => appids.includes(row.authorizer_appid) && row.lease_owner?.includes(`:${doomed.pid}:`),
      );
    await waitUntil(
      async () => (await leasedByDoomed()).length === appids.length,
      30_000,
      'the doomed replica to claim them',
    );
    doomed.kill('SIGKILL');
    await new Promise((resolve) => doomed.once('exit', resolve));
    await sim.control('DELETE', '/faults');

    const survivor = await startReplica('survivor', namespace, env);
    replicas.push(survivor);
    await waitUntil(
      async () =>
        (await rows()).filter(
          (row) => appids.includes(row.authorizer_appid) && row.has_token && !row.lease_owner,
        ).length === appids.length,
      20_000,
      'the survivor to refresh them',
    );
    const metrics = await (await fetch(`${survivor.url}/metrics`)).text();
    const takeovers = /wxop_token_lease_takeovers_total\{[^}]*kind="authorizer"[^}]*\} (\d+)/.exec(metrics);
    expect(Number(takeovers?.[1])).toBeGreaterThanOrEqual(appids.length);
  }, 90_000);
});
