import { adminQuery, freePort, startReleaseStack, type ReleaseStack } from '@wxop/testing';
import { spawn } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');
const COMPONENT = 'wx1616161616161616';

interface DemoRun {
  code: number | null;
  output: string;
  summary: { ok: boolean; steps: Record<string, Record<string, unknown>> } | undefined;
}

/** `npm run demo` as a person runs it (node scripts/run-ts.cjs tools/demo/src/main.ts), with `env` on top. */
function runDemo(args: string[], env: Record<string, string>, timeoutMs: number): Promise<DemoRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['scripts/run-ts.cjs', 'tools/demo/src/main.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, with the examples it starts: a timeout stops them all.
      detached: true,
    });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => chunks.push(chunk));
    // SIGTERM first: the demo cleans up (examples, rule, queues) and exits; SIGKILL 15 s later.
    const group = (signal: NodeJS.Signals) => {
      try {
        process.kill(-child.pid!, signal);
      } catch {
        // already gone
      }
    };
    let killer: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      group('SIGTERM');
      killer = setTimeout(() => group('SIGKILL'), 15_000);
    }, timeoutMs);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (killer) clearTimeout(killer);
      // Whatever it left in its group (it should have stopped its examples itself).
      group('SIGKILL');
      const output = Buffer.concat(chunks).toString();
      const last = output.trim().split('\n').pop() ?? '';
      let summary: DemoRun['summary'];
      try {
        summary = JSON.parse(last) as DemoRun['summary'];
      } catch {
        summary = undefined;
      }
      resolve({ code, output, summary });
    });
  });
}

const portOf = (url: string) => new URL(url).port;

/**
 * The full-flow end-to-end test (issue #16): every service and wechat-sim as processes, the demo
 * run against them exactly as `npm run demo` runs against `npm start`, with the example
 * subscribers and the example webhook receiver it starts. What it reports is checked against the
 * stack.
 */
describe('npm run demo (end to end)', () => {
  let stack: ReleaseStack;

  beforeAll(async () => {
    stack = await startReleaseStack({
      componentAppid: COMPONENT,
      prefix: 'demo',
      authorizer: true,
      adminApi: true,
      // npm start's admin-api delivers to loopback too (the example receiver runs beside it).
      env: { 'admin-api': { ADMIN_API_FORWARDING_ALLOW_PRIVATE_TARGETS: 'true' } },
    });
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
  });

  const demoEnv = (): Record<string, string> => {
    const url = (app: keyof ReleaseStack['processes']) => stack.processes[app]!.url;
    return {
      // admin-api's database, for its create-user CLI (the demo's operator)
      ...stack.env['admin-api']!,
      LOG_LEVEL: 'warn',
      WECHAT_COMPONENT_APPID: COMPONENT,
      INGRESS_HTTP_PORT: portOf(url('ingress')),
      TOKEN_HTTP_PORT: portOf(url('token')),
      AUTHORIZER_HTTP_PORT: portOf(url('authorizer')),
      CODE_RELEASE_HTTP_PORT: portOf(url('code-release')),
      ADMIN_API_HTTP_PORT: portOf(url('admin-api')),
      SIM_HTTP_PORT: portOf(stack.sim.url),
      TOKEN_API_KEYS: stack.tokenApiKey,
      RABBITMQ_NAMESPACE: stack.namespace,
    };
  };

  it('tells the whole story: ticket, token, link, authorization, tokens, template, a campaign to 20 with one rejected and retried, audit results, the examples’ events and webhooks', async () => {
    const run = await runDemo(['--no-start'], demoEnv(), 280_000);
    if (run.code !== 0) throw new Error(`the demo answered ${run.code}:\n${run.output}`);
    const steps = run.summary!.steps;
    expect(run.summary!.ok).toBe(true);
    expect(Object.keys(steps)).toEqual([
      'stack',
      'operator',
      'ticket',
      'componentToken',
      'subscribers',
      'link',
      'authorize',
      'tokens',
      'template',
      'webhookRule',
      'campaign',
      'auditResults',
      'events',
      'webhook',
      'console',
    ]);
    expect(steps['stack']).toMatchObject({ ok: true, apps: 6, startedByDemo: 0 });
    expect(steps['authorize']).toMatchObject({ ok: true, merchants: 20 });
    expect(steps['tokens']).toMatchObject({ ok: true, tokens: 20 });
    expect(steps['campaign']).toMatchObject({ ok: true, targets: 20, released: 20, rejectedThenRetried: 1 });
    expect(steps['auditResults']).toMatchObject({ ok: true, succeeded: 20, failed: 1 });
    expect(steps['events']).toMatchObject({ ok: true, nodeAuthorized: 20 });
    const python = steps['events']!['pythonSkipped'] === 1 ? undefined : steps['events']!['pythonAuthorized'];
    if (python !== undefined) expect(python).toBe(20);
    else process.stdout.write('[demo e2e] python-subscriber skipped by the demo (no pika): see its output\n');
    expect(Number(steps['webhook']!['deliveries'])).toBeGreaterThanOrEqual(20 * 4);
    expect(steps['webhook']!['accepted']).toBe(steps['webhook']!['deliveries']);
    // It printed each step as it happened, and where to look in the console.
    expect(run.output).toContain('[11] A campaign releases the template to 20 mini programs');
    expect(run.output).toMatch(/\/console\/campaigns\/[0-9a-f-]+/);
    // And the stack agrees: the campaign's 20 targets released, the one rejected audit counted.
    const rows = (await adminQuery(
      `SELECT state, COUNT(*) AS n FROM \`${stack.databases['code-release']!.name}\`.code_release_campaign_targets GROUP BY state`,
    )) as { state: string; n: number }[];
    expect(rows.map((row) => [row.state, Number(row.n)])).toEqual([['released', 20]]);
  }, 300_000);

  it('with --no-start and no stack, fails at the first step, names what is down, and exits 1', async () => {
    const nobody = String(await freePort());
    const run = await runDemo(
      ['--no-start'],
      {
        ...demoEnv(),
        INGRESS_HTTP_PORT: nobody,
        TOKEN_HTTP_PORT: nobody,
        AUTHORIZER_HTTP_PORT: nobody,
        CODE_RELEASE_HTTP_PORT: nobody,
        ADMIN_API_HTTP_PORT: nobody,
        SIM_HTTP_PORT: nobody,
      },
      30_000,
    );
    expect(run.code).toBe(1);
    expect(run.summary).toMatchObject({
      ok: false,
      steps: { stack: { ok: false }, operator: { ok: false } },
    });
    expect(String(run.summary!.steps['stack']!['error'])).toContain(`admin-api`);
    expect(String(run.summary!.steps['operator']!['error'])).toBe('skipped: an earlier step failed');
  }, 60_000);
});
