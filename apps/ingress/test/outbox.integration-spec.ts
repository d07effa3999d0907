import { createEnvelope, rawPushId } from '@wxop/contracts';
import {
  deleteBrokerObjects,
  drainQueue,
  parkEvents,
  uniqueRunId,
  waitUntil,
  type TestDatabase,
} from '@wxop/testing';
import { createServer, type AddressInfo } from 'node:net';

import { outboxContext } from '../src/outbox/outbox-payload.util';
import {
  COMPONENT,
  createIngressDatabase,
  push,
  secretBox,
  startIngress,
  ticketXml,
  type StartedIngress,
} from './ingress-test.util';

const namespace = `${uniqueRunId()}.`;
const events = `/wechat/components/${COMPONENT}/events`;
const parked = `${namespace}ingress-outbox.parked`;

interface StoredRow {
  id: string;
  event_id: string;
  payload: string;
  attempts: number;
  last_error: string | null;
}

/** A local port nothing listens on: a publisher pointed there never gets a confirm, as while the broker is down. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * The outbox path without stopping the shared broker (the restart suite does that): one ingress
 * whose broker URL goes nowhere stores the pushes, a second one on the same database relays them.
 */
describe('ingress outbox on the real database', () => {
  let database: TestDatabase;
  let ingress: StartedIngress | undefined;

  const rows = async (): Promise<StoredRow[]> =>
    (await database.dataSource.query(
      'SELECT id, event_id, payload, attempts, last_error FROM ingress_outbox ORDER BY id',
    )) as StoredRow[];

  beforeAll(async () => {
    database = await createIngressDatabase();
    await parkEvents(parked, ['wechat.#'], { namespace });
  });

  afterEach(async () => {
    await ingress?.close();
    ingress = undefined;
  });

  afterAll(async () => {
    await database?.drop();
    await deleteBrokerObjects({
      queues: [parked],
      exchanges: [`${namespace}wxop.events`, `${namespace}wxop.rpc`],
    }).catch(() => undefined);
  });

  it('keeps a push it cannot publish sealed: neither the ticket nor the decrypted XML is in the row', async () => {
    ingress = await startIngress(
      namespace,
      {
        RABBITMQ_URL: `amqp://guest:guest@127.0.0.1:${await closedPort()}`,
        INGRESS_PUBLISH_TIMEOUT_MS: '200',
        // Nothing to relay to: keep the relay out of the way.
        INGRESS_OUTBOX_RELAY_INTERVAL_MS: '600000',
      },
      database,
    );
    const inner = ticketXml('ticket@@@sealed-at-rest', 1_763_800_300);
    const response = await push(ingress.url, events, inner);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('success');

    const [row, ...others] = await rows();
    expect(others).toEqual([]);
    expect(row!.payload).toMatch(/^v1\.k1\.[A-Za-z0-9_.-]+$/);
    for (const clear of ['ticket@@@sealed-at-rest', inner, '<xml>', 'ComponentVerifyTicket', COMPONENT]) {
      expect(row!.payload).not.toContain(clear);
    }
    // Sealed for this row's event: it opens with the event id as context, and with no other.
    const opened = JSON.parse(secretBox.decrypt(row!.payload, outboxContext(row!.event_id))) as {
      id: string;
      data: { ComponentVerifyTicket: string; raw: string };
    };
    expect(opened).toMatchObject({
      id: row!.event_id,
      data: { ComponentVerifyTicket: 'ticket@@@sealed-at-rest', raw: inner },
    });
    expect(() => secretBox.decrypt(row!.payload, outboxContext(uniqueRunId()))).toThrow();
  });

  it('relays sealed rows and rows left in clear by the version before, oldest first; keeps a row moved to another event', async () => {
    // What the version before sealing wrote: the envelope as plain JSON.
    const fields = {
      AppId: COMPONENT,
      CreateTime: 1_763_800_301,
      InfoType: 'component_verify_ticket',
      ComponentVerifyTicket: 'ticket@@@from-before-the-upgrade',
    };
    const legacy = createEnvelope(
      'wechat.component.component_verify_ticket',
      { ...fields, raw: ticketXml(fields.ComponentVerifyTicket, fields.CreateTime) },
      { id: rawPushId({ componentAppid: COMPONENT, fields }), componentAppid: COMPONENT },
    );
    await database.dataSource.query(
      'INSERT INTO ingress_outbox (event_id, routing_key, payload) VALUES (?, ?, ?)',
      [legacy.id, legacy.type, JSON.stringify(legacy)],
    );
    // The sealed payload of the first test copied to a row of another event: it must not open there.
    const [sealed] = await rows();
    const movedId = '00000000-0000-5000-8000-000000000001';
    await database.dataSource.query(
      'INSERT INTO ingress_outbox (event_id, routing_key, payload) VALUES (?, ?, ?)',
      [movedId, 'wechat.component.component_verify_ticket', sealed!.payload],
    );

    ingress = await startIngress(namespace, { INGRESS_OUTBOX_RELAY_INTERVAL_MS: '100' }, database);
    await waitUntil(async () => (await rows()).length === 1, 30_000, 'the outbox to relay what opens');
    const delivered = (await drainQueue(parked)).map(
      (message) => JSON.parse(message.content.toString()) as { id: string; data: Record<string, string> },
    );
    expect(delivered.map((event) => [event.id, event.data['ComponentVerifyTicket']])).toEqual([
      [sealed!.event_id, 'ticket@@@sealed-at-rest'],
      [legacy.id, 'ticket@@@from-before-the-upgrade'],
    ]);
    await waitUntil(async () => (await rows())[0]!.attempts > 0, 10_000, 'the kept row to record why');
    const [kept] = await rows();
    expect(kept).toMatchObject({
      event_id: movedId,
      last_error: expect.stringMatching(/^cannot be opened: TAMPERED/),
    });
    expect(await drainQueue(parked)).toEqual([]);
  });
});
