import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';

export interface SimProcess {
  url: string;
  /** The simulator's process id (benchmarks read its CPU time). */
  pid: number;
  /** Calls the simulator's control API. */
  control<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/**
 * Starts apps/wechat-sim as its own process, the way `nx run wechat-sim:serve` does, on a free
 * port, and waits until it answers. End-to-end tests drive it through its control API.
 */
export async function startWechatSimProcess(env: Record<string, string> = {}): Promise<SimProcess> {
  const port = await freePort();
  const root = join(__dirname, '..', '..', '..');
  const child: ChildProcess = spawn(process.execPath, ['scripts/run-ts.cjs', 'apps/wechat-sim/src/main.ts'], {
    cwd: root,
    env: {
      ...process.env,
      SIM_HTTP_PORT: String(port),
      SIM_HTTP_HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`wechat-sim exited with ${child.exitCode}`);
    const up = await fetch(`${url}/health/live`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error('wechat-sim did not start within 30 s');
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    url,
    pid: child.pid!,
    async control<T>(method: string, path: string, body?: unknown): Promise<T> {
      const response = await fetch(`${url}/sim${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`${method} /sim${path} answered ${response.status}: ${text}`);
      return (text ? JSON.parse(text) : undefined) as T;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }),
  };
}

/** One row of wechat-sim's `GET /sim/counters`. */
export interface SimCounterRow {
  endpoint: string;
  appid: string;
  calls: number;
  errors: number;
  tokensIssued: number;
}

/** wechat-sim's counters of one endpoint, by appid (the authorizer's when one is involved). */
export async function countersOf(sim: SimProcess, endpoint: string): Promise<Map<string, SimCounterRow>> {
  const rows = await sim.control<SimCounterRow[]>(
    'GET',
    `/counters?endpoint=${encodeURIComponent(endpoint)}`,
  );
  return new Map(rows.map((row) => [row.appid, row]));
}

/** How many calls of one endpoint reached wechat-sim since its counters were last reset. */
export async function totalCalls(sim: SimProcess, endpoint: string): Promise<number> {
  return [...(await countersOf(sim, endpoint)).values()].reduce((sum, row) => sum + row.calls, 0);
}
