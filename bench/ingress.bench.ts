import { SecretBox } from '@wxop/secrets';
import { adminQuery, databaseEnv, deleteBrokerObjects, uniqueRunId } from '@wxop/testing';
import { WechatCrypto } from '@wxop/wechat-crypto';
import { connect } from 'amqplib';
import autocannon from 'autocannon';
import type { ChildProcess } from 'node:child_process';

import { round, runLoad, startServerProcess, stopProcess, type Bench, type LoadResult } from './bench.util';

const CONNECTIONS = 50;
/** A fixed number of requests (not a duration), so every request's answer is counted. */
const REQUESTS = 10_000;
const APPID = 'wxbe0c000000000001';
const TOKEN = 'benchtoken';
const KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
const RABBITMQ_URL = process.env['RABBITMQ_URL'] ?? 'amqp://guest:guest@127.0.0.1:5672';

/** 2 000 distinct 1 KiB text-message pushes, signed and encrypted as WeChat would. */
function pushes(): { path: string; body: string }[] {
  const crypto = new WechatCrypto({ appid: APPID, token: TOKEN, encodingAESKey: KEY });
  const timestamp = String(Math.floor(Date.now() / 1000));
  return Array.from({ length: 2000 }, (_, i) => {
    const inner =
      `<xml><ToUserName><![CDATA[gh_0123456789ab]]></ToUserName><FromUserName><![CDATA[o_bench_user]]></FromUserName>` +
      `<CreateTime>${timestamp}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${'x'.repeat(760)}]]></Content>` +
      `<MsgId>${7_000_000_000 + i}</MsgId></xml>`;
    const encrypt = crypto.encrypt(inner);
    const nonce = String(100_000 + i);
    const query = new URLSearchParams({
      timestamp,
      nonce,
      encrypt_type: 'aes',
      msg_signature: crypto.signature(timestamp, nonce, encrypt),
    });
    return {
      path: `/wechat/components/${APPID}/authorizers/wxbenchauthorizer01/messages?${query}`,
      body: `<xml><ToUserName><![CDATA[gh_0123456789ab]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`,
    };
  });
}

function load(base: string, requests: { path: string; body: string }[]): Promise<LoadResult> {
  let i = 0;
  return runLoad({
    url: base,
    connections: CONNECTIONS,
    amount: REQUESTS,
    requests: [
      {
        method: 'POST',
        setupRequest: (request) => {
          const push = requests[i++ % requests.length]!;
          return { ...request, path: push.path, body: push.body, headers: { 'content-type': 'text/xml' } };
        },
      },
    ],
  });
}

/** Two seconds of pushes, so that both servers are measured warm (JIT-compiled). */
async function warmUp(base: string, push: { path: string; body: string }): Promise<void> {
  await autocannon({
    url: base,
    connections: 10,
    duration: 2,
    requests: [{ method: 'POST', path: push.path, body: push.body }],
  });
}

/** Counts events on an exchange with a temporary queue (the probe). */
async function probe(exchange: string) {
  const connection = await connect(RABBITMQ_URL);
  const channel = await connection.createChannel();
  await channel.assertExchange(exchange, 'topic', { durable: true });
  const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
  await channel.bindQueue(queue, exchange, 'wechat.#');
  let count = 0;
  await channel.consume(queue, () => count++, { noAck: true });
  return { received: () => count, close: () => connection.close() };
}

/**
 * Ingress against a frameworkless baseline doing the same work, both publishing with confirms
 * to the local broker; server, broker and load generator share these 2 cores.
 */
const run: Bench = async () => {
  const runId = uniqueRunId();
  const port = 39_300 + Math.floor(Math.random() * 300);
  const basePort = port + 400;
  const namespace = `bench${runId}.`;
  // A database of its own (ingress migrates it at start), so the run touches nobody's wxop_ingress.
  const databaseName = `wxop_bench_ingress_${runId}`;
  await adminQuery(`CREATE DATABASE \`${databaseName}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  const ingressExchange = `${namespace}wxop.events`;
  const baselineExchange = `${namespace}baseline.events`;
  let ingress: ChildProcess | undefined;
  let baseline: ChildProcess | undefined;
  const probes: { received(): number; close(): Promise<void> }[] = [];
  try {
    // Both exchanges get a bound queue, so the broker routes for both alike.
    const ingressProbe = await probe(ingressExchange);
    probes.push(ingressProbe);
    const baselineProbe = await probe(baselineExchange);
    probes.push(baselineProbe);
    ingress = await startServerProcess(
      ['scripts/run-ts.cjs', 'apps/ingress/src/main.ts'],
      {
        INGRESS_HTTP_PORT: String(port),
        INGRESS_HTTP_HOST: '127.0.0.1',
        // Its pushes are received by the bench's probe, not the token and authorizer consumers.
        INGRESS_REQUIRED_QUEUES: 'none',
        ...databaseEnv({ name: databaseName }),
        RABBITMQ_NAMESPACE: namespace,
        WECHAT_COMPONENT_APPID: APPID,
        WECHAT_COMPONENT_TOKEN: TOKEN,
        WECHAT_COMPONENT_ENCODING_AES_KEY: KEY,
        // Seal the outbox, used only if a publish is not confirmed in time.
        SECRETS_KEYS: `k1:${SecretBox.generateKey()}`,
        SECRETS_CURRENT_KEY_ID: 'k1',
        LOG_LEVEL: 'warn',
      },
      `http://127.0.0.1:${port}/health/ready`,
    );
    baseline = await startServerProcess(
      [
        'scripts/run-ts.cjs',
        'bench/ingress-baseline.server.ts',
        String(basePort),
        baselineExchange,
        APPID,
        TOKEN,
        KEY,
      ],
      {},
    );
    const requests = pushes();
    await warmUp(`http://127.0.0.1:${port}`, requests[0]!);
    await warmUp(`http://127.0.0.1:${basePort}`, requests[0]!);
    // Let the warm-ups' events arrive before counting.
    const probed = () => ingressProbe.received() + baselineProbe.received();
    let settled = -1;
    while (settled !== probed()) {
      settled = probed();
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const before = ingressProbe.received();
    const baselineBefore = baselineProbe.received();
    const ingressLoad = await load(`http://127.0.0.1:${port}`, requests);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const received = ingressProbe.received() - before;
    const baseLoad = await load(`http://127.0.0.1:${basePort}`, requests);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const baselineReceived = baselineProbe.received() - baselineBefore;
    const ingressResult = ingressLoad.result;
    const baseResult = baseLoad.result;
    const answered = ingressResult['2xx'];
    const errors = ingressResult.errors + ingressResult.timeouts + ingressResult.non2xx;

    const opsPerSec = ingressLoad.opsPerSec;
    const baselineOpsPerSec = baseLoad.opsPerSec;
    const ratio = opsPerSec / baselineOpsPerSec;
    console.log(
      `ingress: ${REQUESTS.toLocaleString('en')} encrypted 1 KiB text pushes, ${CONNECTIONS} connections, confirmed publish`,
    );
    console.log(
      `  ingress           ${Math.round(opsPerSec).toLocaleString('en')} req/s   p50 ${ingressResult.latency.p50} ms   p99 ${ingressResult.latency.p99} ms   errors ${errors}`,
    );
    console.log(
      `  bare node:http    ${Math.round(baselineOpsPerSec).toLocaleString('en')} req/s   p50 ${baseResult.latency.p50} ms   p99 ${baseResult.latency.p99} ms`,
    );
    console.log(`  ratio             ${ratio.toFixed(3)}   (bar ≥ 0.85)`);
    console.log(
      `  events received   ${received.toLocaleString('en')} of ${answered.toLocaleString('en')} answered 200   (bar: equal)`,
    );
    return {
      figures: {
        connections: CONNECTIONS,
        opsPerSec: Math.round(opsPerSec),
        baselineOpsPerSec: Math.round(baselineOpsPerSec),
        ratio: round(ratio),
        p50Ms: ingressResult.latency.p50,
        p99Ms: ingressResult.latency.p99,
        baselineP99Ms: baseResult.latency.p99,
        answered,
        received,
        baselineAnswered: baseResult['2xx'],
        baselineReceived,
        errors,
      },
      bar: 'ratio >= 0.85, p99 <= 100 ms, received == answered',
      passed: ratio >= 0.85 && ingressResult.latency.p99 <= 100 && received === answered && errors === 0,
    };
  } finally {
    if (ingress) await stopProcess(ingress);
    if (baseline) await stopProcess(baseline);
    for (const opened of probes) await opened.close();
    await deleteBrokerObjects({
      exchanges: [ingressExchange, baselineExchange, `${namespace}wxop.rpc`],
    }).catch(() => undefined);
    await adminQuery(`DROP DATABASE IF EXISTS \`${databaseName}\``).catch(() => undefined);
  }
};

export default run;
