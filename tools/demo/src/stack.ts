import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';

import type { DemoConfig } from './demo-config';
import { answers } from './http';

export type AppName = keyof DemoConfig['urls'];

/** The apps as npm start names them. */
export const APP_NAMES: Record<AppName, string> = {
  ingress: 'ingress',
  token: 'token',
  authorizer: 'authorizer',
  codeRelease: 'code-release',
  adminApi: 'admin-api',
  sim: 'wechat-sim',
};

/** Which apps answer /health/ready now. */
export async function readiness(config: DemoConfig): Promise<Record<AppName, boolean>> {
  const names = Object.keys(config.urls) as AppName[];
  const states = await Promise.all(names.map((name) => answers(`${config.urls[name]}/health/ready`)));
  return Object.fromEntries(names.map((name, i) => [name, states[i]!])) as Record<AppName, boolean>;
}

/** `npm start` run by the demo, in a process group of its own, its output in tmp/demo-stack.log. */
export interface StartedStack {
  log: string;
  stop(): Promise<void>;
}

/** Starts `npm start` (scripts/start.sh) and waits until every app is ready (at most `timeoutMs`). */
export async function startStack(
  root: string,
  config: DemoConfig,
  say: (line: string) => void,
  /** Called at once with the handle, so an interrupted demo can stop a stack that is still starting. */
  onSpawned: (stack: StartedStack) => void = () => undefined,
  timeoutMs = 300_000,
): Promise<StartedStack> {
  mkdirSync(join(root, 'tmp'), { recursive: true });
  const log = join(root, 'tmp', 'demo-stack.log');
  const out = openSync(log, 'w');
  const child: ChildProcess = spawn('bash', ['scripts/start.sh'], {
    cwd: root,
    env: { ...process.env, LOG_FORMAT: 'json' },
    stdio: ['ignore', out, out],
    detached: true,
  });
  // The child has its own copy of the log's descriptor.
  closeSync(out);
  // With --keep the demo ends and leaves npm start running: it must not wait for it.
  if (config.keepStack) child.unref();
  let exited: number | null | undefined;
  child.on('exit', (code) => (exited = code));
  const stop = async () => {
    if (exited !== undefined) return;
    const done = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    // Ctrl-C, as a person stops npm start: every app shuts down gracefully.
    process.kill(-child.pid!, 'SIGINT');
    const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 30_000);
    await done;
    clearTimeout(timer);
  };
  onSpawned({ log, stop });
  const started = Date.now();
  let lastSaid = 0;
  for (;;) {
    if (exited !== undefined) throw new Error(`npm start ended (code ${exited}); its output: ${log}`);
    const states = await readiness(config);
    const waiting = Object.entries(states)
      .filter(([, ready]) => !ready)
      .map(([name]) => APP_NAMES[name as AppName]);
    if (waiting.length === 0) return { log, stop };
    if (Date.now() - started > timeoutMs) {
      await stop();
      throw new Error(`npm start: ${waiting.join(', ')} not ready after ${timeoutMs / 1000} s; see ${log}`);
    }
    if (Date.now() - lastSaid > 15_000) {
      say(`waiting for ${waiting.join(', ')} (${Math.round((Date.now() - started) / 1000)} s; log: ${log})`);
      lastSaid = Date.now();
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}
