// One-shot migrations for the `migrations` image (docker compose, the Kubernetes Job):
//   node migrate.cjs ingress token authorizer
// Runs each app's own migrate entry, `node main.cjs migrate` in /app/<app> (that app's bundle and
// node_modules): it connects to the app's database, applies the pending migrations under the
// database's named lock (libs/database, docs/adr/0012), prints one line per migration and exits,
// without HTTP, the broker or schedulers. Apps run one after the other; the first failure ends the
// run with exit code 1, so the apps that depend on this step (with DB_MIGRATIONS_RUN=false) do not start.
const { spawn } = require('node:child_process');
const { existsSync } = require('node:fs');
const { join } = require('node:path');

function log(fields) {
  process.stdout.write(
    `${JSON.stringify({ time: new Date().toISOString(), service: 'migrations', ...fields })}\n`,
  );
}

let running;
// The container's stop signal reaches this process only: pass it on, so a migration is not orphaned.
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => (running ? running.kill(signal) : process.exit(1)));
}

function migrate(app, root) {
  const dir = join(root, app);
  if (!existsSync(join(dir, 'main.cjs')))
    throw new Error(`no ${join(dir, 'main.cjs')} (unknown app "${app}"?)`);
  const started = Date.now();
  running = spawn(process.execPath, ['main.cjs', 'migrate'], {
    cwd: dir,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    running.once('error', reject);
    running.once('exit', (code, signal) => {
      running = undefined;
      if (code === 0) {
        log({ level: 'info', msg: 'migrations done', app, ms: Date.now() - started });
        resolve();
      } else reject(new Error(`${app}: node main.cjs migrate ended with ${signal ?? `code ${code}`}`));
    });
  });
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
