// One-shot migrations for the `migrations` image (docker compose, the Kubernetes Job):
//   node migrate.cjs ingress token authorizer
// Each app applies its own migrations while it starts (libs/database, migrationsRun) and only then
// answers /health/ready, so this starts each app's bundle (/app/<app>/main.cjs, with that app's own
// node_modules) on loopback, waits until it is ready, stops it with SIGTERM and moves on. Apps run one
// after the other; the first failure ends the run with exit code 1, so the apps that depend on this
// step do not start. (A dedicated `migrate` entry point in each app would make this a plain
// `node migrate.cjs` per image; see docs/adr/0009.)
const { spawn } = require('node:child_process');
const { createServer } = require('node:net');
const { join } = require('node:path');

const PORT_VARIABLES = {
  ingress: ['INGRESS_HTTP_HOST', 'INGRESS_HTTP_PORT'],
  token: ['TOKEN_HTTP_HOST', 'TOKEN_HTTP_PORT'],
  authorizer: ['AUTHORIZER_HTTP_HOST', 'AUTHORIZER_HTTP_PORT'],
};
const READY_TIMEOUT_MS = Number(process.env.WXOP_MIGRATE_TIMEOUT_MS || 120000);

function log(fields) {
  process.stdout.write(
    `${JSON.stringify({ time: new Date().toISOString(), service: 'migrations', ...fields })}\n`,
  );
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

async function migrate(app, root) {
  const variables = PORT_VARIABLES[app];
  if (!variables) throw new Error(`unknown app "${app}" (known: ${Object.keys(PORT_VARIABLES).join(', ')})`);
  const port = await freePort();
  const started = Date.now();
  const child = spawn(process.execPath, ['main.cjs'], {
    cwd: join(root, app),
    env: { ...process.env, [variables[0]]: '127.0.0.1', [variables[1]]: String(port) },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  let exit;
  void exited.then((result) => (exit = result));
  for (;;) {
    if (exit) throw new Error(`${app} exited before it was ready (${exit.signal ?? `code ${exit.code}`})`);
    const ready = await fetch(`http://127.0.0.1:${port}/health/ready`, {
      signal: AbortSignal.timeout(2000),
    }).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() - started > READY_TIMEOUT_MS) {
      child.kill('SIGKILL');
      throw new Error(`${app} was not ready within ${READY_TIMEOUT_MS} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  child.kill('SIGTERM');
  const { code, signal } = await exited;
  if (!(code === 0 || signal === 'SIGTERM' || code === 143)) {
    throw new Error(`${app} did not stop cleanly (${signal ?? `code ${code}`})`);
  }
  log({ level: 'info', msg: 'migrations applied', app, ms: Date.now() - started });
}

async function main() {
  const apps = process.argv.slice(2);
  if (apps.length === 0) throw new Error('usage: node migrate.cjs <app> [app…]');
  const root = process.env.WXOP_APPS_DIR || __dirname;
  for (const app of apps) await migrate(app, root);
}

main().then(
  () => process.exit(0),
  (error) => {
    log({ level: 'error', msg: 'migrations failed', reason: error.message });
    process.exit(1);
  },
);
