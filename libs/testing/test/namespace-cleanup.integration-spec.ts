import { connect } from 'amqplib';

import { deleteNamespaceObjects, testEnv, uniqueRunId } from '../src';

/** Whether a queue or exchange exists (a passive check closes its channel when it does not). */
async function exists(kind: 'queue' | 'exchange', name: string): Promise<boolean> {
  const connection = await connect(testEnv.rabbitUrl);
  try {
    const channel = await connection.createChannel();
    channel.on('error', () => undefined);
    try {
      if (kind === 'queue') await channel.checkQueue(name);
      else await channel.checkExchange(name);
      await channel.close();
      return true;
    } catch {
      return false;
    }
  } finally {
    await connection.close();
  }
}

describe('deleteNamespaceObjects', () => {
  it('deletes the named objects of a namespace and the per-delay retry queues only the broker knows, nothing of another namespace', async () => {
    const namespace = `${uniqueRunId()}.`;
    const other = `${uniqueRunId()}.`;
    const connection = await connect(testEnv.rabbitUrl);
    const channel = await connection.createChannel();
    const declared = [
      `${namespace}code-release.audit-results`,
      `${namespace}code-release.audit-results.retry.5s`,
      `${namespace}code-release.audit-results.retry.1m`,
      `${other}code-release.audit-results.retry.5s`,
    ];
    for (const queue of declared) await channel.assertQueue(queue, { durable: false });
    await channel.assertExchange(`${namespace}wxop.events`, 'topic', { durable: false });
    await connection.close();
    try {
      await deleteNamespaceObjects(namespace, {
        queues: ['code-release.audit-results'],
        exchanges: ['wxop.events'],
      });
      expect(await Promise.all(declared.map((queue) => exists('queue', queue)))).toEqual([
        false,
        false,
        false,
        true,
      ]);
      expect(await exists('exchange', `${namespace}wxop.events`)).toBe(false);
    } finally {
      await deleteNamespaceObjects(other, { queues: [], exchanges: [] });
    }
  });

  it('refuses a namespace that is not one (it would match every queue)', async () => {
    await expect(deleteNamespaceObjects('', { queues: [], exchanges: [] })).rejects.toThrow(
      'refusing to clean namespace',
    );
  });
});
