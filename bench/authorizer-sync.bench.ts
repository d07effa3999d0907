import { DomainEventTypes } from '@wxop/contracts';
import { SecretBox } from '@wxop/secrets';
import {
  BrokerProbe,
  databaseEnv,
  deleteBrokerObjects,
  startWechatSimProcess,
  testEnv,
  uniqueRunId,
  type SimProcess,
} from '@wxop/testing';
import { createConnection, type RowDataPacket } from 'mysql2/promise';
import { execFileSync, type ChildProcess } from 'node:child_process';

import {
  cpuMsOf,
  deliverTicket,
  machineCpu,
  round,
  startServerProcess,
  startTokenService,
  stopProcess,
  type Bench,
} from './bench.util';

/** CPU time of a local server process found by name (0 when there is none, e.g. a remote server). */
function serverCpuMs(name: string): number {
  try {
    const pid = Number(execFileSync('pgrep', ['-o', '-x', name], { encoding: 'utf8' }).trim());
    return pid ? cpuMsOf(pid) : 0;
  } catch {
    return 0;
  }
}

/** Authorizers authorized while nobody listened, half mini programs, half official accounts. */
const AUTHORIZERS = 10_000;
/** AUTHORIZER_SYNC_CONCURRENCY: WeChat calls in flight at once (the default; the variable overrides it). */
const CONCURRENCY = Number(process.env['AUTHORIZER_SYNC_CONCURRENCY'] ?? 20);
/** Latency wechat-sim adds to every WeChat call (a fault rule: a timer, no CPU). */
const WECHAT_LATENCY_MS = 20;
const PAGE_SIZE = 500;
const SYNC_TIMEOUT_MS = 180_000;
const API_KEY = 'bench-authorizer-sync-api-key-0001';
const C = 'cgi-bin/component';

interface SimPlatform {
  appid: string;
  secret: string;
  token: string;
  encodingAESKey: string;
  currentTicket?: string;
}

interface SyncRow extends RowDataPacket {
  status: string;
  complete: number;
  discovered: number;
  handed_over: number;
  failed: number;
  list_calls: number;
  info_calls: number;
  started_at: Date;
  finished_at: Date | null;
  error: string | null;
}

/**
 * Issue #6's bar for the full sync: 10,000 accounts authorized while the platform was not listening
 * (in the simulator, refresh tokens listed), every WeChat call 20 ms slower. The authorizer starts
 * (its own process, fresh database, its own broker namespace) and its first scheduler pass syncs:
 * 20 list pages, 10,000 profiles, refresh tokens handed to the token service (its own process)
 * 500 at a time, 10,000 authorizations recorded with their events. Ideal = (list + info calls) ×
 * 20 ms / AUTHORIZER_SYNC_CONCURRENCY; bar: ratio ≥ 0.7 with ≤ 20 list and ≤ 10,000 info calls.
 * Simulator, token service (its first refreshes of the 10,000 spread over TOKEN_REFRESH_SPREAD_SECONDS),
 * broker, MariaDB, the subscriber and the authorizer all share these 2 cores.
 */
const run: Bench = async () => {
  const runId = uniqueRunId();
  const namespace = `bench${runId}.`;
  const tokenDb = `wxop_bench_sync_token_${runId}`;
  const authorizerDb = `wxop_bench_sync_authorizer_${runId}`;
  const tokenPort = 40_300 + Math.floor(Math.random() * 300);
  const authorizerPort = tokenPort + 300;
  const db = await createConnection({
    host: testEnv.dbHost,
    port: testEnv.dbPort,
    user: testEnv.dbUser,
    password: testEnv.dbPassword,
    timezone: 'Z',
  });
  let sim: SimProcess | undefined;
  let token: ChildProcess | undefined;
  let authorizer: ChildProcess | undefined;
  let probe: BrokerProbe | undefined;
  try {
    for (const name of [tokenDb, authorizerDb]) {
      await db.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    }
    sim = await startWechatSimProcess({ SIM_DAILY_QUOTA: '100000000' });
    const platform = await sim.control<SimPlatform>('POST', '/platforms', { startTickets: false });
    const componentAppid = platform.appid;
    token = await startTokenService({
      sim,
      platform,
      databaseName: tokenDb,
      namespace,
      port: tokenPort,
      apiKey: API_KEY,
      secretsKeys: `k1:${SecretBox.generateKey()}`,
    });
    await deliverTicket({
      sim,
      componentAppid,
      namespace,
      tokenUrl: `http://127.0.0.1:${tokenPort}`,
      apiKey: API_KEY,
    });

    // The accounts, authorized (and their codes exchanged) while nobody listened: no pushes.
    const appids: string[] = [];
    for (const type of ['mini_program', 'official_account']) {
      const created = await sim.control<{ appids: string[] }>('POST', '/accounts', {
        count: AUTHORIZERS / 2,
        type,
      });
      appids.push(...created.appids);
    }
    await sim.control('POST', `/platforms/${componentAppid}/authorizations/bulk`, {
      authorizerAppids: appids,
    });
    await sim.control('PUT', '/faults', { rules: [{ endpoint: '*', latencyMs: WECHAT_LATENCY_MS }] });
    await sim.control('DELETE', '/counters');
    probe = await BrokerProbe.bind([DomainEventTypes.AuthorizationAuthorized], { namespace });

    const machineBefore = machineCpu();
    const startedAtMs = Date.now();
    authorizer = await startServerProcess(
      [
        // BENCH_CPU_PROFILE_DIR=/tmp/prof writes a V8 CPU profile of the authorizer there.
        ...(process.env['BENCH_CPU_PROFILE_DIR']
          ? ['--cpu-prof', `--cpu-prof-dir=${process.env['BENCH_CPU_PROFILE_DIR']}`]
          : []),
        'scripts/run-ts.cjs',
        'apps/authorizer/src/main.ts',
      ],
      {
        ...databaseEnv({ name: authorizerDb }),
        RABBITMQ_URL: testEnv.rabbitUrl,
        RABBITMQ_NAMESPACE: namespace,
        WECHAT_API_BASE_URL: sim.url,
        WECHAT_MP_BASE_URL: sim.url,
        WECHAT_COMPONENT_APPID: componentAppid,
        LOG_LEVEL: 'warn',
        AUTHORIZER_HTTP_HOST: '127.0.0.1',
        AUTHORIZER_HTTP_PORT: String(authorizerPort),
        AUTHORIZER_PUBLIC_BASE_URL: `http://127.0.0.1:${authorizerPort}`,
        AUTHORIZER_SYNC_CONCURRENCY: String(CONCURRENCY),
        // The first scheduler pass, at start, runs the sync; every account counts, however recent.
        AUTHORIZER_SYNC_START_DELAY_SECONDS: '0',
        AUTHORIZER_SYNC_RECENT_SECONDS: '0',
      },
      `http://127.0.0.1:${authorizerPort}/health/ready`,
    );
    const cpuBefore = cpuMsOf(authorizer.pid!);
    const othersBefore = {
      sim: cpuMsOf(sim.pid),
      token: cpuMsOf(token.pid!),
      mariadb: serverCpuMs('mariadbd'),
      rabbitmq: serverCpuMs('beam.smp'),
    };
    let sync: SyncRow | undefined;
    for (const deadline = Date.now() + SYNC_TIMEOUT_MS; ;) {
      const [rows] = await db.query<SyncRow[]>(
        `SELECT * FROM \`${authorizerDb}\`.authorizer_syncs ORDER BY started_at LIMIT 1`,
      );
      sync = rows[0];
      if (sync && sync.status !== 'running') break;
      if (Date.now() > deadline) throw new Error('the sync did not finish in time');
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const authorizerCpuMs = cpuMsOf(authorizer.pid!) - cpuBefore;
    const simCpuMs = cpuMsOf(sim.pid) - othersBefore.sim;
    const tokenCpuMs = cpuMsOf(token.pid!) - othersBefore.token;
    const mariadbCpuMs = serverCpuMs('mariadbd') - othersBefore.mariadb;
    const rabbitmqCpuMs = serverCpuMs('beam.smp') - othersBefore.rabbitmq;
    const machineAfter = machineCpu();
    const machineBusy = (machineAfter.busy - machineBefore.busy) / (machineAfter.total - machineBefore.total);
    await probe.waitFor(Math.min(sync.discovered, AUTHORIZERS), { timeoutMs: 60_000 }).catch(() => undefined);
    const eventsAfterMs = Date.now() - startedAtMs;
    const events = new Set(probe.envelopes.map((envelope) => envelope.authorizerAppid)).size;

    const counters = await sim.control<{ endpoint: string; appid: string; calls: number; errors: number }[]>(
      'GET',
      '/counters',
    );
    const byEndpoint = new Map<string, number>();
    for (const row of counters) byEndpoint.set(row.endpoint, (byEndpoint.get(row.endpoint) ?? 0) + row.calls);
    const listCalls = byEndpoint.get(`${C}/api_get_authorizer_list`) ?? 0;
    const infoCalls = byEndpoint.get(`${C}/api_get_authorizer_info`) ?? 0;
    const repeatedInfo = counters.filter(
      (row) => row.endpoint === `${C}/api_get_authorizer_info` && row.calls > 1,
    ).length;
    const actualMs = sync.finished_at!.getTime() - sync.started_at.getTime();
    const idealMs = ((listCalls + infoCalls) * WECHAT_LATENCY_MS) / CONCURRENCY;
    const ratio = idealMs / actualMs;
    const callsOk = listCalls <= Math.ceil(AUTHORIZERS / PAGE_SIZE) && infoCalls <= AUTHORIZERS;
    const complete =
      sync.status === 'succeeded' &&
      Boolean(sync.complete) &&
      sync.discovered === AUTHORIZERS &&
      events === AUTHORIZERS;

    console.log(
      `authorizer-sync: ${AUTHORIZERS.toLocaleString('en')} authorizers unknown to us, every WeChat call +${WECHAT_LATENCY_MS} ms, AUTHORIZER_SYNC_CONCURRENCY=${CONCURRENCY}`,
    );
    console.log(
      `  sync              ${sync.status}, complete=${Boolean(sync.complete)}, discovered ${sync.discovered}, handed over ${sync.handed_over}, failed ${sync.failed}${sync.error ? `, error: ${sync.error}` : ''}`,
    );
    console.log(
      `  WeChat calls      ${[...byEndpoint].map(([endpoint, n]) => `${endpoint.replace(`${C}/`, '')} ${n}`).join(', ')}`,
    );
    console.log(
      `                    (the sync's: ${listCalls} list + ${infoCalls} info; bar ≤ 20 + 10,000; ${repeatedInfo} accounts read twice)`,
    );
    console.log(
      `  ideal             ${(idealMs / 1000).toFixed(2)} s   ((${listCalls} + ${infoCalls}) × ${WECHAT_LATENCY_MS} ms / ${CONCURRENCY})`,
    );
    console.log(
      `  wall time         ${(actualMs / 1000).toFixed(2)} s   (the sync run's start to finish, database clock)`,
    );
    console.log(`  ratio             ${ratio.toFixed(3)}   (bar ≥ 0.7)`);
    console.log(
      `  events            ${events} authorization.authorized received ${(eventsAfterMs / 1000).toFixed(1)} s after the authorizer was started`,
    );
    console.log(
      `  authorizer CPU    ${(authorizerCpuMs / 1000).toFixed(2)} s (${(authorizerCpuMs / AUTHORIZERS).toFixed(2)} ms per account); machine busy ${(machineBusy * 100).toFixed(0)} %`,
    );
    console.log(
      `  others' CPU       wechat-sim ${(simCpuMs / 1000).toFixed(2)} s, token ${(tokenCpuMs / 1000).toFixed(2)} s, MariaDB ${(mariadbCpuMs / 1000).toFixed(2)} s, RabbitMQ ${(rabbitmqCpuMs / 1000).toFixed(2)} s (during the sync)`,
    );
    return {
      figures: {
        authorizers: AUTHORIZERS,
        concurrency: CONCURRENCY,
        latencyMs: WECHAT_LATENCY_MS,
        listCalls,
        infoCalls,
        authorizerTokenCalls: byEndpoint.get(`${C}/api_authorizer_token`) ?? 0,
        discovered: sync.discovered,
        events,
        idealS: round(idealMs / 1000, 2),
        wallS: round(actualMs / 1000, 2),
        ratio: round(ratio),
        authorizerCpuMsPerAccount: round(authorizerCpuMs / AUTHORIZERS, 2),
        machineBusy: round(machineBusy, 2),
        simCpuS: round(simCpuMs / 1000, 2),
        tokenCpuS: round(tokenCpuMs / 1000, 2),
        mariadbCpuS: round(mariadbCpuMs / 1000, 2),
        rabbitmqCpuS: round(rabbitmqCpuMs / 1000, 2),
      },
      bar: 'ratio ≥ 0.7, ≤ 20 list + 10,000 info calls, every account discovered and announced once',
      passed: ratio >= 0.7 && callsOk && complete && repeatedInfo === 0,
    };
  } finally {
    await probe?.close();
    if (authorizer) await stopProcess(authorizer);
    if (token) await stopProcess(token);
    await sim?.stop();
    for (const name of [tokenDb, authorizerDb]) await db.query(`DROP DATABASE IF EXISTS \`${name}\``);
    await db.end();
    const queues = [
      'authorizer.authorization-pushes',
      'authorizer.token-events',
      'authorizer.release-check',
      'token.component-pushes',
    ].flatMap((queue) => [queue, `${queue}.retry`, `${queue}.dlq`]);
    await deleteBrokerObjects({
      exchanges: ['wxop.events', 'wxop.rpc', 'wxop.retry'].map((name) => namespace + name),
      queues: [...queues, 'authorizer.rpc', 'token.rpc'].map((name) => namespace + name),
    });
  }
};

export default run;
