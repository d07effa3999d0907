import { CampaignRpcPatterns, type CampaignSummary } from '@wxop/contracts';
import { startReleaseStack, type ReleaseStack, type SimCounterRow } from '@wxop/testing';
import { createConnection, type RowDataPacket } from 'mysql2/promise';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { cpuMsOf, round, type Bench } from './bench.util';

/** Mini programs of the campaign (issue #13: 1,000; `RELEASE_CAMPAIGN_TARGETS=10000` the large run). */
const TARGETS = Number(process.env['RELEASE_CAMPAIGN_TARGETS'] ?? 1000);
/** The campaign's concurrency (targets holding a lease at once). */
const CONCURRENCY = 50;
/** Milliseconds wechat-sim adds to every WeChat call (its `latencyMs` setting: a timer, no CPU). */
const WECHAT_LATENCY_MS = 50;
/** The simulator approves each audit this long after its submit, and pushes the result. */
const AUDIT_DELAY_SECONDS = 1;
const RSS_BAR_MB = 300;
const FROM_SOURCE = process.env['RELEASE_CAMPAIGN_FROM_SOURCE'] === '1';

/** `nx run code-release:build` (a couple of seconds); answers the bundle's path. */
function buildCodeRelease(): string {
  execFileSync('npx', ['nx', 'run', 'code-release:build', '--skip-nx-cache'], {
    cwd: join(__dirname, '..'),
    stdio: 'ignore',
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' },
  });
  return 'dist/apps/code-release/main.cjs';
}

/** RELEASE_CAMPAIGN_TRACE=1 prints the targets by state every second. */
const TRACE = process.env['RELEASE_CAMPAIGN_TRACE'] === '1';

/** A process's current and peak resident set, in MB, from /proc/<pid>/status. */
function memoryOf(pid: number): { rssMb: number; hwmMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
  return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 };
}

/** One counter of a Prometheus text page (summed over its label sets). */
async function metric(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name} `) || line.startsWith(`${name}{`))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

/**
 * Issue #13's bar for campaigns: TARGETS mini programs authorized (each through its `authorized`
 * push and api_query_auth) and held by the token service, a template in the library; then, measured,
 * one campaign at concurrency 50 carries it to all of them while every WeChat call takes 50 ms and
 * the simulator approves each audit 1 s after its submit (pushed to ingress, consumed by
 * code-release). Ideal = WeChat calls per target × 50 ms × TARGETS / 50 + 1 s; bar: ideal/actual
 * ≥ 0.8, every target released and submitted exactly once, code-release's peak RSS ≤ 300 MB.
 * Simulator, ingress, token service, code-release, broker and MariaDB share these 2 cores.
 */
const run: Bench = async () => {
  let stack: ReleaseStack | undefined;
  const db = await createConnection({
    host: process.env['DB_HOST'] || '127.0.0.1',
    port: Number(process.env['DB_PORT'] || 3306),
    user: process.env['DB_USER'] || 'root',
    password: process.env['DB_PASSWORD'] || '',
  });
  const questions = async () =>
    Number(
      (await db.query<RowDataPacket[]>("SHOW GLOBAL STATUS LIKE 'Questions'"))[0][0]!['Value'] as string,
    );
  try {
    const setupStarted = Date.now();
    stack = await startReleaseStack({
      prefix: 'bench_rc',
      simEnv: {
        SIM_AUDIT_POLICY: 'approve',
        SIM_AUDIT_DELAY_SECONDS: String(AUDIT_DELAY_SECONDS),
        SIM_AUDIT_QUOTA: String(TARGETS + 100),
        SIM_DAILY_QUOTA: '100000000',
      },
      // code-release as its image runs it (the esbuild bundle), unless RELEASE_CAMPAIGN_FROM_SOURCE=1
      // (the TypeScript source through @swc-node/register, as the tests run it: some 100 MB more).
      entries: FROM_SOURCE ? {} : { 'code-release': buildCodeRelease() },
      // BENCH_CODE_RELEASE_ENV='{"DB_POOL_SIZE":"50"}' tries code-release settings.
      env: {
        'code-release': JSON.parse(process.env['BENCH_CODE_RELEASE_ENV'] ?? '{}') as Record<string, string>,
      },
      rpcTimeoutMs: 120_000,
    });
    const appids = await stack.newMiniPrograms(TARGETS, { concurrency: 25 });
    const templateId = await stack.addTemplate('3.0.0');
    const setupSeconds = (Date.now() - setupStarted) / 1000;
    console.log(
      `set-up: ${TARGETS} mini programs authorized and held by the token service in ${setupSeconds} s`,
    );

    // Measured from here: WeChat at 50 ms a call, counters from zero.
    await stack.sim.control('PUT', '/settings', { latencyMs: WECHAT_LATENCY_MS });
    await stack.sim.control('DELETE', '/counters');
    const codeRelease = stack.codeRelease;
    const queriesBefore = await metric(codeRelease.url, 'wxop_db_queries_total');
    const questionsBefore = await questions();
    const cpuBefore = cpuMsOf(codeRelease.pid);
    let peakRssMb = memoryOf(codeRelease.pid).rssMb;
    const sampler = setInterval(() => {
      peakRssMb = Math.max(peakRssMb, memoryOf(codeRelease.pid).rssMb);
    }, 100);

    const idle = memoryOf(codeRelease.pid);
    const startedAt = Date.now();
    const created = await stack.rpc<CampaignSummary>(CampaignRpcPatterns.Create, {
      templateId,
      userVersion: '3.0.0',
      userDesc: 'release campaign benchmark',
      targets: appids.map((authorizerAppid, index) => ({
        authorizerAppid,
        bizRef: `shop-${index}`,
        values: { shopId: String(index) },
      })),
      extJson: { ext: { shopId: '{{shopId}}', ref: '{{bizRef}}' } },
      concurrency: CONCURRENCY,
      // Pushes carry the results; polling is the fallback for a missed one, not the path here.
      pollAfterSeconds: 120,
      requestedBy: 'bench',
    });
    const createdSeconds = (Date.now() - startedAt) / 1000;
    let summary = created;
    let lastTrace = startedAt;
    const deadline = startedAt + 120_000 + TARGETS * 200;
    while (summary.status === 'running') {
      if (Date.now() > deadline)
        throw new Error(`the campaign did not finish: ${JSON.stringify(summary.counts)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
      summary = await stack.rpc<CampaignSummary>(CampaignRpcPatterns.Get, { campaignId: created.campaignId });
      if (TRACE && Date.now() - lastTrace >= 1000) {
        lastTrace = Date.now();
        const live = Object.entries(summary.counts).filter(([, n]) => n > 0);
        console.log(
          `  ${round((Date.now() - startedAt) / 1000, 1)} s ${JSON.stringify(Object.fromEntries(live))}`,
        );
      }
    }
    const actualSeconds = (Date.now() - startedAt) / 1000;
    clearInterval(sampler);
    const cpuSeconds = (cpuMsOf(codeRelease.pid) - cpuBefore) / 1000;
    const memory = memoryOf(codeRelease.pid);
    peakRssMb = Math.max(peakRssMb, memory.rssMb);
    const queries = (await metric(codeRelease.url, 'wxop_db_queries_total')) - queriesBefore;
    const serverQuestions = (await questions()) - questionsBefore;

    const targets = new Set(appids);
    const rows = (await stack.sim.control<SimCounterRow[]>('GET', '/counters')).filter(
      (row) => targets.has(row.appid) || row.appid === stack!.componentAppid,
    );
    // `push:*` rows are WeChat's pushes to us (the audit results), not calls: counted apart.
    const byEndpoint = new Map<string, number>();
    for (const row of rows.filter((r) => !r.endpoint.startsWith('push:')))
      byEndpoint.set(row.endpoint, (byEndpoint.get(row.endpoint) ?? 0) + row.calls);
    const pushes = rows.filter((r) => r.endpoint.startsWith('push:')).reduce((n, r) => n + r.calls, 0);
    const calls = [...byEndpoint.values()].reduce((a, b) => a + b, 0);
    const callsPerTarget = calls / TARGETS;
    const submits = new Map(
      rows.filter((r) => r.endpoint === 'wxa/submit_audit').map((r) => [r.appid, r.calls]),
    );
    const notOnce = appids.filter((appid) => submits.get(appid) !== 1).length;
    const released = summary.counts['released'] ?? 0;
    const idealSeconds =
      (callsPerTarget * WECHAT_LATENCY_MS * TARGETS) / CONCURRENCY / 1000 + AUDIT_DELAY_SECONDS;
    const ratio = idealSeconds / actualSeconds;

    console.log(
      `campaign of ${TARGETS} at concurrency ${CONCURRENCY}, WeChat ${WECHAT_LATENCY_MS} ms a call:`,
    );
    console.log(
      `  wall ${round(actualSeconds, 2)} s (create RPC ${round(createdSeconds, 2)} s) vs ideal ${round(idealSeconds, 2)} s → ideal/actual ${round(ratio)}`,
    );
    console.log(`  final states ${JSON.stringify(summary.counts)}`);
    console.log(`  WeChat calls per target ${round(callsPerTarget)}:`);
    for (const [endpoint, n] of [...byEndpoint].sort((a, b) => b[1] - a[1]))
      console.log(`    ${endpoint.padEnd(32)} ${round(n / TARGETS)}`);
    console.log(
      `  database queries per target ${round(queries / TARGETS, 1)} (code-release's count; the server's Questions, every client: ${round(serverQuestions / TARGETS, 1)})`,
    );
    console.log(
      `  code-release peak RSS ${round(Math.max(peakRssMb, memory.hwmMb), 1)} MB (VmHWM ${round(memory.hwmMb, 1)}), CPU ${round(cpuSeconds, 1)} s`,
    );
    console.log(
      `  submits per target: ${notOnce === 0 ? 'exactly 1 for each' : `${notOnce} targets not submitted exactly once`}`,
    );

    const rssMb = Math.max(peakRssMb, memory.hwmMb);
    const passed = ratio >= 0.8 && released === TARGETS && notOnce === 0 && rssMb <= RSS_BAR_MB;
    return {
      figures: {
        targets: TARGETS,
        codeReleaseFrom: FROM_SOURCE ? 'source' : 'bundle',
        concurrency: CONCURRENCY,
        wechatLatencyMs: WECHAT_LATENCY_MS,
        setupSeconds: round(setupSeconds, 1),
        actualSeconds: round(actualSeconds, 2),
        idealSeconds: round(idealSeconds, 2),
        ratio: round(ratio),
        released,
        wechatCallsPerTarget: round(callsPerTarget),
        ...Object.fromEntries(
          [...byEndpoint].map(([endpoint, n]) => [`calls.${endpoint}`, round(n / TARGETS)]),
        ),
        dbQueriesPerTarget: round(queries / TARGETS, 1),
        serverQuestionsPerTarget: round(serverQuestions / TARGETS, 1),
        peakRssMb: round(rssMb, 1),
        idleRssMb: round(idle.rssMb, 1),
        pushesPerTarget: round(pushes / TARGETS),
        codeReleaseCpuSeconds: round(cpuSeconds, 1),
        targetsNotSubmittedOnce: notOnce,
      },
      bar: `ideal/actual ≥ 0.8, all ${TARGETS} released, each submitted once, peak RSS ≤ ${RSS_BAR_MB} MB`,
      passed,
    };
  } finally {
    await stack?.stop();
    await db.end();
  }
};

export default run;
