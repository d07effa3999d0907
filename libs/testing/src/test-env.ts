import { randomBytes } from 'node:crypto';

/** Connection settings of the shared test servers; the same variables as the apps. */
export const testEnv = {
  dbHost: process.env['DB_HOST'] || '127.0.0.1',
  dbPort: Number(process.env['DB_PORT'] || 3306),
  dbUser: process.env['DB_USER'] || 'root',
  dbPassword: process.env['DB_PASSWORD'] || '',
  rabbitUrl: process.env['RABBITMQ_URL'] || 'amqp://guest:guest@127.0.0.1:5672',
};

/**
 * A name unique to this test run and worker (`t<time><random>`), used as database name
 * suffix and broker namespace so suites can share one MariaDB and one RabbitMQ.
 */
export function uniqueRunId(): string {
  return `t${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
}

/** Polls `condition` until it holds or the time is up (then throws with `what`). */
export async function waitUntil(
  condition: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
