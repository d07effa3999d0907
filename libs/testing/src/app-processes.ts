import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';

import { waitUntil } from './test-env';

const ROOT = join(__dirname, '..', '..', '..');

/** A TCP port nobody listens on right now, for an app a test starts. */
export async function freePort(): Promise<number> {
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

export interface AppProcess {
  /** e.g. `token`: the folder under apps/. */
  name: string;
  url: string;
  pid: number;
  /** Everything the process wrote so far, stdout and stderr together, as a person would see it. */
  output(): string;
  stop(): Promise<void>;
}

export interface AppProcessOptions {
  /** The app's folder under apps/ (its entry is apps/<app>/src/main.ts). */
  app: string;
  port: number;
  /** The app's environment, on top of this process's. */
  env: Record<string, string>;
  /**
   * A built entry to run instead of the TypeScript source (e.g. `dist/apps/code-release/main.cjs`
   * from `nx run code-release:build`, what the image runs), relative to the repository root.
   */
  entry?: string;
  /** Answers 200 once the app is up; `/health/ready` by default. */
  readyPath?: string;
  timeoutMs?: number;
}

/**
 * Starts an app as its own process, the way `nx run <app>:serve` does, keeps its whole output,
 * and waits until it is ready. Tests that read logs (secrets, start-up lines) use it.
 */
export async function startAppProcess(options: AppProcessOptions): Promise<AppProcess> {
  const child: ChildProcess = spawn(
    process.execPath,
    options.entry ? [options.entry] : ['scripts/run-ts.cjs', `apps/${options.app}/src/main.ts`],
    { cwd: ROOT, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const chunks: Buffer[] = [];
  child.stdout!.on('data', (chunk: Buffer) => chunks.push(chunk));
  child.stderr!.on('data', (chunk: Buffer) => chunks.push(chunk));
  const output = () => Buffer.concat(chunks).toString('utf8');
  const url = `http://127.0.0.1:${options.port}`;
  const stop = () => stopChild(child);
  try {
    await waitUntil(
      async () => {
        if (child.exitCode !== null)
          throw new Error(`${options.app} exited with ${child.exitCode}:\n${output()}`);
        return fetch(`${url}${options.readyPath ?? '/health/ready'}`).then(
          (response) => response.ok,
          () => false,
        );
      },
      options.timeoutMs ?? 60_000,
      `${options.app} to be ready`,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { name: options.app, url, pid: child.pid!, output, stop };
}

/** SIGTERM (the apps shut down gracefully), SIGKILL after 10 s. */
function stopChild(child: ChildProcess): Promise<void> {
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
  });
}
