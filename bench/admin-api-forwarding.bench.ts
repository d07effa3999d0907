import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { cpus } from 'node:os';

import { createEnvelope, EVENTS_EXCHANGE, QueueNames, type EventEnvelope } from '@wxop/contracts';
import { SecretBox } from '@wxop/secrets';
import {
  createTestDatabase,
  databaseEnv,
  deleteNamespaceObjects,
  freePort,
  testEnv,
  uniqueRunId,
  waitUntil,
} from '@wxop/testing';
import { connect, type ConfirmChannel } from 'amqplib';
import { Pool } from 'undici';

import { join } from 'node:path';

import { cpuParts, cpuPerItem, round, startServerProcess, stopProcess, type Bench } from './bench.util';

/**
 * (b) Forwarding (issue #14): EVENTS events published to `wxop.events`, forwarded by admin-api to a
 * local receiver, against a bare undici loop POSTing the same signed bodies to the same receiver
 * with the same concurrency, in the same run (before and after it: the machine is shared). Bar: forwarded per second ≥ 0.7 of the baseline.
 * Printed beside it, a second ceiling: the broker alone carrying the same bodies, published the
 * same way, through one durable queue to a consumer that does nothing (the app's prefetch, acks
 * coalesced per turn as EventConsumers does), end to end: no consumer of this broker on this
 * machine goes faster. `BENCH_FORWARDING_EVENTS` (default 10000) sizes it; develop with a few hundred.
 */
const EVENTS = Number(process.env['BENCH_FORWARDING_EVENTS'] ?? 10_000);
const CONCURRENCY = 64;
/** admin-api's event prefetch (ADMIN_API_FORWARDING_EVENTS_PREFETCH, default), the ceiling consumer's too. */
const EVENTS_PREFETCH = 512;
/** BENCH_ADMIN_CPU_PROFILE=<dir>: admin-api's CPU profile over the forwarding run is written there. */
const CPU_PROFILE_DIR = process.env['BENCH_ADMIN_CPU_PROFILE'];
const COMPONENT = 'wx_bench_component';
const SECRET = 'whsec_bench_only_secret';

/**
 * `v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>` as CONTRACT.md §4 states it: written out here
 * because a benchmark may not import an app's code (module boundaries), as any receiver would.
 */
function signatureHeader(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex')}`;
}

/** The bare loop: the same signed bodies POSTed with CONCURRENCY in flight on one undici pool; per second. */
async function baselineRate(port: number, envelopes: EventEnvelope[]): Promise<number> {
  const pool = new Pool(`http://127.0.0.1:${port}`, { connections: CONCURRENCY });
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < envelopes.length) {
        const envelope = envelopes[next++]!;
        const body = JSON.stringify(envelope);
        const timestamp = Math.floor(Date.now() / 1000);
        const response = await pool.request({
          path: '/hook',
          method: 'POST',
          body,
          headers: {
            'content-type': 'application/json',
            'x-wxop-event-id': envelope.id,
            'x-wxop-event-type': envelope.type,
            'x-wxop-timestamp': String(timestamp),
            'x-wxop-signature': signatureHeader(SECRET, timestamp, body),
          },
        });
        await response.body.text();
      }
    }),
  );
  const rate = envelopes.length / ((performance.now() - started) / 1000);
  await pool.close();
  return rate;
}

/** Publishes every envelope pipelined on a confirm channel, persistent, routing key = type; resolves on the confirms. */
async function publishAll(
  channel: ConfirmChannel,
  exchange: string,
  envelopes: EventEnvelope[],
  publishedAt?: Map<string, number>,
): Promise<void> {
  for (const envelope of envelopes) {
    publishedAt?.set(envelope.id, performance.now());
    channel.publish(exchange, envelope.type, Buffer.from(JSON.stringify(envelope)), {
      persistent: true,
      contentType: 'application/json',
      messageId: envelope.id,
      type: envelope.type,
    });
  }
  await channel.waitForConfirms();
}

/**
 * The broker ceiling: the same bodies published the same way to a topic exchange of the
 * namespace, through one durable queue, to a consumer that only acks (prefetch EVENTS_PREFETCH,
 * one `multiple` ack per turn); per second from the first publish to the last delivery.
 */
async function brokerCeilingRate(namespace: string, envelopes: EventEnvelope[]): Promise<number> {
  const connection = await connect(testEnv.rabbitUrl);
  try {
    const exchange = `${namespace}bench.ceiling`;
    const queue = `${namespace}bench.ceiling`;
    const publisher = await connection.createConfirmChannel();
    await publisher.assertExchange(exchange, 'topic', { durable: true });
    const consumer = await connection.createChannel();
    await consumer.assertQueue(queue, { durable: true });
    await consumer.purgeQueue(queue);
    await consumer.bindQueue(queue, exchange, '#');
    await consumer.prefetch(EVENTS_PREFETCH);
    let received = 0;
    let lastTag: number | undefined;
    let done!: () => void;
    const all = new Promise<void>((resolve) => (done = resolve));
    const { consumerTag } = await consumer.consume(queue, (message) => {
      if (!message) return;
      if (lastTag === undefined)
        setImmediate(() => {
          consumer.ack({ fields: { deliveryTag: lastTag } } as never, true);
          lastTag = undefined;
        });
      lastTag = message.fields.deliveryTag;
      if (++received === envelopes.length) done();
    });
    const started = performance.now();
    await publishAll(publisher, exchange, envelopes);
    await all;
    const rate = envelopes.length / ((performance.now() - started) / 1000);
    await consumer.cancel(consumerTag);
    await new Promise((resolve) => setImmediate(resolve));
    await consumer.close();
    await publisher.close();
    return rate;
  } finally {
    await connection.close();
  }
}

/** Whether the broker routes `routingKey` on `exchange` to some queue (a `mandatory` publish comes back otherwise). */
async function routed(
  channel: ConfirmChannel,
  exchange: string,
  routingKey: string,
  body: Buffer,
): Promise<boolean> {
  let returned = false;
  const onReturn = () => (returned = true);
  channel.on('return', onReturn);
  channel.publish(exchange, routingKey, body, { mandatory: true, contentType: 'application/json' });
  await channel.waitForConfirms();
  channel.off('return', onReturn);
  return !returned;
}

const bench: Bench = async () => {
  const database = await createTestDatabase({ prefix: 'bench_fwd', migrations: [] });
  const namespace = `${uniqueRunId()}.`;
  const keys = `k1:${SecretBox.generateKey()}`;
  const receivedAt = new Map<string, number>();
  let received = 0;
  const receiver: Server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      receivedAt.set(String(request.headers['x-wxop-event-id']), performance.now());
      received++;
      response.writeHead(200).end('ok');
    });
  });
  receiver.keepAliveTimeout = 30_000;
  const port = await freePort();
  await new Promise<void>((resolve) => receiver.listen(port, '127.0.0.1', resolve));
  const target = `http://127.0.0.1:${port}/hook`;
  const appPort = await freePort();
  const app = await startServerProcess(
    [
      ...(CPU_PROFILE_DIR ? ['-r', join(__dirname, 'cpu-profile.preload.cjs')] : []),
      'scripts/run-ts.cjs',
      'apps/admin-api/src/main.ts',
    ],
    {
      ...(CPU_PROFILE_DIR ? { CPU_PROFILE_DIR, CPU_PROFILE_NAME: 'admin-api-forwarding' } : {}),
      ...databaseEnv(database),
      RABBITMQ_URL: testEnv.rabbitUrl,
      RABBITMQ_NAMESPACE: namespace,
      LOG_LEVEL: 'warn',
      LOG_FORMAT: 'json',
      ADMIN_API_HTTP_HOST: '127.0.0.1',
      ADMIN_API_HTTP_PORT: String(appPort),
      ADMIN_API_JWT_SECRET: 'bench-only-admin-api-jwt-secret-0123456789abcdef',
      SECRETS_KEYS: keys,
      SECRETS_CURRENT_KEY_ID: 'k1',
      ADMIN_API_FORWARDING_ALLOWED_CIDRS: '127.0.0.1/32',
      ADMIN_API_FORWARDING_PREFETCH: String(CONCURRENCY * 2),
      ADMIN_API_FORWARDING_EVENTS_PREFETCH: String(EVENTS_PREFETCH),
      // The rule is written to the database below, as another replica would: bound by the next reconcile.
      ADMIN_API_FORWARDING_BINDINGS_RECONCILE_SECONDS: '1',
    },
    `http://127.0.0.1:${appPort}/health/ready`,
  ).catch(async (error: unknown) => {
    // A start that fails (bad settings) must not leave the database and the receiver behind.
    receiver.close();
    await database.drop();
    throw error;
  });
  try {
    // The rule as the API stores it (its secret sealed for this rule), without a login round trip.
    const ruleId = randomUUID();
    const box = SecretBox.fromConfig(keys, 'k1');
    await database.dataSource.query(
      `INSERT INTO forwarding_rules (id, name, event_pattern, component_appid, target_url, enabled, concurrency,
         secret_encrypted, created_at, updated_at)
       VALUES (?, 'bench', 'bench.#', ?, ?, 1, ?, ?, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3))`,
      [ruleId, COMPONENT, target, CONCURRENCY, box.encrypt(SECRET, `forwarding-rule:${ruleId}:secret`)],
    );
    const connection = await connect(testEnv.rabbitUrl);
    const channel = await connection.createConfirmChannel();
    const exchange = namespace + EVENTS_EXCHANGE;
    // Routed to the forwarding queue once bound; another component's event, so the rule skips it.
    const probe = Buffer.from(
      JSON.stringify(createEnvelope('bench.forwarding.probe', {}, { componentAppid: 'wx_bench_probe' })),
    );
    await waitUntil(
      () => routed(channel, exchange, 'bench.forwarding.probe', probe),
      30_000,
      "the forwarding queue bound with the rule's pattern",
    );
    const envelopes = Array.from({ length: EVENTS }, (_, seq) =>
      createEnvelope(
        'bench.forwarding.event',
        { seq, note: '转发 benchmark' },
        { componentAppid: COMPONENT },
      ),
    );

    // Baseline and ceiling before and after the forwarding run (the machine is shared): ratios are to their means.
    const ceilingBefore = await brokerCeilingRate(namespace, envelopes);
    const baselineCpuBefore = cpuParts();
    const baselineBefore = await baselineRate(port, envelopes);
    // What the bare loop spends per delivery (this process: undici and the receiver).
    const baselineCpu = cpuPerItem(baselineCpuBefore, cpuParts(), EVENTS);
    receivedAt.clear();
    received = 0;

    // Forwarding: publish every event pipelined, as a service would, then wait for the receiver.
    const publishedAt = new Map<string, number>();
    if (CPU_PROFILE_DIR) app.send('cpu-profile:start');
    const cpuBefore = cpuParts(app.pid);
    const start = performance.now();
    await publishAll(channel, exchange, envelopes, publishedAt);
    const deadline = Date.now() + 600_000;
    while (received < EVENTS && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 50));
    const elapsedSec = (performance.now() - start) / 1000;
    // CPU per delivery of each part: admin-api, the broker, the database, this process (publisher and receiver).
    const cpuPerDelivery = cpuPerItem(cpuBefore, cpuParts(app.pid), EVENTS);
    if (CPU_PROFILE_DIR) {
      const written = new Promise((resolve) => app.once('message', resolve));
      app.send('cpu-profile:stop');
      await written;
    }
    await connection.close();
    const forwardedPerSec = received / elapsedSec;
    const latencies = [...receivedAt.entries()]
      .map(([id, at]) => at - (publishedAt.get(id) ?? at))
      .sort((a, b) => a - b);
    const p99 = latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))] ?? 0;
    const p50 = latencies[Math.floor(latencies.length * 0.5)] ?? 0;
    const forwarded = received;
    // After the latencies are read: the baseline's POSTs carry the same event ids.
    const baselineAfter = await baselineRate(port, envelopes);
    const ceilingAfter = await brokerCeilingRate(namespace, envelopes);
    const baselinePerSec = (baselineBefore + baselineAfter) / 2;
    const ceilingPerSec = (ceilingBefore + ceilingAfter) / 2;
    const ratio = forwardedPerSec / baselinePerSec;
    const ratioToCeiling = forwardedPerSec / ceilingPerSec;
    console.log(`events: ${EVENTS}, delivered: ${forwarded}`);
    console.log(
      `baseline (bare undici, ${CONCURRENCY} in flight): ${round(baselineBefore, 0)}/s before, ${round(baselineAfter, 0)}/s after`,
    );
    console.log(
      `broker ceiling (same bodies, one queue, no-op consumer, prefetch ${EVENTS_PREFETCH}): ${round(ceilingBefore, 0)}/s before, ${round(ceilingAfter, 0)}/s after`,
    );
    console.log(
      `forwarding (publish → signed POST received): ${round(forwardedPerSec, 0)}/s, ratio ${round(ratio)} to the baseline, ${round(ratioToCeiling)} to the broker ceiling`,
    );
    console.log(`delivery latency from publish: p50 ${round(p50, 0)} ms, p99 ${round(p99, 0)} ms`);
    console.log(
      `CPU per delivery (µs, ${cpus().length} cores shared): admin-api ${cpuPerDelivery.app}, broker ${cpuPerDelivery.broker}, database ${cpuPerDelivery.database}, publisher and receiver ${cpuPerDelivery.bench}; total ${cpuPerDelivery.total}, against the bare loop's ${baselineCpu.total}: the forwarding path costs ${round(cpuPerDelivery.total / baselineCpu.total, 2)}× the CPU of the baseline`,
    );
    return {
      figures: {
        events: EVENTS,
        delivered: forwarded,
        baselinePerSec: round(baselinePerSec, 0),
        baselineBeforePerSec: round(baselineBefore, 0),
        baselineAfterPerSec: round(baselineAfter, 0),
        brokerCeilingPerSec: round(ceilingPerSec, 0),
        brokerCeilingBeforePerSec: round(ceilingBefore, 0),
        brokerCeilingAfterPerSec: round(ceilingAfter, 0),
        forwardedPerSec: round(forwardedPerSec, 0),
        ratio: round(ratio),
        ratioToBrokerCeiling: round(ratioToCeiling),
        p50LatencyMs: round(p50, 0),
        p99LatencyMs: round(p99, 0),
        ...Object.fromEntries(
          Object.entries(cpuPerDelivery).map(([part, us]) => [`cpuUsPerDelivery_${part}`, us]),
        ),
        cpuUsPerDeliveryBaseline: baselineCpu.total,
      },
      bar: 'forwarded per second ≥ 0.7 × bare undici, every event delivered',
      passed: forwarded === EVENTS && ratio >= 0.7,
    };
  } finally {
    await stopProcess(app);
    receiver.closeAllConnections();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
    await database.drop();
    // Every queue and exchange of this run's namespace (admin-api declares more than forwarding's:
    // the push log's, the retry exchange, delay queues), and nothing of any other namespace.
    const queues = [
      QueueNames.AdminApiForwarding,
      QueueNames.AdminApiForwardingDeliveries,
      QueueNames.AdminApiPushLog,
    ].flatMap((queue) => [queue, `${queue}.retry`, `${queue}.dlq`]);
    await deleteNamespaceObjects(namespace, {
      queues: [...queues, 'bench.ceiling'],
      exchanges: [EVENTS_EXCHANGE, 'bench.ceiling'],
    }).catch((error: unknown) => console.error('could not delete the namespace objects', error));
  }
};

export default bench;
