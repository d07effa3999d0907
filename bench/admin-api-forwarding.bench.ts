import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';

import { createEnvelope, EVENTS_EXCHANGE, QueueNames, type EventEnvelope } from '@wxop/contracts';
import { SecretBox } from '@wxop/secrets';
import {
  createTestDatabase,
  databaseEnv,
  deleteBrokerObjects,
  freePort,
  testEnv,
  uniqueRunId,
} from '@wxop/testing';
import { connect } from 'amqplib';
import { Pool } from 'undici';

import { join } from 'node:path';

import { round, startServerProcess, stopProcess, type Bench } from './bench.util';

/**
 * (b) Forwarding (issue #14): EVENTS events published to `wxop.events`, forwarded by admin-api to a
 * local receiver, against a bare undici loop POSTing the same signed bodies to the same receiver
 * with the same concurrency, in the same run (before and after it: the machine is shared). Bar: forwarded per second ≥ 0.7 of the baseline.
 * `BENCH_FORWARDING_EVENTS` (default 10000) sizes it; develop with a few hundred.
 */
const EVENTS = Number(process.env['BENCH_FORWARDING_EVENTS'] ?? 10_000);
const CONCURRENCY = 64;
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
    const envelopes = Array.from({ length: EVENTS }, (_, seq) =>
      createEnvelope(
        'bench.forwarding.event',
        { seq, note: '转发 benchmark' },
        { componentAppid: COMPONENT },
      ),
    );

    // Baseline before and after the forwarding run (the machine is shared): the ratio is to their mean.
    const baselineBefore = await baselineRate(port, envelopes);
    receivedAt.clear();
    received = 0;

    // Forwarding: publish every event pipelined, as a service would, then wait for the receiver.
    const connection = await connect(testEnv.rabbitUrl);
    const channel = await connection.createConfirmChannel();
    const exchange = namespace + EVENTS_EXCHANGE;
    const publishedAt = new Map<string, number>();
    if (CPU_PROFILE_DIR) app.send('cpu-profile:start');
    const start = performance.now();
    for (const envelope of envelopes) {
      publishedAt.set(envelope.id, performance.now());
      channel.publish(exchange, envelope.type, Buffer.from(JSON.stringify(envelope)), {
        persistent: true,
        contentType: 'application/json',
        messageId: envelope.id,
        type: envelope.type,
      });
    }
    await channel.waitForConfirms();
    const deadline = Date.now() + 600_000;
    while (received < EVENTS && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 50));
    const elapsedSec = (performance.now() - start) / 1000;
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
    const baselinePerSec = (baselineBefore + baselineAfter) / 2;
    const ratio = forwardedPerSec / baselinePerSec;
    console.log(`events: ${EVENTS}, delivered: ${forwarded}`);
    console.log(
      `baseline (bare undici, ${CONCURRENCY} in flight): ${round(baselineBefore, 0)}/s before, ${round(baselineAfter, 0)}/s after`,
    );
    console.log(
      `forwarding (publish → signed POST received): ${round(forwardedPerSec, 0)}/s, ratio ${round(ratio)}`,
    );
    console.log(`delivery latency from publish: p50 ${round(p50, 0)} ms, p99 ${round(p99, 0)} ms`);
    return {
      figures: {
        events: EVENTS,
        delivered: forwarded,
        baselinePerSec: round(baselinePerSec, 0),
        baselineBeforePerSec: round(baselineBefore, 0),
        baselineAfterPerSec: round(baselineAfter, 0),
        forwardedPerSec: round(forwardedPerSec, 0),
        ratio: round(ratio),
        p50LatencyMs: round(p50, 0),
        p99LatencyMs: round(p99, 0),
      },
      bar: 'forwarded per second ≥ 0.7 × bare undici, every event delivered',
      passed: forwarded === EVENTS && ratio >= 0.7,
    };
  } finally {
    await stopProcess(app);
    receiver.closeAllConnections();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
    await database.drop();
    const queues = [QueueNames.AdminApiForwarding, QueueNames.AdminApiForwardingDeliveries].flatMap(
      (queue) => [namespace + queue, `${namespace}${queue}.retry`, `${namespace}${queue}.dlq`],
    );
    await deleteBrokerObjects({ queues, exchanges: [exchange(namespace)] }).catch(() => undefined);
  }
};

function exchange(namespace: string): string {
  return namespace + EVENTS_EXCHANGE;
}

export default bench;
