import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

import { deleteBrokerObjects } from './broker-probe';
import { testEnv } from './test-env';

const run = promisify(execFile);

/**
 * Deletes every queue and exchange of one test namespace (`<run id>.`): the ones a stack's apps
 * declare by name, and the ones only the broker knows, such as the per-delay retry queues
 * (`<queue>.retry.<delay>`) libs/messaging declares on a consumer's first retry. Those are listed
 * with `rabbitmqctl` when it is usable here (the local broker); without it only `known` go.
 */
export async function deleteNamespaceObjects(
  namespace: string,
  known: { queues: string[]; exchanges: string[] },
): Promise<void> {
  if (!namespace.endsWith('.') || namespace.length < 3)
    throw new Error(`refusing to clean namespace ${JSON.stringify(namespace)}`);
  const listed = async (what: 'queues' | 'exchanges'): Promise<string[]> => {
    try {
      const { stdout } = await run('rabbitmqctl', ['-q', '--no-table-headers', `list_${what}`, 'name'], {
        timeout: 30_000,
      });
      return stdout.split('\n').map((line) => line.trim());
    } catch {
      return [];
    }
  };
  const mine = (names: string[]) => names.filter((name) => name.startsWith(namespace));
  const queues = new Set([...known.queues.map((q) => namespace + q), ...mine(await listed('queues'))]);
  const exchanges = new Set([
    ...known.exchanges.map((e) => namespace + e),
    ...mine(await listed('exchanges')),
  ]);
  await deleteBrokerObjects({ queues: [...queues], exchanges: [...exchanges] }, testEnv.rabbitUrl);
}
