// Run by scripts/start.sh beside `nx run-many -t serve`: waits until every app answers
// /health/ready, then prints ONE banner with the URLs and three things to try. Prints nothing
// else, and gives up quietly when npm start itself ends.
//   node scripts/run-ts.cjs scripts/start-banner.ts <parent pid> <app>…
import {
  AuthorizerRpcPatterns,
  EVENTS_EXCHANGE,
  TokenRpcPatterns,
  type ComponentHealth,
} from '@wxop/contracts';
import { connect } from 'amqplib';
import { randomUUID } from 'node:crypto';

const env = process.env;
const host = '127.0.0.1';
const componentAppid = env['WECHAT_COMPONENT_APPID'] || 'wxd0000000000de0a1';
const apiKey = (env['TOKEN_API_KEYS'] || 'wxop-demo-token-api-key-change-me').split(',')[0]!.trim();
const rabbitUrl = env['RABBITMQ_URL'] || 'amqp://guest:guest@127.0.0.1:5672';
const namespace = env['RABBITMQ_NAMESPACE'] || '';

/** Each app's port as its config reads it (apps/<app>/src/config), with the same defaults. */
const APPS: Record<string, { port: string; role: string }> = {
  ingress: {
    port: env['INGRESS_HTTP_PORT'] || '3100',
    role: `WeChat pushes to /wechat/components/${componentAppid}/events`,
  },
  token: { port: env['TOKEN_HTTP_PORT'] || '3200', role: `token API /v1/components/${componentAppid}/…` },
  authorizer: {
    port: env['AUTHORIZER_HTTP_PORT'] || '3300',
    role: 'merchant pages /authorize/<linkId>, /authorized/<linkId>',
  },
  'code-release': {
    port: env['CODE_RELEASE_HTTP_PORT'] || '3400',
    role: 'RPC code-release.* (templates, versions by hand, campaigns); HTTP health and metrics only',
  },
  'admin-api': {
    port: env['ADMIN_API_HTTP_PORT'] || '3500',
    role: "web console /console, operators' API /admin/v1, docs /admin/docs",
  },
  'wechat-sim': { port: env['SIM_HTTP_PORT'] || '3900', role: 'WeChat simulator; control API /sim' },
};

const [parentPid, ...requested] = process.argv.slice(2);
const apps = requested.filter((app) => app in APPS);
const urlOf = (app: string) => `http://${host}:${APPS[app]!.port}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function parentAlive(): boolean {
  try {
    process.kill(Number(parentPid), 0);
    return true;
  } catch {
    return false;
  }
}

async function ready(app: string): Promise<boolean> {
  return fetch(`${urlOf(app)}/health/ready`, { signal: AbortSignal.timeout(2000) }).then(
    (response) => response.ok,
    () => false,
  );
}

/** One RPC request over a plain amqplib connection (the dev launcher is no Nest app); undefined on an error or no answer. */
async function rpc<T>(pattern: string, data: unknown): Promise<T | undefined> {
  const connection = await connect(rabbitUrl);
  try {
    const channel = await connection.createChannel();
    const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
    const correlationId = randomUUID();
    const reply = new Promise<{ ok: boolean; data?: T }>((resolve) => {
      void channel.consume(
        queue,
        (message) => {
          if (message?.properties.correlationId === correlationId)
            resolve(JSON.parse(message.content.toString()));
        },
        { noAck: true },
      );
    });
    channel.publish(`${namespace}wxop.rpc`, pattern, Buffer.from(JSON.stringify(data)), {
      replyTo: queue,
      correlationId,
      // The RPC server dispatches on `type` (libs/messaging amqp-rpc.server.ts).
      type: pattern,
      contentType: 'application/json',
      expiration: '5000',
    });
    const answer = await Promise.race([reply, sleep(5000).then(() => undefined)]);
    return answer?.ok ? answer.data : undefined;
  } finally {
    await connection.close();
  }
}

/** An authorization link from the authorizer, so a merchant page can be opened at once. */
function createLink(): Promise<{ startUrl: string; expiresAt: string } | undefined> {
  return rpc(AuthorizerRpcPatterns.CreateLink, { componentAppid, kind: 'pc' });
}

/**
 * On a first run the simulator's first ticket can reach ingress before any consumer queue
 * exists; ingress then answers 503 and the simulator gives up after WeChat's three attempts, so
 * the token service waits for the next ticket, 10 minutes later. When it holds none, the
 * simulator pushes one now (as WeChat would on its own schedule). Only here, never in the apps.
 */
async function ensureTicket(): Promise<string | undefined> {
  const health = await rpc<ComponentHealth>(TokenRpcPatterns.GetComponentHealth, { componentAppid });
  if (!health || health.ticket.receivedAt) return undefined;
  const pushed = await fetch(`${urlOf('wechat-sim')}/sim/platforms/${componentAppid}/tickets`, {
    method: 'POST',
    signal: AbortSignal.timeout(5000),
  }).then(
    (response) => response.ok,
    () => false,
  );
  return pushed
    ? ` The token service had no component_verify_ticket yet: wechat-sim pushed one now (POST /sim/platforms/${componentAppid}/tickets).`
    : ` The token service has no component_verify_ticket yet, and asking wechat-sim to push one failed: curl -XPOST ${urlOf('wechat-sim')}/sim/platforms/${componentAppid}/tickets`;
}

async function firstOfficialAccount(): Promise<string | undefined> {
  const answer = await fetch(`${urlOf('wechat-sim')}/sim/accounts?type=official_account&limit=1`).then(
    (response) => response.json() as Promise<{ accounts: { appid: string }[] }>,
    () => undefined,
  );
  return answer?.accounts[0]?.appid;
}

async function main(): Promise<void> {
  if (apps.length === 0) return;
  const started = Date.now();
  for (;;) {
    if (!parentAlive()) return;
    const states = await Promise.all(apps.map(ready));
    if (states.every(Boolean)) break;
    if (Date.now() - started > 180_000) {
      const waiting = apps.filter((_, i) => !states[i]);
      console.log(`[start] still not ready after 3 minutes: ${waiting.join(', ')} (see their lines above)`);
      return;
    }
    await sleep(1000);
  }
  const seconds = Math.round((Date.now() - started) / 1000);
  const sim = apps.includes('wechat-sim') ? urlOf('wechat-sim') : undefined;
  const token = apps.includes('token') ? urlOf('token') : undefined;
  const account = sim ? await firstOfficialAccount() : undefined;
  const link = apps.includes('authorizer') ? await createLink().catch(() => undefined) : undefined;
  const ticketLine = sim && token ? await ensureTicket().catch(() => undefined) : undefined;

  const rule = '─'.repeat(78);
  const lines = [
    rule,
    ` wxop is running: ${apps.join(', ')} ready (${seconds} s after npm start launched them)`,
    ...(ticketLine ? [ticketLine] : []),
    '',
  ];
  for (const app of apps) lines.push(`  ${app.padEnd(12)} ${urlOf(app).padEnd(23)} ${APPS[app]!.role}`);
  if (sim) {
    lines.push('', ' Merchant pages (the simulator plays WeChat and the merchants):');
    if (link)
      lines.push(
        `  start page of a fresh authorization link: ${link.startUrl}`,
        `    (valid until ${link.expiresAt}; it leads to WeChat's page, where a merchant account presses "Authorize")`,
      );
    lines.push(`  the simulated merchant accounts: ${sim}/sim/accounts`);
  }
  lines.push('', ' Try:');
  if (token)
    lines.push(
      '  1. read the component token',
      `     curl -s -H 'Authorization: Bearer ${apiKey}' ${token}/v1/components/${componentAppid}/access-token`,
    );
  if (sim && account)
    lines.push(
      '  2. authorize a simulated merchant (WeChat pushes `authorized`; the platform exchanges the code)',
      `     curl -s -X POST -H 'content-type: application/json' -d '{"authorizerAppid":"${account}"}' '${sim}/sim/platforms/${componentAppid}/authorizations?wait=true'`,
      ...(token
        ? [
            '     then, a moment later (the platform exchanges the code after answering the push), its token:',
            `     curl -s -H 'Authorization: Bearer ${apiKey}' ${token}/v1/components/${componentAppid}/authorizers/${account}/access-token`,
          ]
        : []),
    );
  if (apps.includes('admin-api'))
    lines.push(
      '  3. the web console: create your admin (there is no default user or password), then sign in at',
      `     ${urlOf('admin-api')}/console/   (the API's documents: ${urlOf('admin-api')}/admin/docs)`,
      `     echo 'a-long-password-of-yours' | npm run admin -- create-user --username you --role admin`,
    );
  lines.push(
    `  ${apps.includes('admin-api') ? 4 : 3}. watch every event on the bus (from this directory; Ctrl-C to stop)`,
    `     node -e "require('amqplib').connect('${rabbitUrl}').then(async (c) => { const ch = await c.createChannel(); const { queue } = await ch.assertQueue('', { exclusive: true }); await ch.bindQueue(queue, '${namespace}${EVENTS_EXCHANGE}', '#'); ch.consume(queue, (m) => console.log(m.fields.routingKey, m.content.toString()), { noAck: true }); })"`,
    '',
    ` More: README.md; ${env['LOG_FORMAT'] === 'pretty' ? 'JSON lines: LOG_FORMAT=json' : 'lines for a person: LOG_FORMAT=pretty'} npm start; Ctrl-C stops every app.`,
    rule,
  );
  console.log(lines.join('\n'));
}

main().catch((error: unknown) => console.log(`[start] banner failed: ${String(error)}`));
