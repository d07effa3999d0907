import { SecretBox } from '@wxop/secrets';
import {
  deleteBrokerObjects,
  startWechatSimProcess,
  testEnv,
  uniqueRunId,
  type SimProcess,
} from '@wxop/testing';
import { createConnection, type Connection, type RowDataPacket } from 'mysql2/promise';
import type { ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

import {
  cpuMsOf,
  deliverTicket,
  machineCpu,
  round,
  runLoad,
  startServerProcess,
  startTokenService,
  stopProcess,
  type Bench,
  type LoadResult,
} from './bench.util';

/** (a) Authorizers all due at once, and the refresh concurrency of the one replica. */
const AUTHORIZERS = 10_000;
const CONCURRENCY = 50;
/** Latency wechat-sim adds to every api_authorizer_token (a fault rule, a timer: no CPU). */
const WECHAT_LATENCY_MS = 50;
const REFRESH_TIMEOUT_MS = 120_000;
/** (b) Token reads over HTTP. */
const CONNECTIONS = 50;
const DURATION_S = 8;
const READ_AUTHORIZERS = 1000;
const API_KEY = 'bench-token-api-key-000000000001';
const SECRETS_KEYS = `k1:${SecretBox.generateKey()}`;
const AUTHORIZER_TOKEN_ENDPOINT = 'cgi-bin/component/api_authorizer_token';
/**
 * BENCH_TOKEN_CPU_PROFILE=<dir>: the token process's CPU profile over (a) is written there
 * (token-<pid>.cpuprofile). The profiler costs CPU, so a profiled run's ratio reads low.
 */
const CPU_PROFILE_DIR = process.env['BENCH_TOKEN_CPU_PROFILE'];

/**
 * The frameworkless read baseline: bare node:http, the same bearer check as the token API
 * (SHA-256 of the presented key, timingSafeEqual), a Map lookup of the authorizer's token and the
 * same JSON reply (`{ accessToken, expiresAt }` with a token of the real length).
 */
const BASELINE_SERVER = `
const http = require('node:http');
const { createHash, randomBytes, timingSafeEqual } = require('node:crypto');
const [port, key, tokenLength] = process.argv.slice(1);
const digest = (value) => createHash('sha256').update(value, 'utf8').digest();
const keyDigest = digest(key);
const tokens = new Map();
const route = /^\\/v1\\/components\\/([^/]+)\\/authorizers\\/([^/]+)\\/access-token$/;
http.createServer((req, res) => {
  const header = req.headers.authorization;
  const presented = typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7).trim() : '';
  const match = route.exec(req.url);
  if (!presented || !timingSafeEqual(keyDigest, digest(presented)) || !match) {
    res.writeHead(presented ? 404 : 401);
    return res.end();
  }
  const id = match[1] + '|' + match[2];
  let token = tokens.get(id);
  if (!token) {
    token = { accessToken: randomBytes(Number(tokenLength)).toString('base64url').slice(0, Number(tokenLength)), expiresAt: Date.now() + 7_200_000 };
    tokens.set(id, token);
  }
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify({ accessToken: token.accessToken, expiresAt: new Date(token.expiresAt).toISOString() }));
}).listen(Number(port), '127.0.0.1', () => process.send('ready'));
`;

interface SimPlatform {
  appid: string;
  secret: string;
  token: string;
  encodingAESKey: string;
  currentTicket?: string;
}

/** The process's resident set (VmRSS) and its peak (VmHWM), in MiB, from /proc. */
function memoryOf(pid: number): { rssMb: number; peakRssMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMb: kib('VmRSS') / 1024, peakRssMb: kib('VmHWM') / 1024 };
}

/** Resets the kernel's peak-RSS mark of a process (clear_refs 5), so VmHWM covers what follows only. */
function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

async function questions(db: Connection): Promise<number> {
  const [rows] = await db.query<RowDataPacket[]>("SHOW GLOBAL STATUS LIKE 'Questions'");
  return Number(rows[0]!['Value']);
}

function load(base: string, paths: string[], durationS: number, connections: number): Promise<LoadResult> {
  let i = 0;
  return runLoad({
    url: base,
    connections,
    duration: durationS,
    headers: { authorization: `Bearer ${API_KEY}` },
    requests: [
      { method: 'GET', setupRequest: (request) => ({ ...request, path: paths[i++ % paths.length] }) },
    ],
  });
}

/**
 * Issue #5's bar for the token service, one replica as a child process against wechat-sim, a fresh
 * database and its own broker namespace; server, simulator, MariaDB, broker and load generator
 * share these 2 cores.
 * (a) 10,000 authorizers come due at once while WeChat takes 50 ms per api_authorizer_token: the
 *     backlog must drain at ≥ 0.7 of the configured concurrency (ideal = N × 50 ms / C).
 * (b) Token reads over HTTP (served from memory) against a bare node:http server doing the same
 *     work: ≥ 0.5 of its throughput, p99 ≤ 20 ms.
 */
const run: Bench = async () => {
  const runId = uniqueRunId();
  const namespace = `bench${runId}.`;
  const databaseName = `wxop_bench_token_${runId}`;
  const port = 39_900 + Math.floor(Math.random() * 300);
  const basePort = port + 300;
  const tokenUrl = `http://127.0.0.1:${port}`;
  const box = SecretBox.fromConfig(SECRETS_KEYS, 'k1');
  // The probe connection: no default database, so it is plainly not the token service's.
  const db = await createConnection({
    host: testEnv.dbHost,
    port: testEnv.dbPort,
    user: testEnv.dbUser,
    password: testEnv.dbPassword,
    timezone: 'Z',
  });
  let sim: SimProcess | undefined;
  let token: ChildProcess | undefined;
  let baseline: ChildProcess | undefined;
  try {
    await db.query(`CREATE DATABASE \`${databaseName}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    sim = await startWechatSimProcess({ SIM_DAILY_QUOTA: '100000000' });
    await sim.control('PUT', '/settings', { dailyQuota: 100_000_000 });
    const platform = await sim.control<SimPlatform>('POST', '/platforms', { startTickets: false });
    const componentAppid = platform.appid;

    // The token service migrates its empty database at start (DatabaseModule, migrationsRun).
    token = await startTokenService({
      sim,
      platform,
      databaseName,
      namespace,
      port,
      apiKey: API_KEY,
      secretsKeys: SECRETS_KEYS,
      cpuProfileDir: CPU_PROFILE_DIR,
      env: {
        TOKEN_REFRESH_CONCURRENCY: String(CONCURRENCY),
        // The default, as in production: reads come from memory, each authorizer's token re-read from
        // the database (the truth) once per 10 s; (b) counts those queries.
        TOKEN_READ_CACHE_MS: '10000',
      },
    });
    const tokenPid = token.pid!;

    await deliverTicket({ sim, componentAppid, namespace, tokenUrl, apiKey: API_KEY });

    // 10,000 mini programs authorized in the simulator; their refresh tokens stored as the token
    // service's repository stores them (sealed per row and column), due only tomorrow.
    const { appids } = await sim.control<{ appids: string[] }>('POST', '/accounts', {
      count: AUTHORIZERS,
      type: 'mini_program',
    });
    const { authorizations } = await sim.control<{
      authorizations: { authorizerAppid: string; refreshToken: string }[];
    }>('POST', `/platforms/${componentAppid}/authorizations/bulk`, { authorizerAppids: appids });
    for (let i = 0; i < authorizations.length; i += 1000) {
      const rows = authorizations
        .slice(i, i + 1000)
        .map(({ authorizerAppid, refreshToken }) => [
          componentAppid,
          authorizerAppid,
          box.encrypt(refreshToken, `token_authorizers:${componentAppid}:${authorizerAppid}:refresh_token`),
        ]);
      await db.query(
        `INSERT INTO \`${databaseName}\`.token_authorizers
           (component_appid, authorizer_appid, status, refresh_token, refresh_due_at, status_changed_at, created_at, updated_at)
         VALUES ${rows.map(() => "(?, ?, 'active', ?, UTC_TIMESTAMP(3) + INTERVAL 1 DAY, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3), UTC_TIMESTAMP(3))").join(', ')}`,
        rows.flat(),
      );
    }
    await sim.control('PUT', '/faults', {
      rules: [{ endpoint: AUTHORIZER_TOKEN_ENDPOINT, latencyMs: WECHAT_LATENCY_MS }],
    });
    await sim.control('DELETE', '/counters');

    // ---- (a) all due at once ----
    // Background: Questions over one second of the idle service (its 1 s scheduler pass) plus
    // whatever else talks to this shared server; a high figure means (a)'s count is inflated.
    const idleBefore = await questions(db);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const idlePerSec = (await questions(db)) - idleBefore - 1;
    const memoryBefore = memoryOf(tokenPid);
    const peakReset = resetPeakRss(tokenPid);

    // Queries per refresh: the server's global `Questions` counter (every statement a client sent:
    // SELECT/UPDATE/INSERT and BEGIN/COMMIT/SET TRANSACTION alike, not COM_PING or prepared-statement
    // protocol bookkeeping) read on this separate connection before and after, minus this
    // connection's own statements (the UPDATE, the start time, the polls, the second SHOW). What is
    // left is the token service's work in the window: claims, completeRefresh and its scheduler
    // passes (component token, outbox relay, metrics stats); and anything another client of this
    // shared server sent meanwhile, see `idleQuestionsPerSec`.
    let probes = 0;
    const questionsBefore = await questions(db);
    if (CPU_PROFILE_DIR) token.send('cpu-profile:start');
    const cpuBefore = cpuMsOf(tokenPid);
    const machineBefore = machineCpu();
    await db.query(
      `UPDATE \`${databaseName}\`.token_authorizers SET refresh_due_at = UTC_TIMESTAMP(3) WHERE component_appid = ?`,
      [componentAppid],
    );
    const [[{ startedAt }]] = (await db.query('SELECT UTC_TIMESTAMP(3) AS startedAt')) as unknown as [
      [{ startedAt: Date }],
    ];
    probes += 2;
    // Wall time on the database's clock: from the moment the UPDATE committed (all due) to the last
    // `last_refreshed_at` (set by completeRefresh); polling only decides when to look.
    let refreshed = 0;
    let firstRefreshedAt = startedAt;
    let lastRefreshedAt = startedAt;
    const deadline = Date.now() + REFRESH_TIMEOUT_MS;
    while (refreshed < AUTHORIZERS) {
      if (Date.now() > deadline) throw new Error(`only ${refreshed} of ${AUTHORIZERS} refreshed in time`);
      await new Promise((resolve) => setTimeout(resolve, 500));
      const [[row]] = (await db.query(
        `SELECT COUNT(*) AS n, MIN(last_refreshed_at) AS first, MAX(last_refreshed_at) AS last FROM \`${databaseName}\`.token_authorizers
         WHERE last_refreshed_at >= ?`,
        [startedAt],
      )) as unknown as [[{ n: number; first: Date | null; last: Date | null }]];
      probes += 1;
      refreshed = Number(row.n);
      if (row.first) firstRefreshedAt = row.first;
      if (row.last) lastRefreshedAt = row.last;
    }
    const queries = (await questions(db)) - questionsBefore - probes - 1;
    const tokenCpuMs = cpuMsOf(tokenPid) - cpuBefore;
    const machineAfter = machineCpu();
    const machineBusy = (machineAfter.busy - machineBefore.busy) / (machineAfter.total - machineBefore.total);
    const memory = memoryOf(tokenPid);
    if (CPU_PROFILE_DIR) {
      const written = new Promise((resolve) => token!.once('message', resolve));
      token.send('cpu-profile:stop');
      await written;
      console.log(`token (a): CPU profile written to ${CPU_PROFILE_DIR}/token-${tokenPid}.cpuprofile`);
    }
    const actualMs = lastRefreshedAt.getTime() - startedAt.getTime();
    // Includes the wait for the scheduler's next pass (TOKEN_REFRESH_INTERVAL_MS, 1 s by default).
    const firstRefreshMs = firstRefreshedAt.getTime() - startedAt.getTime();
    const idealMs = (AUTHORIZERS * WECHAT_LATENCY_MS) / CONCURRENCY;
    const refreshRatio = idealMs / actualMs;
    const counters = await sim.control<{ appid: string; calls: number; errors: number }[]>(
      'GET',
      `/counters?endpoint=${encodeURIComponent(AUTHORIZER_TOKEN_ENDPOINT)}`,
    );
    const wechatCalls = counters.reduce((sum, row) => sum + row.calls, 0);
    const wechatErrors = counters.reduce((sum, row) => sum + row.errors, 0);
    // A second call for one authorizer would be a double refresh (or a retried transport error).
    const repeated = counters.filter((row) => row.calls > 1).map((row) => `${row.appid} ×${row.calls}`);
    await sim.control('DELETE', '/faults');

    console.log(
      `token (a): ${AUTHORIZERS.toLocaleString('en')} authorizers due at once, api_authorizer_token +${WECHAT_LATENCY_MS} ms, TOKEN_REFRESH_CONCURRENCY=${CONCURRENCY}, one replica`,
    );
    console.log(
      `  ideal             ${(idealMs / 1000).toFixed(2)} s   (${AUTHORIZERS} × ${WECHAT_LATENCY_MS} ms / ${CONCURRENCY})`,
    );
    console.log(
      `  actual            ${(actualMs / 1000).toFixed(2)} s   (${Math.round((AUTHORIZERS / actualMs) * 1000)} refreshes/s; the first after ${firstRefreshMs} ms)`,
    );
    console.log(`  ratio             ${refreshRatio.toFixed(3)}   (bar ≥ 0.7)`);
    console.log(
      `  queries/refresh   ${(queries / AUTHORIZERS).toFixed(3)}   (${queries} statements; idle background ${idlePerSec}/s)`,
    );
    console.log(
      `  token RSS         peak ${memory.peakRssMb.toFixed(0)} MiB during the refresh${peakReset ? '' : ' (since start)'}, ${memoryBefore.rssMb.toFixed(0)} MiB before, ${memory.rssMb.toFixed(0)} MiB after`,
    );
    console.log(
      `  CPU               token ${(tokenCpuMs / AUTHORIZERS).toFixed(3)} ms per refresh; machine ${(machineBusy * 100).toFixed(0)} % busy`,
    );
    console.log(
      `  WeChat calls      ${wechatCalls} (${wechatErrors} errors)   (bar: one per authorizer)${repeated.length ? `; more than one: ${repeated.slice(0, 5).join(', ')}` : ''}`,
    );

    // ---- (b) token reads over HTTP ----
    const paths = appids
      .slice(0, READ_AUTHORIZERS)
      .map((appid) => `/v1/components/${componentAppid}/authorizers/${appid}/access-token`);
    const sample = await fetch(`${tokenUrl}${paths[0]}`, { headers: { authorization: `Bearer ${API_KEY}` } });
    const sampleBody = (await sample.json()) as { accessToken: string };
    if (!sample.ok) throw new Error(`token read failed: ${JSON.stringify(sampleBody)}`);
    baseline = await startServerProcess(
      ['-e', BASELINE_SERVER, String(basePort), API_KEY, String(sampleBody.accessToken.length)],
      {},
    );
    const baseUrl = `http://127.0.0.1:${basePort}`;
    // Warm both (JIT, and every authorizer of the rotation in the read cache), then measure each.
    await load(tokenUrl, paths, 2, 10);
    await load(baseUrl, paths, 2, 10);
    const readQuestionsBefore = await questions(db);
    const tokenLoad = await load(tokenUrl, paths, DURATION_S, CONNECTIONS);
    const readQueries = (await questions(db)) - readQuestionsBefore - 1;
    const baseLoad = await load(baseUrl, paths, DURATION_S, CONNECTIONS);
    const tokenResult = tokenLoad.result;
    const baseResult = baseLoad.result;
    const errors = tokenResult.errors + tokenResult.timeouts + tokenResult.non2xx;
    const baselineErrors = baseResult.errors + baseResult.timeouts + baseResult.non2xx;
    const readRatio = tokenLoad.opsPerSec / baseLoad.opsPerSec;
    console.log(
      `token (b): GET …/authorizers/:a/access-token over ${READ_AUTHORIZERS} authorizers, ${CONNECTIONS} connections, ${DURATION_S} s, reads from memory`,
    );
    console.log(
      `  token service     ${Math.round(tokenLoad.opsPerSec).toLocaleString('en')} req/s   p50 ${tokenResult.latency.p50} ms   p99 ${tokenResult.latency.p99} ms   errors ${errors}`,
    );
    console.log(
      `  bare node:http    ${Math.round(baseLoad.opsPerSec).toLocaleString('en')} req/s   p50 ${baseResult.latency.p50} ms   p99 ${baseResult.latency.p99} ms   errors ${baselineErrors}   (same bearer check and reply)`,
    );
    console.log(`  ratio             ${readRatio.toFixed(3)}   (bar ≥ 0.5, p99 ≤ 20 ms)`);
    console.log(
      `  database          ${readQueries} statements during the token service's ${tokenResult.requests.total.toLocaleString('en')} reads (cache refills and scheduler passes)`,
    );

    return {
      figures: {
        authorizers: AUTHORIZERS,
        concurrency: CONCURRENCY,
        wechatLatencyMs: WECHAT_LATENCY_MS,
        idealMs,
        actualMs,
        firstRefreshMs,
        refreshRatio: round(refreshRatio),
        queriesPerRefresh: round(queries / AUTHORIZERS),
        idleQuestionsPerSec: idlePerSec,
        peakRssMb: Math.round(memory.peakRssMb),
        wechatCalls,
        wechatErrors,
        readConnections: CONNECTIONS,
        readOpsPerSec: Math.round(tokenLoad.opsPerSec),
        baselineOpsPerSec: Math.round(baseLoad.opsPerSec),
        readRatio: round(readRatio),
        readP50Ms: tokenResult.latency.p50,
        readP99Ms: tokenResult.latency.p99,
        baselineP99Ms: baseResult.latency.p99,
        readErrors: errors,
        baselineErrors,
        readQueries,
      },
      bar: 'refreshRatio >= 0.7, readRatio >= 0.5, readP99Ms <= 20, one WeChat call per authorizer, no errors',
      passed:
        refreshRatio >= 0.7 &&
        readRatio >= 0.5 &&
        tokenResult.latency.p99 <= 20 &&
        wechatCalls === AUTHORIZERS &&
        wechatErrors === 0 &&
        errors === 0 &&
        baselineErrors === 0,
    };
  } finally {
    if (baseline) await stopProcess(baseline);
    if (token) await stopProcess(token);
    await sim?.stop();
    await db.query(`DROP DATABASE IF EXISTS \`${databaseName}\``).catch(() => undefined);
    await db.end();
    await deleteBrokerObjects({
      exchanges: ['wxop.events', 'wxop.rpc', 'wxop.retry'].map((name) => namespace + name),
      queues: [
        'token.component-pushes',
        'token.component-pushes.retry',
        'token.component-pushes.dlq',
        'token.rpc',
      ].map((name) => namespace + name),
    }).catch(() => undefined);
  }
};

export default run;
