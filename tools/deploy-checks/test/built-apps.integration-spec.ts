import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { QueueNames } from '@wxop/contracts';
import { adminQuery, deleteBrokerObjects, testEnv, uniqueRunId } from '@wxop/testing';

import { WORKSPACE_ROOT, deployableApps, type AppInfo } from '../src/app-catalog.util';
import { containerEnv, loadCompose } from '../src/compose.util';
import { effective, execForm, parseDockerfile, stageEnv } from '../src/dockerfile.util';
import { render } from '../src/kustomize.util';

/**
 * Each app's build output (dist/apps/<app>, written by the `build` targets this target depends on)
 * laid out as its image lays it out — the bundle, its generated package.json, and a node_modules
 * holding exactly the packages of its pruned lockfile (`npm ci --omit=dev` in the image) — then
 * started with the image's own CMD and environment from docker-compose.yml, pointed at this run's
 * database and broker namespace. Node resolves through the symlinks without leaving that
 * node_modules (--preserve-symlinks), so a dependency missing from the generated package.json fails.
 */
const stages = parseDockerfile();
const workspaceLock = JSON.parse(readFileSync(join(WORKSPACE_ROOT, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { version?: string }>;
};
const compose = loadCompose();
const grace = new Map(
  render(join(WORKSPACE_ROOT, 'deploy', 'k8s', 'overlays', 'dev'))
    .filter((object) => object.kind === 'Deployment')
    .map((object) => [
      object.metadata.name,
      (object['spec'] as { template: { spec: { terminationGracePeriodSeconds: number } } }).template.spec
        .terminationGracePeriodSeconds,
    ]),
);

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
    server.on('error', reject);
  });
}

/** /app of the image: the build output plus node_modules of exactly the pruned lockfile's packages. */
function stageImage(app: string, root: string): string {
  const dir = join(root, app);
  cpSync(join(WORKSPACE_ROOT, 'dist', 'apps', app), dir, { recursive: true });
  cpSync(join(WORKSPACE_ROOT, 'deploy', 'docker', 'healthcheck.cjs'), join(dir, 'healthcheck.cjs'));
  const lock = JSON.parse(readFileSync(join(dir, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { version?: string; dev?: boolean }>;
  };
  for (const [path, entry] of Object.entries(lock.packages)) {
    // Top-level entries only: nested ones come along inside their parent's directory.
    if (!path.startsWith('node_modules/') || path.indexOf('/node_modules/', 1) >= 0 || entry.dev) continue;
    // The pruned lockfile may hoist another version than the workspace did: take the copy npm nested.
    const name = path.slice('node_modules/'.length);
    const installed = Object.entries(workspaceLock.packages).find(
      ([candidate, installedEntry]) =>
        (candidate === path || candidate.endsWith(`/node_modules/${name}`)) &&
        installedEntry.version === entry.version,
    )?.[0];
    expect({ path, version: entry.version, installed: Boolean(installed) }).toEqual({
      path,
      version: entry.version,
      installed: true,
    });
    mkdirSync(join(dir, path, '..'), { recursive: true });
    symlinkSync(join(WORKSPACE_ROOT, installed!), join(dir, path), 'dir');
  }
  return dir;
}

/** Every process a test started, so that a failed assertion cannot leave one running (and jest waiting on it). */
const children = new Set<Started>();

interface Started {
  output: string[];
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal: NodeJS.Signals): void;
}

function run(command: string[], cwd: string, env: Record<string, string>): Started {
  const child = spawn(command[0] === 'node' ? process.execPath : command[0]!, command.slice(1), {
    cwd,
    env: { PATH: process.env['PATH'] ?? '', NODE_OPTIONS: '--preserve-symlinks', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    // A process that could not be spawned emits 'error' and maybe never 'exit'.
    child.once('error', (error) => {
      output.push(`spawn failed: ${error.message}\n`);
      resolve({ code: -1, signal: null });
    });
  });
  const started: Started = { output, exit, kill: (signal) => child.kill(signal) };
  children.add(started);
  void exit.then(() => children.delete(started));
  return started;
}

async function waitForHttp(url: string, started: Started, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void started.exit.then(() => (exited = true));
  for (;;) {
    if (exited) throw new Error(`exited before answering ${url}:\n${started.output.join('')}`);
    const ok = await fetch(url).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) return;
    if (Date.now() > deadline)
      throw new Error(`${url} did not answer within ${timeoutMs} ms:\n${started.output.join('')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('built apps, started as their images start them', () => {
  const runId = uniqueRunId();
  const namespace = `${runId}.`;
  const root = mkdtempSync(join(tmpdir(), 'wxop-images-'));
  const databases: string[] = [];

  afterEach(async () => {
    const left = [...children];
    for (const child of left) child.kill('SIGKILL');
    await Promise.all(left.map((child) => child.exit));
  });

  afterAll(async () => {
    for (const name of databases) await adminQuery(`DROP DATABASE IF EXISTS \`${name}\``);
    const queues = Object.values(QueueNames).flatMap((queue) => [queue, `${queue}.retry`, `${queue}.dlq`]);
    const rpc = deployableApps().map((app) => `${app.name}.rpc`);
    await deleteBrokerObjects({
      queues: [...queues, ...rpc].map((queue) => namespace + queue),
      exchanges: ['wxop.events', 'wxop.rpc', 'wxop.retry'].map((exchange) => namespace + exchange),
    });
    rmSync(root, { recursive: true, force: true });
  });

  // Ingress comes last: it is not ready until the consumer queues compose names in
  // INGRESS_REQUIRED_QUEUES exist (ADR 0026), and the apps started before it declared them in this
  // run's namespace, as they would on a new broker.
  const apps = [...deployableApps()].sort(
    (a, b) => Number(a.name === 'ingress') - Number(b.name === 'ingress'),
  );

  it.each(
    apps.map(
      (app) =>
        [
          app.name,
          app.usesDatabase
            ? 'refuses its unmigrated schema, is migrated by its migrate entry (twice at once), '
            : '',
          app,
        ] as const,
    ),
  )(
    '%s: %sanswers /health/live and /health/ready, passes its HEALTHCHECK, stops on SIGTERM within the grace period',
    async (name, _migrations, app: AppInfo) => {
      expect(existsSync(join(WORKSPACE_ROOT, 'dist', 'apps', name, 'main.cjs'))).toBe(true);
      const dir = stageImage(name, root);
      const port = await freePort();
      const database = `wxop_test_deploy_${name.replace(/-/g, '_')}_${runId}`.slice(0, 64);
      const env: Record<string, string> = {
        ...containerEnv(compose.services[name]!, undefined),
        ...stageEnv(stages, name),
        [app.hostVariable]: '127.0.0.1',
        [app.portVariable]: String(port),
        LOG_LEVEL: 'info',
      };
      if (app.usesDatabase) {
        await adminQuery(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
        databases.push(database);
        Object.assign(env, {
          DB_HOST: testEnv.dbHost,
          DB_PORT: String(testEnv.dbPort),
          DB_USER: testEnv.dbUser,
          DB_PASSWORD: testEnv.dbPassword,
          DB_NAME: database,
        });
      }
      if (app.usesBroker)
        Object.assign(env, { RABBITMQ_URL: testEnv.rabbitUrl, RABBITMQ_NAMESPACE: namespace });

      const command = execForm(effective(stages, name, 'CMD')!);
      if (app.usesDatabase) {
        // As compose and k8s start it (DB_MIGRATIONS_RUN=false), on a schema nobody migrated yet: it refuses.
        expect(env['DB_MIGRATIONS_RUN']).toBe('false');
        const early = run(command, dir, env);
        const refused = await early.exit;
        expect({ refused: refused.code !== 0 || refused.signal !== null }).toEqual({ refused: true });
        const refusal = early.output.join('');
        expect(refusal).toContain(`Database ${database} is not migrated`);
        expect(refusal).toContain('run `node main.cjs migrate` first');

        // The migrations image's step for this app, from the same layout (/app/<app>, /app/migrate.cjs),
        // twice at once (a retried Job, two deploys): both succeed and each migration is applied once.
        cpSync(join(WORKSPACE_ROOT, 'deploy', 'docker', 'migrate.cjs'), join(root, 'migrate.cjs'));
        const migrations = [
          run(['node', 'migrate.cjs', name], root, env),
          run(['node', 'migrate.cjs', name], root, env),
        ];
        for (const migration of migrations) {
          expect({ exit: await migration.exit, output: migration.output.join('') }).toEqual({
            exit: { code: 0, signal: null },
            output: expect.stringMatching(new RegExp(`${database}: .*schema up to date`)),
          });
        }
        const applied = (
          (await adminQuery(`SELECT name FROM \`${database}\`.migrations ORDER BY id`)) as { name: string }[]
        ).map((row) => row.name);
        expect(applied.length).toBeGreaterThan(0);
        expect(new Set(applied).size).toBe(applied.length);
        const printed = migrations.flatMap((migration) =>
          [...migration.output.join('').matchAll(new RegExp(`^${database}: applied (\\S+)$`, 'gm'))].map(
            (match) => match[1],
          ),
        );
        expect(printed.sort()).toEqual([...applied].sort());

        // The app's own entry again, as an operator would run it: nothing left to do.
        const again = run(['node', 'main.cjs', 'migrate'], dir, env);
        expect(await again.exit).toEqual({ code: 0, signal: null });
        expect(again.output.join('')).toBe(
          `${database}: schema up to date (${applied.length} migrations, none pending)\n`,
        );
      }

      const started = run(command, dir, env);
      await waitForHttp(`http://127.0.0.1:${port}/health/live`, started, 30_000);
      await waitForHttp(`http://127.0.0.1:${port}/health/ready`, started, 30_000);

      const healthcheck = effective(stages, name, 'HEALTHCHECK')!;
      const probe = execForm(healthcheck.slice(healthcheck.indexOf('CMD ') + 4));
      const checked = spawnSync(process.execPath, probe.slice(1), { cwd: dir, env, timeout: 10_000 });
      expect(checked.status).toBe(0);

      const linesBefore = started.output.join('').split('\n').length;
      const stopping = Date.now();
      started.kill('SIGTERM');
      const exit = await started.exit;
      const tookMs = Date.now() - stopping;
      // Nest runs its shutdown hooks, then re-raises the signal: the process ends by SIGTERM (or exits 0).
      expect(exit.signal === 'SIGTERM' || exit.code === 0).toBe(true);
      expect(tookMs).toBeLessThan((grace.get(name) ?? 30) * 1000);
      const afterSignal = started.output
        .join('')
        .split('\n')
        .slice(linesBefore - 1);
      expect(afterSignal.filter((line) => /"level":"(error|fatal)"/.test(line))).toEqual([]);
    },
  );
});
