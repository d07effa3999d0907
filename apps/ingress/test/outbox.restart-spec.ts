import {
  brokerControl,
  deleteBrokerObjects,
  drainQueue,
  parkEvents,
  uniqueRunId,
  waitUntil,
} from '@wxop/testing';
import { DataSource } from 'typeorm';

import { OutboxRelayService } from '../src/outbox/outbox-relay.service';
import { COMPONENT, push, startIngress, ticketXml, type StartedIngress } from './ingress-test.util';

const namespace = `${uniqueRunId()}.`;
const events = `/wechat/components/${COMPONENT}/events`;
const parked = `${namespace}ingress-restart.parked`;

async function outboxDepth(ingress: StartedIngress): Promise<number> {
  const [row] = (await ingress.database.dataSource.query('SELECT COUNT(*) AS n FROM ingress_outbox')) as {
    n: string;
  }[];
  return Number(row!.n);
}

describe('ingress when the broker (and the database) go away', () => {
  let ingress: StartedIngress;

  beforeAll(async () => {
    if (!(await brokerControl.available()))
      throw new Error('this suite stops and starts the local RabbitMQ with rabbitmqctl');
    ingress = await startIngress(namespace, {
      INGRESS_PUBLISH_TIMEOUT_MS: '300',
      INGRESS_OUTBOX_RELAY_INTERVAL_MS: '250',
    });
    // A durable queue nobody consumes receives every published push, across the restart.
    await parkEvents(parked, ['wechat.#'], { namespace });
  });

  afterAll(async () => {
    await brokerControl.start().catch(() => undefined);
    await ingress?.close();
    await deleteBrokerObjects({
      queues: [parked],
      exchanges: [`${namespace}wxop.events`, `${namespace}wxop.rpc`],
    }).catch(() => undefined);
  });

  it('answers 200 through the outbox while the broker is down, and publishes oldest first when it returns', async () => {
    await brokerControl.stop();
    const tickets = ['ticket@@@a', 'ticket@@@b', 'ticket@@@c'];
    for (const [i, ticket] of tickets.entries()) {
      const response = await push(ingress.url, events, ticketXml(ticket, 1_763_800_100 + i));
      expect(response.status).toBe(200);
      expect(await response.text()).toBe('success');
    }
    // WeChat's retry of the first push while the broker is still down: stored once.
    expect(
      (await push(ingress.url, events, ticketXml('ticket@@@a', 1_763_800_100), { nonce: 'retry' })).status,
    ).toBe(200);
    expect(await outboxDepth(ingress)).toBe(3);
    // Kept sealed (libs/secrets): no ticket and no decrypted XML in the database.
    const stored = (await ingress.database.dataSource.query('SELECT payload FROM ingress_outbox')) as {
      payload: string;
    }[];
    for (const { payload } of stored) {
      expect(payload).toMatch(/^v1\.k1\./);
      for (const clear of [...tickets, '<xml>', 'ComponentVerifyTicket'])
        expect(payload).not.toContain(clear);
    }
    const metrics = await (await fetch(`${ingress.url}/metrics`)).text();
    expect(metrics).toMatch(
      /wxop_ingress_pushes_total\{kind="component",result="outbox",service="ingress"\} 4/,
    );

    await brokerControl.start();
    await waitUntil(async () => (await outboxDepth(ingress)) === 0, 30_000, 'the outbox to drain');
    const delivered = (await drainQueue(parked)).map(
      (m) => JSON.parse(m.content.toString()) as { data: { ComponentVerifyTicket: string } },
    );
    expect(delivered.map((e) => e.data.ComponentVerifyTicket)).toEqual(tickets);
  });

  it('answers 503 when neither the broker nor the database can keep the push, and publishes nothing later', async () => {
    const dataSource = ingress.app.get(DataSource);
    await brokerControl.stop();
    await dataSource.destroy();
    try {
      const started = Date.now();
      const response = await push(ingress.url, events, ticketXml('ticket@@@lost', 1_763_800_200));
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({ error: 'NOT_STORED' });
      expect(Date.now() - started).toBeLessThan(5000);
      expect((await fetch(`${ingress.url}/health/ready`)).status).toBe(503);
    } finally {
      await brokerControl.start();
      await dataSource.initialize();
    }
    await ingress.app.get(OutboxRelayService).flush();
    expect(await drainQueue(parked)).toHaveLength(0);
    expect((await push(ingress.url, events, ticketXml('ticket@@@back', 1_763_800_201))).status).toBe(200);
  });
});
