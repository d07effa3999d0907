import { createEnvelope, rawPushId } from '@wxop/contracts';
import { databaseEnv, publishTestEvent, testEnv, type SimProcess } from '@wxop/testing';
import autocannon from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';

/** What a benchmark reports: figures for people, and the bar it is held to. */
export interface BenchResult {
  /** Every figure, flat, for the closing JSON line. */
  figures: Record<string, number | string | boolean>;
  /** Human-readable bar, e.g. "ratio ≥ 0.8". */
  bar: string;
  passed: boolean;
}

export type Bench = () => Promise<BenchResult>;

/** Calls `fn` repeatedly for `durationMs` and returns operations per second. */
export function measureOpsPerSec(fn: () => unknown, durationMs: number): number {
  let ops = 0;
  const start = process.hrtime.bigint();
  const end = start + BigInt(durationMs) * 1_000_000n;
  let now = start;
  while (now < end) {
    // Batches keep the clock reads out of the measurement.
    for (let i = 0; i < 256; i++) fn();
    ops += 256;
    now = process.hrtime.bigint();
  }
  return ops / (Number(now - start) / 1e9);
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function round(value: number, digits = 3): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/**
 * Starts a server as a child process (in the repository root) and resolves once `readyUrl`
 * answers 2xx, or once the child sends an IPC message when no URL is given.
 */
export function startServerProcess(
  args: string[],
  env: Record<string, string>,
  readyUrl?: string,
): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: join(__dirname, '..'),
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    let done = false;
    const finish = (error?: Error) => {
      if (done) return;
      done = true;
      if (error) reject(error);
      else resolve(child);
    };
    child.on('message', () => finish());
    child.on('exit', (code) => finish(new Error(`${args.join(' ')} exited with ${code}`)));
    if (readyUrl) {
      const deadline = Date.now() + 60_000;
      const poll = () =>
        fetch(readyUrl).then(
          (response) => (response.ok ? finish() : setTimeout(poll, 200)),
          () =>
            Date.now() > deadline ? finish(new Error(`${readyUrl} did not answer`)) : setTimeout(poll, 200),
        );
      void poll();
    }
  });
}

export interface LoadResult {
  result: autocannon.Result;
  /**
   * Responses per second from the first request to the last response. autocannon's own average is
   * of whole-second samples and, for a fixed request count, can only read `amount / n`.
   */
  opsPerSec: number;
}

/** Runs autocannon and measures throughput exactly (see LoadResult). */
export function runLoad(options: autocannon.Options): Promise<LoadResult> {
  let responses = 0;
  const startedAt = performance.now();
  let lastResponseAt = startedAt;
  return new Promise((resolve, reject) => {
    const instance = autocannon(options, (error: unknown, result) =>
      error
        ? reject(error instanceof Error ? error : new Error(String(error)))
        : resolve({ result, opsPerSec: responses / ((lastResponseAt - startedAt) / 1000) }),
    );
    instance.on('response', () => {
      responses++;
      lastResponseAt = performance.now();
    });
  });
}

/** CPU time (user + system) a process has used, in ms, from /proc/<pid>/stat (clock ticks of 10 ms, Linux's USER_HZ). */
export function cpuMsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

/** Pids of the processes whose command name (`/proc/<pid>/comm`) is `name`, e.g. `beam.smp`, `mariadbd`. */
export function pidsNamed(name: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === name;
      } catch {
        return false; // gone since the listing
      }
    })
    .map(Number);
}

/** CPU ms used so far by every process named `name` (0 when there is none, e.g. a remote broker). */
export function cpuMsNamed(name: string): number {
  return pidsNamed(name).reduce((sum, pid) => sum + cpuMsOf(pid), 0);
}

/** The parts of a run whose CPU a benchmark counts: an app, the broker, the database, and this process. */
export type CpuParts = Record<'app' | 'broker' | 'database' | 'bench', number>;

/** CPU ms used so far by each part (`appPid` omitted: 0 for the app, e.g. during a baseline). */
export function cpuParts(appPid?: number): CpuParts {
  const own = process.cpuUsage();
  return {
    app: appPid ? cpuMsOf(appPid) : 0,
    broker: cpuMsNamed('beam.smp'),
    database: cpuMsNamed('mariadbd'),
    bench: (own.user + own.system) / 1000,
  };
}

/** CPU µs per item of each part between two snapshots, and their sum (`total`). */
export function cpuPerItem(before: CpuParts, after: CpuParts, items: number): CpuParts & { total: number } {
  const per = (part: keyof CpuParts) => round(((after[part] - before[part]) * 1000) / items, 0);
  const parts = { app: per('app'), broker: per('broker'), database: per('database'), bench: per('bench') };
  return { ...parts, total: parts.app + parts.broker + parts.database + parts.bench };
}

/** Busy and total CPU time of the whole machine, in ticks, from /proc/stat. */
export function machineCpu(): { busy: number; total: number } {
  const ticks = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = ticks.reduce((sum, value) => sum + value, 0);
  return { busy: total - ticks[3]! - ticks[4]!, total };
}

/** Stops a child process: SIGTERM, then SIGKILL after 10 s. */
export function stopProcess(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(killer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * Has wechat-sim issue a ticket, publishes it as ingress would, and waits until the token service
 * at `tokenUrl` serves the component token (it fetched one with that ticket).
 */
export async function deliverTicket(options: {
  sim: SimProcess;
  componentAppid: string;
  namespace: string;
  tokenUrl: string;
  apiKey: string;
}): Promise<void> {
  const { sim, componentAppid, namespace } = options;
  await sim.control('POST', `/platforms/${componentAppid}/tickets`);
  const { currentTicket } = await sim.control<{ currentTicket?: string }>(
    'GET',
    `/platforms/${componentAppid}`,
  );
  const fields = {
    AppId: componentAppid,
    CreateTime: Math.floor(Date.now() / 1000),
    InfoType: 'component_verify_ticket',
    ComponentVerifyTicket: currentTicket,
  };
  await publishTestEvent(
    createEnvelope(
      'wechat.component.component_verify_ticket',
      { ...fields, raw: '<xml/>' },
      { componentAppid, id: rawPushId({ componentAppid, fields }) },
    ),
    { namespace },
  );
  for (const deadline = Date.now() + 30_000; ;) {
    const response = await fetch(`${options.tokenUrl}/v1/components/${componentAppid}/access-token`, {
      headers: { authorization: `Bearer ${options.apiKey}` },
    });
    if (response.ok) return;
    if (Date.now() > deadline) throw new Error(`no component token: ${await response.text()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * Starts the token service as its own process against wechat-sim, a database of its own (migrated
 * at start) and a broker namespace, bootstrapped with the simulator's platform; resolves when ready.
 */
export function startTokenService(options: {
  sim: SimProcess;
  platform: { appid: string; secret: string; token: string; encodingAESKey: string };
  databaseName: string;
  namespace: string;
  port: number;
  apiKey: string;
  secretsKeys: string;
  env?: Record<string, string>;
  /**
   * Preloads bench/cpu-profile.preload.cjs: the IPC messages 'cpu-profile:start' and
   * 'cpu-profile:stop' profile the process between them and write the profile to this directory.
   */
  cpuProfileDir?: string;
}): Promise<ChildProcess> {
  const { sim, platform } = options;
  const profiling = options.cpuProfileDir ? ['-r', join(__dirname, 'cpu-profile.preload.cjs')] : [];
  return startServerProcess(
    [...profiling, 'scripts/run-ts.cjs', 'apps/token/src/main.ts'],
    {
      ...(options.cpuProfileDir ? { CPU_PROFILE_DIR: options.cpuProfileDir, CPU_PROFILE_NAME: 'token' } : {}),
      LOG_LEVEL: 'warn',
      TOKEN_HTTP_HOST: '127.0.0.1',
      TOKEN_HTTP_PORT: String(options.port),
      ...databaseEnv({ name: options.databaseName }),
      RABBITMQ_URL: testEnv.rabbitUrl,
      RABBITMQ_NAMESPACE: options.namespace,
      WECHAT_API_BASE_URL: sim.url,
      WECHAT_MP_BASE_URL: sim.url,
      SECRETS_KEYS: options.secretsKeys,
      SECRETS_CURRENT_KEY_ID: 'k1',
      TOKEN_API_KEYS: options.apiKey,
      WECHAT_COMPONENT_APPID: platform.appid,
      WECHAT_COMPONENT_SECRET: platform.secret,
      WECHAT_COMPONENT_TOKEN: platform.token,
      WECHAT_COMPONENT_ENCODING_AES_KEY: platform.encodingAESKey,
      ...options.env,
    },
    `http://127.0.0.1:${options.port}/health/ready`,
  );
}
