import { connect } from 'amqplib';
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

import { DEMO_USAGE, demoConfig, type DemoConfig } from './demo-config';
import { json } from './http';
import { LineProcess, type Line } from './line-process';
import { APP_NAMES, readiness, startStack, type AppName, type StartedStack } from './stack';
import { Tour, eventually } from './tour';

const ROOT = join(__dirname, '..', '..', '..');

interface Credentials {
  ticketReceivedAt?: string;
  ticketAgeSeconds?: number;
  componentTokenExpiresAt?: string;
}
interface AuthorizerCredentials {
  status: string;
  accessTokenExpiresAt?: string;
}
interface Campaign {
  campaignId: string;
  status: string;
  counts: Record<string, number>;
  progress: { done: number; total: number; throughputPerMinute: number; etaAt: string | null };
}
interface Target {
  authorizerAppid: string;
  state: string;
  reason: string | null;
  message: string | null;
}
interface Delivery {
  eventId: string;
  state: string;
}

/** The demo's free TCP port on loopback (for the example webhook receiver). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
    server.on('error', reject);
  });
}

/** How an example's README runs it: `npm start` in its folder is `node <entry>`; the entry from its package.json. */
function nodeEntry(example: string): string[] {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'examples', example, 'package.json'), 'utf8')) as {
    scripts?: { start?: string };
  };
  const start = manifest.scripts?.start ?? '';
  const match = /^node\s+(.+)$/.exec(start.trim());
  if (!match) throw new Error(`examples/${example}/package.json: its start script is not "node <file>"`);
  return match[1]!.split(/\s+/);
}

/** An interpreter that can import pika (Debian's python3-pika), or why there is none. */
export function findPython(preferred?: string): { python?: string; reason?: string } {
  const candidates = preferred ? [preferred] : ['/usr/bin/python3', 'python3'];
  for (const candidate of candidates) {
    const probe = spawnSync(candidate, ['-c', 'import pika'], { stdio: 'ignore' });
    if (probe.status === 0) return { python: candidate };
  }
  return {
    reason: `no Python interpreter that can import pika (${candidates.join(', ')}): apt-get install python3-pika`,
  };
}

/** Creates an operator with admin-api's CLI (`npm run admin -- create-user`) on the stack's database. */
function createOperator(username: string, password: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        'scripts/run-ts.cjs',
        'apps/admin-api/src/main.ts',
        'create-user',
        '--username',
        username,
        '--role',
        'operator',
      ],
      { cwd: ROOT, env: process.env, stdio: ['pipe', 'pipe', 'pipe'] },
    );
    const output: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve()
        : reject(
            new Error(
              `npm run admin -- create-user answered ${code}: ${Buffer.concat(output).toString().trim()}`,
            ),
          ),
    );
    child.stdin.end(`${password}\n`);
  });
}

/** Deletes the demo's own subscriber queues (an example's queue outlives it: it is durable). */
async function deleteQueues(config: DemoConfig, queues: string[]): Promise<void> {
  const connection = await connect(config.rabbitUrl);
  try {
    const channel = await connection.createChannel();
    for (const queue of queues) await channel.deleteQueue(queue);
  } finally {
    await connection.close();
  }
}

const plural = (n: number, word: string, many = `${word}s`) => `${n} ${n === 1 ? word : many}`;

/**
 * `npm run demo`: the whole story against the running stack (or one it starts), step by step,
 * ending with one JSON line of what happened; the answer is the exit code (0: every step passed).
 */
export async function runDemo(
  argv: string[],
  print: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
): Promise<number> {
  if (existsSync(join(ROOT, '.env'))) process.loadEnvFile(join(ROOT, '.env'));
  if (argv.includes('--help') || argv.includes('-h')) {
    print(DEMO_USAGE);
    return 0;
  }
  let config: DemoConfig;
  try {
    config = demoConfig(process.env, argv);
  } catch (error) {
    print((error as Error).message);
    return 2;
  }
  const tour = new Tour(print);
  const admin = (path: string) => `${config.urls.adminApi}/admin/v1${path}`;
  const sim = (path: string) => `${config.urls.sim}/sim${path}`;
  const C = config.componentAppid;
  const run = randomBytes(3).toString('hex');
  const examples: LineProcess[] = [];
  // The examples prefix their queue with the namespace, as wxop's services do, and declare a `.dlq` beside it.
  const queueNames = [`demo-${run}.node-subscriber`, `demo-${run}.python-subscriber`];
  const queues = queueNames.map((name) => config.namespace + name);
  let started: StartedStack | undefined;
  let token = '';
  let user = { username: config.username ?? '', password: config.password ?? '' };
  let merchants: string[] = [];
  let nodeSubscriber: LineProcess | undefined;
  let pythonSubscriber: LineProcess | undefined;
  let receiver: LineProcess | undefined;
  let ruleId: string | undefined;
  let restoreAuditPolicy: string | undefined;
  let campaign: Campaign | undefined;
  let rejectedAppid = '';
  let pythonSkipped: string | undefined;
  /**
   * The created operator's password: printed to a terminal (a person is there to sign in with it),
   * else written to tmp/demo-operator.txt (mode 0600), so a captured log does not carry it.
   */
  const passwordShown = () => {
    if (process.stdout.isTTY) return user.password;
    const file = join(ROOT, 'tmp', 'demo-operator.txt');
    mkdirSync(join(ROOT, 'tmp'), { recursive: true });
    writeFileSync(file, `${user.username}\n${user.password}\n`, { mode: 0o600 });
    return `the password in ${file}`;
  };
  const call = <T>(method: string, path: string, body?: unknown) =>
    json<T>(method, admin(path), { token, body }).then((answer) => answer.body);

  /**
   * What the demo undoes, once, at the end or on Ctrl-C / SIGTERM: the examples, the forwarding
   * rule (disabled, its log kept), wechat-sim's audit policy, its own queues, a stack it started.
   */
  let cleaning: Promise<void> | undefined;
  const cleanup = () =>
    (cleaning ??= (async () => {
      await Promise.all(examples.map((example) => example.stop()));
      // A campaign the demo did not see finish (interrupted, or a failed step) would wait for
      // WeChat's reviewer forever: cancel it, and withdraw its audits in flight.
      if (campaign && campaign.status !== 'finished' && token) {
        const id = campaign.campaignId;
        await call('POST', `/campaigns/${id}/cancel`, { undoAudits: true }).then(
          () => print(`    the unfinished campaign ${id} cancelled (its audits withdrawn)`),
          (error: Error) =>
            print(`    the unfinished campaign ${id} could not be cancelled: ${error.message}`),
        );
      }
      if (ruleId && token)
        await call('PATCH', `/forwarding/rules/${ruleId}`, { enabled: false }).catch(() => undefined);
      if (restoreAuditPolicy)
        await json('PUT', sim('/settings'), { body: { auditPolicy: restoreAuditPolicy } }).catch(
          () => undefined,
        );
      await deleteQueues(
        config,
        queues.flatMap((queue) => [queue, `${queue}.dlq`]),
      ).catch(() => undefined);
      if (started && !config.keepStack) {
        print('\nstopping the npm start the demo started (--keep leaves it running)');
        await started.stop();
      }
    })());
  const interrupted = (signal: NodeJS.Signals) => {
    print(
      `\n${signal}: cleaning up (examples, the forwarding rule, wechat-sim's audit policy, queues${started ? ', npm start' : ''})`,
    );
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);

  print(`wxop demo — component ${C}, ${config.targets} mini programs (run ${run})`);
  try {
    await tour.step(
      'stack',
      'The stack: every service and wechat-sim (WeChat) answering /health/ready',
      async (step) => {
        const states = await readiness(config);
        const down = (Object.keys(states) as AppName[]).filter((name) => !states[name]);
        if (down.length === Object.keys(states).length && config.startStack) {
          step.say(
            'nothing answers: starting it with npm start (stops again at the end; --keep leaves it running)',
          );
          started = await startStack(ROOT, config, step.say, (spawned) => (started = spawned));
        } else if (down.length > 0) {
          throw new Error(
            `not ready: ${down.map((name) => `${APP_NAMES[name]} (${config.urls[name]})`).join(', ')}` +
              (config.startStack
                ? '; some apps answer: let that npm start finish starting, or stop it'
                : ' (--no-start: start the stack with npm start)'),
          );
        }
        for (const name of Object.keys(config.urls) as AppName[])
          step.say(`${APP_NAMES[name].padEnd(12)} ${config.urls[name]}`);
        return { apps: Object.keys(config.urls).length, startedByDemo: started ? 1 : 0 };
      },
    );

    await tour.step('operator', 'An operator signs in to admin-api', async (step) => {
      if (!user.username) {
        user = { username: `demo-${run}`, password: `Demo-${randomBytes(12).toString('base64url')}` };
        await createOperator(user.username, user.password);
        step.say(
          `created operator ${user.username} with npm run admin -- create-user (its password is printed at the end)`,
        );
      }
      const login = await json<{ accessToken: string }>('POST', admin('/auth/login'), {
        body: { username: user.username, password: user.password },
      });
      token = login.body.accessToken;
      step.say(`signed in as ${user.username}`);
      return { signedIn: 1 };
    });

    await tour.step(
      'ticket',
      'WeChat pushes component_verify_ticket every 10 minutes; the token service keeps the latest',
      async (step) => {
        let health = await call<Credentials>('GET', `/components/${C}/credentials`);
        if (!health.ticketReceivedAt) {
          step.say('no ticket held yet: wechat-sim pushes one now (as WeChat does on its schedule)');
          await json('POST', sim(`/platforms/${C}/tickets`));
          health = await eventually('the ticket at the token service', 30_000, async () => {
            const now = await call<Credentials>('GET', `/components/${C}/credentials`);
            return now.ticketReceivedAt ? now : undefined;
          });
        }
        step.say(`ticket received ${health.ticketReceivedAt} (${health.ticketAgeSeconds ?? 0} s ago)`);
        return { ticketAgeSeconds: health.ticketAgeSeconds ?? 0 };
      },
    );

    await tour.step(
      'componentToken',
      'The component access token, from the ticket (api_component_token)',
      async (step) => {
        const health = await eventually('the component token', 30_000, async () => {
          const now = await call<Credentials>('GET', `/components/${C}/credentials`);
          return now.componentTokenExpiresAt ? now : undefined;
        });
        const minutes = Math.round((Date.parse(health.componentTokenExpiresAt!) - Date.now()) / 60_000);
        step.say(
          `held until ${health.componentTokenExpiresAt} (${minutes} min); the token service refreshes it ahead of expiry`,
        );
        return { minutesLeft: minutes };
      },
    );

    await tour.step(
      'subscribers',
      'The example subscribers bind their queues: authorization.* and release.#',
      async (step) => {
        const subscriberEnv = (queue: string) => ({
          RABBITMQ_URL: config.rabbitUrl,
          RABBITMQ_NAMESPACE: config.namespace,
          WXOP_TOKEN_URL: config.urls.token,
          WXOP_TOKEN_API_KEY: config.tokenApiKey,
          SUBSCRIBER_QUEUE: queue,
        });
        nodeSubscriber = LineProcess.start(
          'examples/node-subscriber',
          process.execPath,
          nodeEntry('node-subscriber'),
          subscriberEnv(queueNames[0]!),
          join(ROOT, 'examples', 'node-subscriber'),
        );
        examples.push(nodeSubscriber);
        const python = findPython(config.python);
        if (python.python) {
          pythonSubscriber = LineProcess.start(
            'examples/python-subscriber',
            'sh',
            ['run.sh'],
            { ...subscriberEnv(queueNames[1]!), PYTHON: python.python },
            join(ROOT, 'examples', 'python-subscriber'),
          );
          examples.push(pythonSubscriber);
        } else {
          pythonSkipped = python.reason;
          step.say(`python-subscriber skipped: ${python.reason}`);
        }
        for (const [subscriber, queue] of [
          [nodeSubscriber, queues[0]!],
          [pythonSubscriber, queues[1]!],
        ] as const) {
          if (!subscriber) continue;
          // "listening" comes after its queue, its bindings and its consumer: no event can miss it.
          await eventually(`${subscriber.name} listening on ${queue}`, 30_000, () => {
            subscriber.assertRunning();
            return subscriber.listening() || undefined;
          });
          step.say(`${subscriber.name} consumes ${queue}`);
        }
        return { subscribers: examples.length, skipped: pythonSkipped ? 1 : 0 };
      },
    );

    let link = { linkId: '', url: '' };
    const bizRef = `demo-${run}`;
    await tour.step(
      'link',
      'An authorization link with a business reference (what a merchant scans)',
      async (step) => {
        link = await call<typeof link>('POST', `/components/${C}/authorization-links`, {
          kind: 'pc',
          bizRef,
        });
        step.say(`${link.url}  (bizRef ${bizRef})`);
        return { links: 1 };
      },
    );

    await tour.step(
      'authorize',
      "A merchant opens the link and presses 授权 on WeChat's page (wechat-sim's)",
      async (step) => {
        merchants = (
          await json<{ appids: string[] }>('POST', sim('/accounts'), {
            body: { count: config.targets, type: 'mini_program' },
          })
        ).body.appids;
        // The newest account: WeChat's page (wechat-sim's) offers the scanning merchant's newest 200.
        const first = merchants[merchants.length - 1]!;
        // What the merchant's browser does (parsed here, not with libs/testing's helpers: the demo is a
        // tool, and module boundaries keep test code out of tools): our start page, its link to
        // WeChat's page, the account's "Authorize" button.
        const start = await (await fetch(link.url, { signal: AbortSignal.timeout(15_000) })).text();
        const href = /<a id="authorize"[^>]*href="([^"]+)"/.exec(start)?.[1]?.replace(/&amp;/g, '&');
        if (!href) throw new Error(`the start page ${link.url} has no link to WeChat's page`);
        const page = await (await fetch(href, { signal: AbortSignal.timeout(15_000) })).text();
        const item = page.split('<li>').find((li) => li.includes(`name="authorizer_appid" value="${first}"`));
        if (!item) throw new Error(`WeChat's page does not offer ${first}`);
        const form = new URLSearchParams();
        for (const [, name, value] of item.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g))
          form.set(
            name!,
            value!
              .replace(/&quot;/g, '"')
              .replace(/&#39;/g, "'")
              .replace(/&lt;/g, '<')
              .replace(/&gt;/g, '>')
              .replace(/&amp;/g, '&'),
          );
        const confirmed = await fetch(`${config.urls.sim}/cgi-bin/componentloginpage/confirm`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: form.toString(),
          redirect: 'manual',
        });
        const landing = confirmed.headers.get('location');
        if (!landing) throw new Error(`WeChat's confirm answered ${confirmed.status} without a redirect`);
        const back = await fetch(landing);
        step.say(
          `${first} authorized; WeChat sent the merchant back to ${new URL(landing).pathname} (${back.status})`,
        );
        // The other merchants authorize the same way on WeChat's side (each an `authorized` push with an auth code).
        const rest = merchants.slice(0, -1);
        for (let i = 0; i < rest.length; i += 5) {
          await Promise.all(
            rest
              .slice(i, i + 5)
              .map((authorizerAppid) =>
                json('POST', sim(`/platforms/${C}/authorizations?wait=true`), { body: { authorizerAppid } }),
              ),
          );
        }
        step.say(`${plural(rest.length, 'more merchant')} authorized their mini programs`);
        return { merchants: merchants.length };
      },
    );

    await tour.step(
      'tokens',
      'The platform exchanged each auth code: it holds every authorizer token',
      async (step) => {
        const held = new Set<string>();
        await eventually(`tokens of ${merchants.length} mini programs`, 60_000, async () => {
          for (const appid of merchants) {
            if (held.has(appid)) continue;
            const answer = await json<AuthorizerCredentials>(
              'GET',
              admin(`/components/${C}/authorizers/${appid}/credentials`),
              {
                token,
                accept: [404],
              },
            );
            if (answer.status === 200 && answer.body.status === 'active' && answer.body.accessTokenExpiresAt)
              held.add(appid);
          }
          return held.size === merchants.length || undefined;
        });
        const found = await call<{ total: number }>('GET', `/components/${C}/authorizers?bizRef=${bizRef}`);
        if (found.total !== 1)
          throw new Error(`search by bizRef ${bizRef} found ${found.total} accounts, not 1`);
        step.say(
          `${plural(held.size, 'authorizer token')} held (encrypted at rest); the link's merchant is found by its bizRef`,
        );
        return { tokens: held.size };
      },
    );

    let templateId = 0;
    const userVersion = `1.0.${Date.now() % 100_000}`;
    await tour.step('template', 'A draft from the developer tools becomes a template', async (step) => {
      const { draftId } = (
        await json<{ draftId: number }>('POST', sim(`/platforms/${C}/drafts`), {
          body: { userVersion, userDesc: 'wxop demo' },
        })
      ).body;
      const added = await call<{ templates: { templateId: number; draftId: number }[] }>(
        'POST',
        `/components/${C}/drafts/${draftId}/templates`,
      );
      templateId = added.templates.find((template) => template.draftId === draftId)!.templateId;
      step.say(`draft ${draftId} → template ${templateId} (version ${userVersion})`);
      return { templates: 1 };
    });

    let secret = '';
    const receiverPort = await freePort();
    await tour.step(
      'webhookRule',
      'A forwarding rule sends release.# to the example webhook receiver',
      async (step) => {
        const created = await call<{ rule: { id: string }; secret: string }>('POST', '/forwarding/rules', {
          name: `demo ${run}`,
          eventPattern: 'release.#',
          componentAppid: C,
          targetUrl: `http://127.0.0.1:${receiverPort}/webhooks/wxop`,
        });
        ruleId = created.rule.id;
        secret = created.secret;
        receiver = LineProcess.start(
          'examples/webhook-receiver',
          process.execPath,
          nodeEntry('webhook-receiver'),
          { HOST: '127.0.0.1', PORT: String(receiverPort), WEBHOOK_SECRET: secret },
          join(ROOT, 'examples', 'webhook-receiver'),
        );
        examples.push(receiver);
        // It says so on a line of its own (a probing request would be one it rightly rejects).
        await eventually('the webhook receiver listening', 20_000, () => {
          receiver!.assertRunning();
          return receiver!.listening() || undefined;
        });
        step.say(
          `rule ${ruleId} → http://127.0.0.1:${receiverPort}/webhooks/wxop (signed with its secret, shown once)`,
        );
        return { rules: 1 };
      },
    );

    await tour.step(
      'campaign',
      `A campaign releases the template to ${config.targets} mini programs; WeChat rejects one, the operator retries it`,
      async (step) => {
        // WeChat's reviewer is played by hand here: wechat-sim holds each audit until told.
        const settings = (await json<{ auditPolicy: string; auditQuota: number }>('GET', sim('/settings')))
          .body;
        const platform = (await json<{ auditQuotaUsed: number }>('GET', sim(`/platforms/${C}`))).body;
        restoreAuditPolicy = settings.auditPolicy;
        const needed = platform.auditQuotaUsed + config.targets + 1;
        await json('PUT', sim('/settings'), {
          body: { auditPolicy: 'manual', ...(settings.auditQuota < needed ? { auditQuota: needed } : {}) },
        });
        if (settings.auditQuota < needed)
          step.say(
            `wechat-sim: the monthly submit quota raised to ${needed} (a provider asks WeChat for more in 服务商助手)`,
          );
        rejectedAppid = merchants[0]!;
        campaign = await call<Campaign>('POST', '/campaigns', {
          componentAppid: C,
          templateId,
          userVersion,
          userDesc: 'wxop demo',
          targets: merchants.map((authorizerAppid) => ({ authorizerAppid })),
          extJson: { extEnable: true, extAppid: '{{authorizerAppid}}', ext: { shop: '{{authorizerAppid}}' } },
          submit: { versionDesc: 'wxop demo: the shop, per merchant' },
          releaseWindow: { startHour: 0, endHour: 24 },
          concurrency: 10,
        });
        step.say(`campaign ${campaign.campaignId}: ${campaign.status}, ${campaign.progress.total} targets`);
        const decided = new Map<string, number>();
        let retried = false;
        let lastLine = '';
        const final = await eventually(
          'the campaign to finish',
          180_000,
          async () => {
            const now = await call<Campaign>('GET', `/campaigns/${campaign!.campaignId}`);
            const line = Object.entries(now.counts)
              .filter(([, n]) => n > 0)
              .map(([state, n]) => `${state} ${n}`)
              .join(', ');
            if (line !== lastLine) {
              const eta = now.progress.etaAt ? `, ETA ${now.progress.etaAt.slice(11, 19)}` : '';
              step.say(
                `${now.progress.done}/${now.progress.total} done: ${line} (${now.progress.throughputPerMinute}/min${eta})`,
              );
              lastLine = line;
            }
            const inAudit = await call<{ items: Target[] }>(
              'GET',
              `/campaigns/${campaign!.campaignId}/targets?state=in_audit&limit=200`,
            );
            for (const target of inAudit.items) {
              const times = decided.get(target.authorizerAppid) ?? 0;
              const round = target.authorizerAppid === rejectedAppid && retried ? 2 : 1;
              if (times >= round) continue;
              const reject = target.authorizerAppid === rejectedAppid && !retried;
              // One refused decision (its audit not visible to WeChat's side yet) must not hold up the
              // others: it is decided again at the next look.
              const decision = await json(
                'POST',
                sim(`/platforms/${C}/accounts/${target.authorizerAppid}/audit`),
                {
                  body: reject
                    ? { decision: 'fail', reason: '小程序名称与内容不符（演示：审核被驳回）' }
                    : { decision: 'success' },
                },
              ).then(
                () => true,
                () => false,
              );
              if (decision) decided.set(target.authorizerAppid, times + 1);
            }
            if (!retried && (now.counts['rejected'] ?? 0) > 0) {
              const rejected = await call<{ items: Target[] }>(
                'GET',
                `/campaigns/${campaign!.campaignId}/targets?state=rejected`,
              );
              step.say(
                `WeChat rejected ${rejected.items.map((t) => t.authorizerAppid).join(', ')}: ${rejected.items[0]?.reason ?? rejected.items[0]?.message ?? ''}`,
              );
              const answer = await call<{ retried: number }>(
                'POST',
                `/campaigns/${campaign!.campaignId}/retry`,
                {
                  authorizerAppids: [rejectedAppid],
                },
              );
              step.say(`the operator fixed it and retried: ${answer.retried} target back to pending`);
              retried = true;
              // `now` was read before the retry: look again.
              return undefined;
            }
            return now.status === 'finished' ? now : undefined;
          },
          500,
        );
        campaign = final;
        const released = final.counts['released'] ?? 0;
        if (released !== config.targets)
          throw new Error(`released ${released} of ${config.targets}: ${JSON.stringify(final.counts)}`);
        step.say(`finished: ${plural(released, 'mini program')} released (version ${userVersion} online)`);
        return { targets: config.targets, released, rejectedThenRetried: retried ? 1 : 0 };
      },
    );

    await tour.step(
      'auditResults',
      'Audit results: WeChat pushed each to ingress; code-release published release.audit.*',
      async (step) => {
        const succeeded = (line: Line) =>
          line['type'] === 'release.audit.succeeded' && line['duplicate'] !== true;
        const failed = (line: Line) => line['type'] === 'release.audit.failed' && line['duplicate'] !== true;
        await eventually('the audit results at the node subscriber', 30_000, () => {
          // An example exits when it loses the broker (its supervisor restarts it): say so at once.
          nodeSubscriber!.assertRunning();
          return nodeSubscriber!.where(succeeded).length >= config.targets &&
            nodeSubscriber!.where(failed).length >= 1
            ? true
            : undefined;
        });
        const counts = {
          succeeded: nodeSubscriber!.where(succeeded).length,
          failed: nodeSubscriber!.where(failed).length,
        };
        step.say(
          `release.audit.succeeded ${counts.succeeded}, release.audit.failed ${counts.failed} (${rejectedAppid}, then approved)`,
        );
        return counts;
      },
    );

    await tour.step(
      'events',
      'What the example subscribers saw (deduplicated by envelope id)',
      async (step) => {
        const counts: Record<string, number> = {};
        for (const [key, subscriber] of [
          ['node', nodeSubscriber],
          ['python', pythonSubscriber],
        ] as const) {
          if (!subscriber) continue;
          const authorized = () =>
            subscriber.where(
              (line) => line['type'] === 'authorization.authorized' && line['duplicate'] !== true,
            );
          await eventually(
            `${subscriber.name}: ${merchants.length} authorizations with their tokens`,
            60_000,
            () => {
              subscriber.assertRunning();
              const withToken = authorized().filter((line) => line['token'] === 'ok');
              return withToken.length >= merchants.length &&
                subscriber.where((line) => line['type'] === 'release.released').length >= config.targets
                ? true
                : undefined;
            },
          );
          const release = subscriber.where(
            (line) => String(line['type']).startsWith('release.') && line['duplicate'] !== true,
          );
          const duplicates = subscriber.where((line) => line['duplicate'] === true).length;
          step.say(
            `${subscriber.name}: authorization.authorized ${authorized().length} (each with its token read from the token API), release.* ${release.length}, duplicates dropped ${duplicates}`,
          );
          counts[`${key}Authorized`] = authorized().length;
          counts[`${key}Release`] = release.length;
        }
        if (pythonSkipped) step.say(`python-subscriber: skipped (${pythonSkipped})`);
        return { ...counts, pythonSkipped: pythonSkipped ? 1 : 0 };
      },
    );

    await tour.step(
      'webhook',
      'The forwarded webhooks, verified by the example receiver (X-Wxop-Signature)',
      async (step) => {
        let deliveries: Delivery[] = [];
        // The rule matches what the subscribers bound with release.#: one delivery per such event.
        const releaseEvents = nodeSubscriber!.where(
          (line) =>
            String(line['type']).startsWith('release.') &&
            line['duplicate'] !== true &&
            line['componentAppid'] === C,
        ).length;
        await eventually('every delivery of the rule delivered', 60_000, async () => {
          receiver!.assertRunning();
          deliveries = [];
          for (let offset = 0; ; offset += 200) {
            const page = await call<{ items: Delivery[]; total: number }>(
              'GET',
              `/forwarding/rules/${ruleId}/deliveries?limit=200&offset=${offset}`,
            );
            deliveries.push(...page.items);
            if (page.items.length < 200) break;
          }
          return deliveries.length >= releaseEvents &&
            deliveries.every((delivery) => delivery.state === 'delivered')
            ? true
            : undefined;
        }).catch((error: Error) => {
          const states: Record<string, number> = {};
          for (const delivery of deliveries) states[delivery.state] = (states[delivery.state] ?? 0) + 1;
          throw new Error(
            `${error.message}: ${deliveries.length} of ${releaseEvents} deliveries, by state ${JSON.stringify(states)}; the receiver printed:\n${receiver!.tail(5)}`,
          );
        });
        const accepted = new Set(
          receiver!.where((line) => line['outcome'] === 'accepted').map((line) => String(line['eventId'])),
        );
        const missing = deliveries.filter((delivery) => !accepted.has(delivery.eventId));
        if (missing.length > 0)
          throw new Error(
            `${missing.length} delivered events the receiver did not accept, e.g. ${missing[0]!.eventId}`,
          );
        const rejected = receiver!.where((line) => line['outcome'] === 'rejected').length;
        if (rejected > 0) throw new Error(`the receiver rejected ${rejected} requests: ${receiver!.tail(5)}`);
        step.say(
          `${plural(deliveries.length, 'delivery', 'deliveries')} of release.# accepted with a valid signature; none rejected`,
        );
        return { deliveries: deliveries.length, accepted: accepted.size };
      },
    );

    await tour.step('console', 'Look at it all in the web console', async (step) => {
      step.say(
        `${config.urls.adminApi}/console/  — sign in as ${user.username}${config.password ? '' : ` / ${passwordShown()}`}`,
      );
      if (campaign)
        step.say(`the campaign: ${config.urls.adminApi}/console/campaigns/${campaign.campaignId}`);
      if (ruleId) step.say(`the delivery log: ${config.urls.adminApi}/console/forwarding/${ruleId}`);
      return {};
    });
  } finally {
    await cleanup();
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
  }
  print('');
  print(tour.summary({ componentAppid: C, run }));
  return tour.ok ? 0 : 1;
}
