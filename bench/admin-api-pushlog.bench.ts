import { createEnvelope, EVENTS_EXCHANGE, QueueNames, type EventEnvelope } from '@wxop/contracts';
import { SecretBox } from '@wxop/secrets';
import { databaseEnv, deleteNamespaceObjects, freePort, testEnv, uniqueRunId } from '@wxop/testing';
import { connect } from 'amqplib';
import { createConnection, type Connection, type RowDataPacket } from 'mysql2/promise';
import { randomUUID } from 'node:crypto';
import { execFile } from 'node:child_process';
import { cpus } from 'node:os';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

import { cpuParts, cpuPerItem, round, startServerProcess, stopProcess, type Bench } from './bench.util';

/**
 * (a) Push log of admin-api (ADR 0017). Sizes can be lowered for development:
 * BENCH_ADMIN_PUSHES (default 20,000) and BENCH_ADMIN_SEARCH_ROWS (default 1,000,000).
 */
const run = promisify(execFile);
const PUSHES = Number(process.env['BENCH_ADMIN_PUSHES'] ?? 20_000);
const SEARCH_ROWS = Number(process.env['BENCH_ADMIN_SEARCH_ROWS'] ?? 1_000_000);
const SEARCH_ROUNDS = Number(process.env['BENCH_ADMIN_SEARCH_ROUNDS'] ?? 200);
/** Rows per INSERT, as ADMIN_API_PUSH_LOG_BATCH_SIZE by default. */
const INSERT_BATCH = 500;
const COMPONENTS = 5;
const AUTHORIZERS = 2000;
const TYPES = [
  'wechat.message.text',
  'wechat.message.event.click',
  'wechat.message.image',
  'wechat.component.authorized',
];
/** Runs of the unbounded rare-term LIKE (a full scan each) measured for comparison. */
const UNBOUNDED_RUNS = Number(process.env['BENCH_ADMIN_UNBOUNDED_RUNS'] ?? 3);
const BAR_RATIO = 0.7;
const BAR_P99_MS = 200;
/** BENCH_ADMIN_CPU_PROFILE=<dir>: admin-api's CPU profile over the burst is written there (the profiler costs CPU). */
const CPU_PROFILE_DIR = process.env['BENCH_ADMIN_CPU_PROFILE'];
/**
 * BENCH_ADMIN_QUEUE_VERSION=2: this run's queues (and the ceilings' queues) use RabbitMQ's classic
 * queue storage v2, through a policy on the run's namespace only, removed at the end: what an
 * operator's `queue-version` policy would give (docs/adr/0017). Unset: the broker's default.
 */
const QUEUE_VERSION = process.env['BENCH_ADMIN_QUEUE_VERSION'];
const USERNAME = 'bench-admin';
const PASSWORD = `Bench-${randomUUID()}`;

const componentOf = (i: number) => `wxbenchcomponent${String(i % COMPONENTS).padStart(2, '0')}`;
const authorizerOf = (i: number) => `wxbenchauth${String(i % AUTHORIZERS).padStart(7, '0')}`;

/** Rare terms: in one push of every RARE_EVERY (4 of a million, the newest 237,655 pushes back from the newest). */
const RARE_EVERY = 250_000;
const RARE_LATIN = 'zqxneedle';
const RARE_CHINESE = '退款申请';

/**
 * A ~1 KiB text push like ingress publishes it (fields + raw XML); every 100th mentions 订单, one
 * in RARE_EVERY the rare terms.
 */
function pushOf(i: number): EventEnvelope {
  const rare = i % RARE_EVERY === 12_345 ? `${RARE_LATIN} ${RARE_CHINESE} ` : '';
  const content = `${rare}${i % 100 === 0 ? '您的订单已发货 ' : '你好 '}message ${i} ${'x'.repeat(300)}`;
  const fields: Record<string, string> = {
    ToUserName: 'gh_bench',
    FromUserName: `openid-${i % 5000}`,
    CreateTime: String(1764000000 + i),
    MsgType: 'text',
    Content: content,
    MsgId: String(24000000000 + i),
  };
  const raw = `<xml>${Object.entries(fields)
    .map(([name, value]) => `<${name}><![CDATA[${value}]]></${name}>`)
    .join('')}</xml>`;
  return createEnvelope(
    TYPES[i % TYPES.length]!,
    { ...fields, raw },
    { componentAppid: componentOf(i), authorizerAppid: authorizerOf(i) },
  );
}

/** The row the app stores for a push (same columns, same JSON, same search text). */
function rowOf(envelope: EventEnvelope, receivedAt: Date): unknown[] {
  const { raw, ...fields } = envelope.data;
  const search = [
    envelope.type,
    envelope.componentAppid,
    envelope.authorizerAppid ?? '',
    ...Object.values(fields),
  ]
    .join(' ')
    .toLowerCase();
  return [
    envelope.id,
    envelope.type,
    envelope.componentAppid,
    envelope.authorizerAppid ?? null,
    new Date(envelope.occurredAt),
    receivedAt,
    null,
    0,
    JSON.stringify(fields),
    raw,
    search,
  ];
}

async function insertRows(db: Connection, table: string, rows: unknown[][]): Promise<void> {
  for (let start = 0; start < rows.length; start += INSERT_BATCH) {
    const batch = rows.slice(start, start + INSERT_BATCH);
    await db.query(
      `INSERT IGNORE INTO ${table} (event_id, type, component_appid, authorizer_appid, occurred_at, received_at,
        replay_of, secrets_hashed, fields, raw_xml, search_text) VALUES ?`,
      [batch],
    );
  }
}

async function countOf(db: Connection, table: string): Promise<number> {
  const [rows] = await db.query<RowDataPacket[]>(`SELECT COUNT(*) AS n FROM ${table}`);
  return Number(rows[0]!['n']);
}

/**
 * The baseline: PUSHES rows built as the app builds them and written with the same multi-row
 * INSERTs on two connections (the app's pool writes concurrent batches), into `bench_baseline`
 * (emptied first). Returns rows per second.
 */
async function baselineRate(db: Connection, database: string): Promise<number> {
  await db.query('TRUNCATE TABLE bench_baseline');
  const second = await createConnection({
    host: testEnv.dbHost,
    port: testEnv.dbPort,
    user: testEnv.dbUser,
    password: testEnv.dbPassword,
    database,
    timezone: 'Z',
  });
  const pushes = Array.from({ length: PUSHES }, (_, i) => pushOf(i));
  const started = performance.now();
  const rows = pushes.map((push) => rowOf(push, new Date()));
  const half = Math.ceil(rows.length / INSERT_BATCH / 2) * INSERT_BATCH;
  await Promise.all([
    insertRows(db, 'bench_baseline', rows.slice(0, half)),
    insertRows(second, 'bench_baseline', rows.slice(half)),
  ]);
  const rate = PUSHES / ((performance.now() - started) / 1000);
  await second.end();
  return rate;
}

/** The app's push-log prefetch (ADMIN_API_PUSH_LOG_PREFETCH's default): the no-op consumer uses the same window. */
const APP_PREFETCH = 2000;
/** The no-op consumer acks every ACK_EVERY deliveries with one multiple-ack, as the app's coalesced acks do. */
const ACK_EVERY = 100;

/**
 * What the broker carries on this machine with the bodies of the burst, published the same way
 * (persistent, one confirm channel) into a durable queue of their own. `consume: false`: nobody
 * consumes (the publish rate alone). `consume: true`: a consumer that stores nothing takes them with
 * the app's prefetch and multiple-acks, and the rate is end to end (last ack): no consumer that
 * stores pushes can go faster through this broker, so it bounds stored/s from above.
 */
async function brokerCeiling(
  broker: Awaited<ReturnType<typeof connect>>,
  bodies: Buffer[],
  consume: boolean,
): Promise<number> {
  const channel = await broker.createConfirmChannel();
  const queue = `bench.ceiling.${uniqueRunId()}`;
  await channel.assertQueue(queue, {
    durable: true,
    ...(QUEUE_VERSION ? { arguments: { 'x-queue-version': Number(QUEUE_VERSION) } } : {}),
  });
  const consumer = await broker.createChannel();
  let consumed = 0;
  let allConsumed: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (allConsumed = resolve));
  if (consume) {
    await consumer.prefetch(APP_PREFETCH);
    await consumer.consume(queue, (message) => {
      if (!message) return;
      consumed++;
      if (consumed % ACK_EVERY === 0 || consumed === bodies.length) consumer.ack(message, true);
      if (consumed === bodies.length) allConsumed();
    });
  }
  const started = performance.now();
  for (const body of bodies) {
    if (!channel.sendToQueue(queue, body, { persistent: true, contentType: 'application/json' })) {
      await new Promise((resolve) => channel.once('drain', resolve));
    }
  }
  await channel.waitForConfirms();
  if (consume) await done;
  const rate = bodies.length / ((performance.now() - started) / 1000);
  await consumer.close();
  await channel.deleteQueue(queue);
  await channel.close();
  return rate;
}

/** Pages (and time) until a text search for `term` shows a push, following nextCursor. */
async function followRareTerm(
  baseUrl: string,
  accessToken: string,
  term: string,
): Promise<{ pages: number; ms: number; hits: number }> {
  const started = performance.now();
  let cursor: string | undefined;
  for (let pages = 1; pages <= 1000; pages++) {
    const response = await fetch(
      `${baseUrl}/admin/v1/pushes?limit=50&text=${encodeURIComponent(term)}${cursor ? `&cursor=${cursor}` : ''}`,
      { headers: { authorization: `Bearer ${accessToken}` } },
    );
    const body = (await response.json()) as {
      items: { fields?: Record<string, unknown> }[];
      nextCursor?: string;
    };
    const hits = body.items.filter((item) => JSON.stringify(item).includes(term)).length;
    if (body.items.length > 0 && hits !== body.items.length)
      throw new Error(`text ${term}: a page holds pushes without it`);
    if (hits > 0 || !body.nextCursor) return { pages, ms: performance.now() - started, hits };
    cursor = body.nextCursor;
  }
  return { pages: 1000, ms: performance.now() - started, hits: 0 };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const bench: Bench = async () => {
  const database = `wxop_bench_admin_${uniqueRunId()}`.slice(0, 64);
  const namespace = `${uniqueRunId()}.`;
  const root = await createConnection({
    host: testEnv.dbHost,
    port: testEnv.dbPort,
    user: testEnv.dbUser,
    password: testEnv.dbPassword,
  });
  await root.query(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  const policy = `bench-queue-version-${namespace.slice(0, -1)}`;
  if (QUEUE_VERSION) {
    // Before the app declares its queues; `^<namespace>` keeps every other run's queues out of it.
    await run('rabbitmqctl', [
      'set_policy',
      policy,
      `^${namespace.replace(/\./g, '\\.')}`,
      JSON.stringify({ 'queue-version': Number(QUEUE_VERSION) }),
      '--apply-to',
      'queues',
    ]);
  }
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const dropDatabase = () => root.query(`DROP DATABASE IF EXISTS \`${database}\``).catch(() => undefined);
  // A start that fails (bad settings) must not leave the database behind.
  const app = await startServerProcess(
    [
      ...(CPU_PROFILE_DIR ? ['-r', join(__dirname, 'cpu-profile.preload.cjs')] : []),
      'scripts/run-ts.cjs',
      'apps/admin-api/src/main.ts',
    ],
    {
      ...(CPU_PROFILE_DIR ? { CPU_PROFILE_DIR, CPU_PROFILE_NAME: 'admin-api' } : {}),
      ...databaseEnv({ name: database }),
      RABBITMQ_URL: testEnv.rabbitUrl,
      RABBITMQ_NAMESPACE: namespace,
      LOG_LEVEL: 'warn',
      ADMIN_API_HTTP_HOST: '127.0.0.1',
      ADMIN_API_HTTP_PORT: String(port),
      ADMIN_API_JWT_SECRET: `bench-only-${randomUUID()}-${randomUUID()}`,
      ADMIN_API_BOOTSTRAP_USERNAME: USERNAME,
      ADMIN_API_BOOTSTRAP_PASSWORD: PASSWORD,
      // admin-api seals forwarding secrets, so it refuses to start without keys.
      SECRETS_KEYS: `k1:${SecretBox.generateKey()}`,
      SECRETS_CURRENT_KEY_ID: 'k1',
    },
    `${baseUrl}/health/ready`,
  ).catch(async (error: unknown) => {
    if (QUEUE_VERSION) await run('rabbitmqctl', ['clear_policy', policy]).catch(() => undefined);
    await dropDatabase();
    await root.end();
    throw error;
  });
  const db = await createConnection({
    host: testEnv.dbHost,
    port: testEnv.dbPort,
    user: testEnv.dbUser,
    password: testEnv.dbPassword,
    database,
    timezone: 'Z',
  });
  const broker = await connect(testEnv.rabbitUrl);
  try {
    // --- 1. burst through the broker into the app ---
    // The baseline runs before and after the burst (the machine is shared): the ratio is to their mean.
    await db.query('CREATE TABLE bench_baseline LIKE admin_push_log');
    const baselineCpuBefore = cpuParts();
    const baselineBefore = await baselineRate(db, database);
    // What the baseline spends per row (database + this process building and sending the rows).
    const baselineCpu = cpuPerItem(baselineCpuBefore, cpuParts(), PUSHES);
    // Bodies are built before the clock starts: the burst measures the broker and the app, not JSON.stringify.
    const pushes = Array.from({ length: PUSHES }, (_, i) => pushOf(i));
    const bodies = pushes.map((push) => Buffer.from(JSON.stringify(push)));
    const channel = await broker.createConfirmChannel();
    const exchange = namespace + EVENTS_EXCHANGE;
    if (CPU_PROFILE_DIR) app.send('cpu-profile:start');
    const cpuBefore = cpuParts(app.pid);
    const started = performance.now();
    for (const [index, push] of pushes.entries()) {
      const body = bodies[index]!;
      const options = {
        persistent: true,
        contentType: 'application/json',
        messageId: push.id,
        type: push.type,
      };
      if (!channel.publish(exchange, push.type, body, options)) {
        await new Promise((resolve) => channel.once('drain', resolve));
      }
    }
    await channel.waitForConfirms();
    const published = performance.now();
    while ((await countOf(db, 'admin_push_log')) < PUSHES)
      await new Promise((resolve) => setTimeout(resolve, 50));
    const stored = performance.now();
    // CPU per stored push, in µs, of each part (the machine's cores are shared by all of them).
    const cpuPerPush = cpuPerItem(cpuBefore, cpuParts(app.pid), PUSHES);
    if (CPU_PROFILE_DIR) {
      const written = new Promise((resolve) => app.once('message', resolve));
      app.send('cpu-profile:stop');
      await written;
    }
    const appRate = PUSHES / ((stored - started) / 1000);
    const lagMs = stored - published;
    console.log(
      `push log: ${PUSHES} pushes published in ${round((published - started) / 1000, 2)} s, stored at ${round(appRate, 0)}/s, lag after the burst ${round(lagMs, 0)} ms`,
    );
    console.log(
      `CPU per stored push (µs, ${cpus().length} cores shared): app ${cpuPerPush.app}, broker ${cpuPerPush.broker}, database ${cpuPerPush.database}, publisher ${cpuPerPush.bench}; total ${cpuPerPush.total}, against the baseline's ${baselineCpu.total} per row (database ${baselineCpu.database}): on cores this busy the app's path costs ${round(cpuPerPush.total / baselineCpu.total, 2)}× the CPU of the baseline`,
    );

    // --- 1b. the broker's own ceiling: the same bodies into a bare durable queue, nobody consuming ---
    const ceiling = await brokerCeiling(broker, bodies, false);
    const consumedCeiling = await brokerCeiling(broker, bodies, true);
    console.log(
      `broker ceiling (same bodies, persistent, confirmed): ${round(ceiling, 0)}/s with no consumer, ${round(consumedCeiling, 0)}/s end to end with a consumer that stores nothing (prefetch ${APP_PREFETCH}, an ack per ${ACK_EVERY}); the app stored ${round(appRate / consumedCeiling, 3)} of the latter`,
    );

    // --- 2. baseline: the same multi-row INSERTs with mysql2 directly ---
    const baselineAfter = await baselineRate(db, database);
    const baselineRateMean = (baselineBefore + baselineAfter) / 2;
    const ratio = appRate / baselineRateMean;
    console.log(
      `baseline (mysql2 multi-row INSERT of ${INSERT_BATCH}): ${round(baselineBefore, 0)}/s before, ${round(baselineAfter, 0)}/s after → ratio ${round(ratio, 3)}; the consumed broker ceiling is ${round(consumedCeiling / baselineRateMean, 3)} of the baseline`,
    );
    await db.query('DROP TABLE bench_baseline');

    // --- 3. search over SEARCH_ROWS stored pushes ---
    const seedStart = performance.now();
    const now = Date.now();
    for (let offset = PUSHES; offset < SEARCH_ROWS; offset += 5000) {
      const count = Math.min(5000, SEARCH_ROWS - offset);
      const seed = Array.from({ length: count }, (_, k) => {
        const i = offset + k;
        return rowOf({ ...pushOf(i), id: randomUUID() }, new Date(now - (SEARCH_ROWS - i) * 500));
      });
      await insertRows(db, 'admin_push_log', seed);
    }
    console.log(`seeded ${SEARCH_ROWS} pushes in ${round((performance.now() - seedStart) / 1000, 1)} s`);
    const login = await fetch(`${baseUrl}/admin/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: USERNAME, password: PASSWORD }),
    });
    const { accessToken } = (await login.json()) as { accessToken: string };
    const queries: Record<string, (i: number) => string> = {
      latestByComponent: (i) => `componentAppid=${componentOf(i)}`,
      latestByAuthorizer: (i) => `authorizerAppid=${authorizerOf(i * 7)}`,
      latestByType: (i) => `type=${TYPES[i % TYPES.length]}`,
      text: () => `text=${encodeURIComponent('订单')}`,
      // A page of a rare term: the bounded scan answers with what the window held and a cursor.
      textRareLatin: () => `text=${RARE_LATIN}`,
      textRareChinese: () => `text=${encodeURIComponent(RARE_CHINESE)}`,
    };
    const figures: Record<string, number> = {};
    let worstP99 = 0;
    for (const [name, query] of Object.entries(queries)) {
      const latencies: number[] = [];
      for (let i = 0; i < SEARCH_ROUNDS; i++) {
        const t0 = performance.now();
        const response = await fetch(`${baseUrl}/admin/v1/pushes?limit=50&${query(i)}`, {
          headers: { authorization: `Bearer ${accessToken}` },
        });
        const body = (await response.json()) as { items?: unknown[] };
        if (response.status !== 200 || !body.items) throw new Error(`${name}: ${response.status}`);
        latencies.push(performance.now() - t0);
      }
      const p50 = percentile(latencies, 50);
      const p99 = percentile(latencies, 99);
      worstP99 = Math.max(worstP99, p99);
      figures[`search_${name}_p50_ms`] = round(p50, 1);
      figures[`search_${name}_p99_ms`] = round(p99, 1);
      console.log(`search ${name} over ${SEARCH_ROWS}: p50 ${round(p50, 1)} ms, p99 ${round(p99, 1)} ms`);
    }
    // The alternative the window replaced, measured on the same table: one unbounded LIKE per rare term.
    for (const [name, term] of [
      ['latin', RARE_LATIN],
      ['chinese', RARE_CHINESE],
    ] as const) {
      const runs: number[] = [];
      for (let run = 0; run < UNBOUNDED_RUNS; run++) {
        const t0 = performance.now();
        await db.query(`SELECT id FROM admin_push_log WHERE search_text LIKE ? ORDER BY id DESC LIMIT 51`, [
          `%${term}%`,
        ]);
        runs.push(performance.now() - t0);
      }
      figures[`unbounded_like_${name}_median_ms`] = round(percentile(runs, 50), 0);
      console.log(
        `unbounded LIKE '%${term}%' over ${SEARCH_ROWS} (no window, direct SQL): median ${round(percentile(runs, 50), 0)} ms of ${UNBOUNDED_RUNS}`,
      );
    }

    // Following the cursors of a rare term until its newest push is found (the console's "search older").
    const found = await followRareTerm(baseUrl, accessToken, RARE_CHINESE);
    figures['rare_term_pages_to_first_hit'] = found.pages;
    figures['rare_term_ms_to_first_hit'] = round(found.ms, 0);
    console.log(
      `rare term ${RARE_CHINESE}: first hit after ${found.pages} pages, ${round(found.ms, 0)} ms (${found.hits} hits)`,
    );
    const passed = ratio >= BAR_RATIO && worstP99 <= BAR_P99_MS && found.hits > 0;
    return {
      figures: {
        pushes: PUSHES,
        queue_version: QUEUE_VERSION ? Number(QUEUE_VERSION) : 'default',
        stored_per_s: round(appRate, 0),
        baseline_per_s: round(baselineRateMean, 0),
        baseline_before_per_s: round(baselineBefore, 0),
        baseline_after_per_s: round(baselineAfter, 0),
        ratio: round(ratio, 3),
        lag_after_burst_ms: round(lagMs, 0),
        broker_ceiling_per_s: round(ceiling, 0),
        broker_consumed_ceiling_per_s: round(consumedCeiling, 0),
        ratio_to_broker_consumed_ceiling: round(appRate / consumedCeiling, 3),
        consumed_ceiling_to_baseline: round(consumedCeiling / baselineRateMean, 3),
        cpu_us_per_row_baseline: baselineCpu.total,
        ...Object.fromEntries(
          Object.entries(cpuPerPush).map(([part, us]) => [`cpu_us_per_push_${part}`, us]),
        ),
        search_rows: SEARCH_ROWS,
        ...figures,
      },
      bar: `stored/s ≥ ${BAR_RATIO} of the mysql2 baseline; search p99 ≤ ${BAR_P99_MS} ms`,
      passed,
    };
  } finally {
    await stopProcess(app);
    if (QUEUE_VERSION) await run('rabbitmqctl', ['clear_policy', policy]).catch(() => undefined);
    await broker.close().catch(() => undefined);
    await db.end().catch(() => undefined);
    await dropDatabase();
    await root.end().catch(() => undefined);
    // Everything of this run's namespace: push log and forwarding queues, their retry and dead-letter queues, the exchanges.
    await deleteNamespaceObjects(namespace, {
      queues: [
        QueueNames.AdminApiPushLog,
        QueueNames.AdminApiForwarding,
        QueueNames.AdminApiForwardingDeliveries,
      ],
      exchanges: [EVENTS_EXCHANGE],
    }).catch(() => undefined);
  }
};

export default bench;
