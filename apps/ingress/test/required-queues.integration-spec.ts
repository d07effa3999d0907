import { EVENTS_EXCHANGE, QueueNames } from '@wxop/contracts';
import {
  BrokerProbe,
  deleteBrokerObjects,
  drainQueue,
  parkEvents,
  sleep,
  uniqueRunId,
  waitUntil,
} from '@wxop/testing';

import { COMPONENT, push, startIngress, ticketXml, type StartedIngress } from './ingress-test.util';

const events = `/wechat/components/${COMPONENT}/events`;

/**
 * A new broker (first deployment, or one that lost its queues): ingress must not answer WeChat
 * `success` for a push no consumer queue receives (ADR 0026).
 */
describe('ingress and the consumer queues that must receive its pushes', () => {
  const namespace = `${uniqueRunId()}.`;
  const tokenQueue = `${namespace}${QueueNames.TokenComponentPushes}`;
  const started: StartedIngress[] = [];
  const start = async (env: Record<string, string>) => {
    const ingress = await startIngress(namespace, env);
    started.push(ingress);
    return ingress;
  };
  const readiness = async (ingress: StartedIngress) => {
    const response = await fetch(`${ingress.url}/health/ready`);
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const outboxRows = async (ingress: StartedIngress) =>
    Number(
      (
        (await ingress.database.dataSource.query('SELECT COUNT(*) AS n FROM ingress_outbox')) as {
          n: string;
        }[]
      )[0]!.n,
    );

  afterAll(async () => {
    await Promise.all(started.map((ingress) => ingress.close()));
    await deleteBrokerObjects({
      queues: [tokenQueue],
      exchanges: [`${namespace}${EVENTS_EXCHANGE}`, `${namespace}wxop.rpc`],
    });
  });

  it('answers 503 and publishes nothing until the required queue exists, then accepts and delivers to it', async () => {
    // A subscriber is bound: without the requirement the push would be routed and answered success.
    const probe = await BrokerProbe.bind(['wechat.#'], { namespace });
    try {
      const ingress = await start({
        INGRESS_REQUIRED_QUEUES: QueueNames.TokenComponentPushes,
        INGRESS_REQUIRED_QUEUES_CHECK_MS: '100',
      });
      await waitUntil(
        async () => JSON.stringify((await readiness(ingress)).body).includes('not declared yet'),
        5000,
        'the first check',
      );
      const notReady = await readiness(ingress);
      expect(notReady.status).toBe(503);
      expect(notReady.body).toMatchObject({
        error: {
          'consumer-queues': {
            status: 'down',
            message: `consumer queues not declared yet: ${QueueNames.TokenComponentPushes}`,
          },
        },
      });

      const refused = await push(ingress.url, events, ticketXml('ticket@@@before-token'));
      expect(refused.status).toBe(503);
      expect(await refused.json()).toMatchObject({ error: 'CONSUMERS_MISSING' });
      await sleep(500);
      expect(probe.messages).toHaveLength(0);
      expect(await outboxRows(ingress)).toBe(0);

      // The token service starts and declares its queue (as EventConsumers does).
      await parkEvents(tokenQueue, ['wechat.component.#'], { namespace });
      await waitUntil(async () => (await readiness(ingress)).status === 200, 5000, 'ingress to be ready');
      expect((await readiness(ingress)).body).toMatchObject({
        info: { 'consumer-queues': { status: 'up', queues: [QueueNames.TokenComponentPushes] } },
      });

      const accepted = await push(ingress.url, events, ticketXml('ticket@@@after-token'));
      expect(accepted.status).toBe(200);
      expect(await accepted.text()).toBe('success');
      let delivered: Awaited<ReturnType<typeof drainQueue>> = [];
      await waitUntil(
        async () => (delivered = [...delivered, ...(await drainQueue(tokenQueue))]).length > 0,
        5000,
        'the queue',
      );
      expect(delivered.map((message) => JSON.parse(message.content.toString('utf8')))).toMatchObject([
        {
          type: 'wechat.component.component_verify_ticket',
          data: { ComponentVerifyTicket: 'ticket@@@after-token' },
        },
      ]);
      // The next test needs a namespace where no queue receives component pushes.
      await deleteBrokerObjects({ queues: [tokenQueue] });
    } finally {
      await probe.close();
    }
  });

  it('answers 503 for a push the broker routes to no queue, and stores nothing; success once a queue is bound', async () => {
    const ingress = await start({ INGRESS_REQUIRED_QUEUES: 'none' });
    await waitUntil(async () => (await readiness(ingress)).status === 200, 5000, 'ingress to be ready');
    expect((await readiness(ingress)).body).not.toHaveProperty('info.consumer-queues');

    const ticket = ticketXml('ticket@@@nobody-listens', Math.floor(Date.now() / 1000));
    const refused = await push(ingress.url, events, ticket);
    expect(refused.status).toBe(503);
    expect(await refused.json()).toMatchObject({ error: 'UNROUTABLE' });
    expect(await outboxRows(ingress)).toBe(0);

    const probe = await BrokerProbe.bind(['wechat.component.*'], { namespace });
    try {
      // WeChat's retry of the same push (same content, same event id) now has a receiver.
      const retried = await push(ingress.url, events, ticket);
      expect(retried.status).toBe(200);
      const [envelope] = await probe.waitFor(1);
      expect(envelope).toMatchObject({ data: { ComponentVerifyTicket: 'ticket@@@nobody-listens' } });
    } finally {
      await probe.close();
    }
  });
});
