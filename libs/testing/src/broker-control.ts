import { execFile } from 'node:child_process';
import { connect } from 'node:net';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Stops and starts the local RabbitMQ for tests that prove recovery. Only for suites that
 * run alone (the `restart` target): every other suite would see the outage too.
 *
 * `rabbitmqctl stop_app` stops the broker application (every connection drops, in-memory
 * state goes; durable queues and persistent messages stay on disk) without stopping the
 * Erlang node, so `start_app` brings it back in a second or two.
 */
export const brokerControl = {
  async stop(): Promise<void> {
    await run('rabbitmqctl', ['-q', 'stop_app'], { timeout: 60_000 });
  },

  async start(): Promise<void> {
    await run('rabbitmqctl', ['-q', 'start_app'], { timeout: 60_000 });
    await run('rabbitmqctl', ['-q', 'await_startup'], { timeout: 60_000 });
    await waitForPort(5672, 30_000);
  },

  /** True when rabbitmqctl is usable here (root, local broker). */
  async available(): Promise<boolean> {
    try {
      await run('rabbitmq-diagnostics', ['-q', 'ping'], { timeout: 30_000 });
      return true;
    } catch {
      return false;
    }
  },
};

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port }, () => {
        socket.end();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`port ${port} did not open within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
