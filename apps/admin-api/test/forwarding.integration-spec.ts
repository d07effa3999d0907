import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';

import { createEnvelope, EVENTS_EXCHANGE, QueueNames } from '@wxop/contracts';
import {
  createTestDatabase,
  deleteNamespaceObjects,
  freePort,
  isRouted,
  publishTestEvent,
  sleep,
  waitUntil,
  type TestDatabase,
} from '@wxop/testing';

import { ADMIN_API_MIGRATIONS } from '../src/database/migrations';
import { adminCall, loginAs, startAdminApi, type AdminApiProcess } from './admin-test.util';

/** One POST a receiver got, with what its signature header verified against. */
interface Received {
  eventId: string;
  eventType: string;
  signatures: string[];
  timestamp: number;
  body: string;
  test: boolean;
}

/**
 * A subscriber as a person would write one: checks the signature over `<timestamp>.<body>` with
 * its secret(s) and the 5-minute window, answers per `answer`, or is not listening at all.
 */
class Receiver {
  readonly received: Received[] = [];
  /** Status for the nth POST (0-based) of an event id; 200 when it returns undefined. */
  answer: (attemptOfEvent: number) => number | undefined = () => 200;
  secrets: string[] = [];
  /** Reads each request and never answers it (a target that hangs until the sender's timeout). */
  hangs = false;
  badSignatures = 0;
  private server?: Server;
  private readonly perEvent = new Map<string, number>();

  constructor(readonly port: number) {
    receivers.push(this);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/hook`;
  }

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      void readBody(request).then((body) => {
        const timestamp = Number(request.headers['x-wxop-timestamp']);
        const signatures = String(request.headers['x-wxop-signature'] ?? '').split(' ');
        const expected = this.secrets.map(
          (secret) => `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`,
        );
        const fresh = Math.abs(Date.now() / 1000 - timestamp) <= 300;
        if (!fresh || !signatures.some((signature) => expected.includes(signature))) {
          this.badSignatures++;
          response.writeHead(401).end('bad signature');
          return;
        }
        if (this.hangs) return;
        const eventId = String(request.headers['x-wxop-event-id']);
        const seen = this.perEvent.get(eventId) ?? 0;
        this.perEvent.set(eventId, seen + 1);
        const status = this.answer(seen) ?? 200;
        if (status >= 200 && status < 300) {
          this.received.push({
            eventId,
            eventType: String(request.headers['x-wxop-event-type']),
            signatures,
            timestamp,
            body,
            test: request.headers['x-wxop-test'] === '1',
          });
        }
        response.writeHead(status, { 'content-type': 'text/plain' }).end(`answer ${status}`);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  deliveredIds(): Set<string> {
    return new Set(this.received.map((entry) => entry.eventId));
  }
}

const receivers: Receiver[] = [];

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

interface RuleAnswer {
  rule: { id: string; name: string; bindingsPending?: boolean };
  secret: string;
}
interface DeliveryPage {
  items: { id: string; eventId: string; state: string; attempts: number }[];
  total: number;
}
interface DeliveryDetail {
  state: string;
  attempts: number;
  attemptLog: {
    attempt: number;
    statusCode?: number;
    error?: string;
    responseHead?: string;
    latencyMs: number;
  }[];
}

const COMPONENT = 'wx_fwd_component';

/** What admin-api declares by name (deleteNamespaceObjects finds the rest with rabbitmqctl). */
const namespaceObjects = {
  queues: [
    QueueNames.AdminApiForwarding,
    QueueNames.AdminApiForwardingDeliveries,
    QueueNames.AdminApiPushLog,
  ].flatMap((queue) => [queue, `${queue}.retry`, `${queue}.dlq`]),
  exchanges: [EVENTS_EXCHANGE],
};

describe('Forwarding to HTTP subscribers - /admin/v1/forwarding/rules', () => {
  let api: AdminApiProcess;
  let token: string;

  beforeAll(async () => {
    api = await startAdminApi({
      env: {
        // Loopback receivers of this test only: everything else private stays refused.
        ADMIN_API_FORWARDING_ALLOWED_CIDRS: '127.0.0.1/32',
        ADMIN_API_FORWARDING_ROTATION_OVERLAP_SECONDS: '3600',
        ADMIN_API_FORWARDING_TIMEOUT_MS: '2000',
        // A short retry policy: 200 ms doubling to 2 s, given up after 60 s (production: 24 h).
        RABBITMQ_RETRY_INITIAL_DELAY_MS: '200',
        RABBITMQ_RETRY_MAX_DELAY_MS: '2000',
        RABBITMQ_RETRY_MAX_TOTAL_SECONDS_BY_QUEUE: `${QueueNames.AdminApiForwardingDeliveries}=60`,
      },
    });
    token = await loginAs(api.url, 'operator');
  });

  afterAll(async () => {
    await Promise.all(receivers.map((receiver) => receiver.stop()));
    await api?.close();
    // Every queue of the run's namespace: the push log's and the delay queues of retries too.
    if (api) await deleteNamespaceObjects(api.namespace, namespaceObjects).catch(() => undefined);
  });

  const call = <T>(method: string, path: string, body?: unknown) =>
    adminCall<T>(api.url, method, `/admin/v1${path}`, { token, body });

  async function createRule(name: string, targetUrl: string, eventPattern: string): Promise<RuleAnswer> {
    const created = await call<RuleAnswer>('POST', '/forwarding/rules', {
      name,
      eventPattern,
      componentAppid: COMPONENT,
      targetUrl,
      concurrency: 4,
    });
    expect(created.status).toBe(201);
    return created.body;
  }

  async function deliveriesOf(ruleId: string, query = ''): Promise<DeliveryPage> {
    const page = await call<DeliveryPage>('GET', `/forwarding/rules/${ruleId}/deliveries?limit=200${query}`);
    expect(page.status).toBe(200);
    return page.body;
  }

  /** Event types outside the registry of CONTRACT.md §2 (so any data is on contract), published as a service would. */
  function publish(type: string, count: number): Promise<string[]> {
    return Promise.all(
      Array.from({ length: count }, async (_, index) => {
        const envelope = createEnvelope(
          type,
          { seq: index },
          { componentAppid: COMPONENT, id: randomUUID() },
        );
        await publishTestEvent(envelope, { namespace: api.namespace });
        return envelope.id;
      }),
    );
  }

  it('refuses targets on private, loopback and link-local addresses that are not allowed', async () => {
    for (const targetUrl of [
      'http://10.0.0.8/hook',
      'http://169.254.169.254/latest/meta-data',
      'http://[::1]:8080/hook',
      'http://[::ffff:192.168.1.1]/hook',
      'http://localhost.:9/hook',
      'ftp://example.com/hook',
    ]) {
      const refused = await call<{ error: string }>('POST', '/forwarding/rules', {
        name: `refused ${targetUrl}`,
        eventPattern: '#',
        targetUrl,
      });
      expect({ targetUrl, status: refused.status }).toEqual({ targetUrl, status: 400 });
      expect(['forwarding_target_refused', 'validation_failed']).toContain(refused.body.error);
    }
  });

  it('delivers every event through failures and a 30 s outage, the log telling the story; rotation, retry one and retry all', async () => {
    const receiver = new Receiver(await freePort());
    // The first two attempts of each event fail (500, then 503); the third succeeds.
    receiver.answer = (attempt) => [500, 503][attempt];
    await receiver.start();
    const main = await createRule('main subscriber', receiver.url, 'test.forwarding.*');
    receiver.secrets = [main.secret];

    const laterPort = await freePort();
    const later = new Receiver(laterPort);
    const down = await createRule('down subscriber', later.url, 'test.release.#');

    const rotated = await createRule('rotating subscriber', receiver.url, 'token.authorizer.issued');

    // 1. Events, first attempts failing; then the receiver goes away for 30 s.
    const firstIds = await publish('test.forwarding.created', 10);
    await waitUntil(
      async () => (await deliveriesOf(main.rule.id)).items.filter((d) => d.attempts >= 2).length === 10,
      20_000,
      'every delivery failed twice',
    );
    await receiver.stop();
    const outageStarted = Date.now();
    const outageIds = await publish('test.forwarding.updated', 10);
    const failingIds = await publish('test.release.released', 3);
    await sleep(30_000 - (Date.now() - outageStarted));
    await receiver.start();

    await waitUntil(
      () => [...firstIds, ...outageIds].every((id) => receiver.deliveredIds().has(id)),
      30_000,
      'every event delivered after the outage',
    );
    expect(receiver.badSignatures).toBe(0);
    // Nothing lost, nothing doubled into the log: one delivery per (rule, event), all delivered.
    await waitUntil(
      async () => (await deliveriesOf(main.rule.id, '&state=delivered')).total === 20,
      10_000,
      'the log showing 20 deliveries delivered',
    );
    expect((await deliveriesOf(main.rule.id)).total).toBe(20);
    // Events of other types or components were not delivered to this rule.
    expect(receiver.received.every((entry) => entry.eventType.startsWith('test.forwarding.'))).toBe(true);

    const outageDelivery = (await deliveriesOf(main.rule.id)).items.find((d) => d.eventId === outageIds[0])!;
    const detail = await call<DeliveryDetail>(
      'GET',
      `/forwarding/rules/${main.rule.id}/deliveries/${outageDelivery.id}`,
    );
    expect(detail.body.state).toBe('delivered');
    const log = detail.body.attemptLog;
    // Each failure logged: the first answers, connection errors while down, then 200 with the response's start.
    expect(log.length).toBeGreaterThanOrEqual(3);
    expect(log.map((entry) => entry.attempt)).toEqual(log.map((_, index) => index + 1));
    expect(log.at(-1)).toMatchObject({ statusCode: 200, responseHead: 'answer 200' });
    expect(log.some((entry) => entry.statusCode === undefined && entry.error)).toBe(true);
    const firstDelivery = (await deliveriesOf(main.rule.id)).items.find((d) => d.eventId === firstIds[0])!;
    const firstLog = (
      await call<DeliveryDetail>('GET', `/forwarding/rules/${main.rule.id}/deliveries/${firstDelivery.id}`)
    ).body.attemptLog;
    expect(firstLog.slice(0, 2).map((entry) => entry.statusCode)).toEqual([500, 503]);
    expect(firstLog[0]!.responseHead).toBe('answer 500');

    // 2. The down subscriber's deliveries were given up after the policy (60 s here) and marked failed.
    await waitUntil(
      async () => (await deliveriesOf(down.rule.id, '&state=failed')).total === 3,
      60_000,
      'the down subscriber marked failed',
    );
    const failing = await call<{ ruleId: string }[]>('GET', '/forwarding/failing-rules');
    expect(failing.status).toBe(200);
    expect(failing.body.map((rule) => rule.ruleId)).toContain(down.rule.id);

    // Retry one, then all failed: the subscriber is up now.
    later.secrets = [down.secret];
    await later.start();
    const [one, ...rest] = (await deliveriesOf(down.rule.id, '&state=failed')).items;
    const retried = await call<{ state: string }>(
      'POST',
      `/forwarding/rules/${down.rule.id}/deliveries/${one!.id}/retry`,
    );
    expect(retried.status).toBe(202);
    await waitUntil(() => later.deliveredIds().has(one!.eventId), 10_000, 'the retried delivery');
    const bulk = await call<{ count: number }>(
      'POST',
      `/forwarding/rules/${down.rule.id}/deliveries/retry-failed`,
      {
        eventType: 'test.release.released',
      },
    );
    expect(bulk.body).toEqual({ count: rest.length });
    await waitUntil(
      () => failingIds.every((id) => later.deliveredIds().has(id)),
      10_000,
      'every failed delivery',
    );
    // The receiver has answered; admin-api records the attempt just after, so wait for the log.
    await waitUntil(
      async () => (await deliveriesOf(down.rule.id, '&state=delivered')).total === 3,
      10_000,
      'every retried delivery recorded as delivered',
    );
    expect((await deliveriesOf(down.rule.id, '&state=delivered')).total).toBe(3);
    await later.stop();

    // 3. Rotation: during the overlap both signatures are sent, each valid for its own secret.
    const rotation = await adminCall<{ secret: string }>(
      api.url,
      'POST',
      `/admin/v1/forwarding/rules/${rotated.rule.id}/secret/rotate`,
      { token: await loginAs(api.url, 'admin') },
    );
    expect(rotation.status).toBe(200);
    receiver.secrets = [rotated.secret, rotation.body.secret];
    receiver.answer = () => 200;
    const sent = await call<{ eventId: string }>('POST', `/forwarding/rules/${rotated.rule.id}/test`, {
      eventType: 'token.authorizer.issued',
    });
    expect(sent.status).toBe(202);
    await waitUntil(() => receiver.deliveredIds().has(sent.body.eventId), 10_000, 'the test event');
    const testDelivery = receiver.received.find((entry) => entry.eventId === sent.body.eventId)!;
    expect(testDelivery.test).toBe(true);
    expect(testDelivery.signatures).toHaveLength(2);
    const sign = (secret: string) =>
      `v1=${createHmac('sha256', secret).update(`${testDelivery.timestamp}.${testDelivery.body}`).digest('hex')}`;
    expect(testDelivery.signatures).toEqual([sign(rotation.body.secret), sign(rotated.secret)]);
    await receiver.stop();
  }, 240_000);

  it('retries all failed deliveries of a filter in bulk, past one batch (1,500)', async () => {
    const receiver = new Receiver(await freePort());
    await receiver.start();
    const bulk = await createRule('bulk subscriber', receiver.url, 'test.bulk.#');
    receiver.secrets = [bulk.secret];
    const count = 1500;
    const envelopes = Array.from({ length: count }, (_, seq) =>
      createEnvelope(
        seq % 2 === 0 ? 'test.bulk.even' : 'test.bulk.odd',
        { seq },
        { componentAppid: COMPONENT },
      ),
    );
    // Deliveries as a long outage leaves them: failed, waiting for an operator.
    for (let offset = 0; offset < count; offset += 500) {
      const chunk = envelopes.slice(offset, offset + 500);
      await api.database.dataSource.query(
        `INSERT INTO forwarding_deliveries (rule_id, event_id, event_type, envelope, state, attempts, last_error,
           created_at, updated_at)
         VALUES ${chunk.map(() => "(?, ?, ?, ?, 'failed', 3, 'ECONNREFUSED', UTC_TIMESTAMP(3), UTC_TIMESTAMP(3))").join(', ')}`,
        chunk.flatMap((envelope) => [bulk.rule.id, envelope.id, envelope.type, JSON.stringify(envelope)]),
      );
    }
    const odd = await call<{ count: number }>(
      'POST',
      `/forwarding/rules/${bulk.rule.id}/deliveries/retry-failed`,
      {
        eventType: 'test.bulk.odd',
      },
    );
    expect(odd.body).toEqual({ count: count / 2 });
    const rest = await call<{ count: number }>(
      'POST',
      `/forwarding/rules/${bulk.rule.id}/deliveries/retry-failed`,
      {},
    );
    expect(rest.body).toEqual({ count: count / 2 });
    await waitUntil(() => receiver.deliveredIds().size === count, 120_000, 'every retried delivery');
    expect(receiver.badSignatures).toBe(0);
    await waitUntil(
      async () => (await deliveriesOf(bulk.rule.id, '&state=delivered')).total === count,
      20_000,
      'the log showing every delivery delivered',
    );
    await receiver.stop();
  }, 180_000);

  it('clears an authorizer filter with null (PATCH), after which the rule takes every authorizer', async () => {
    const receiver = new Receiver(await freePort());
    await receiver.start();
    // The witness takes every event of the pattern: once it has one, the filtered rule has decided too.
    const witness = await createRule('filter witness', receiver.url, 'test.filter.*');
    const filtered = await call<RuleAnswer>('POST', '/forwarding/rules', {
      name: 'filtered subscriber',
      eventPattern: 'test.filter.*',
      componentAppid: COMPONENT,
      authorizerAppid: 'wx_fwd_only_this',
      targetUrl: receiver.url,
    });
    expect(filtered.status).toBe(201);
    receiver.secrets = [witness.secret, filtered.body.secret];
    const ruleId = filtered.body.rule.id;
    const publishFor = async (authorizerAppid: string): Promise<string> => {
      const envelope = createEnvelope(
        'test.filter.created',
        { probe: true },
        { componentAppid: COMPONENT, authorizerAppid, id: randomUUID() },
      );
      await publishTestEvent(envelope, { namespace: api.namespace });
      return envelope.id;
    };

    const before = await publishFor('wx_fwd_someone_else');
    await waitUntil(
      async () => (await deliveriesOf(witness.rule.id)).total === 1,
      10_000,
      'witness delivery',
    );
    expect((await deliveriesOf(ruleId)).total).toBe(0);

    // null for a field a rule cannot be without is refused, and changes nothing.
    const refused = await call<{ error: string; details: { fields: { field: string }[] } }>(
      'PATCH',
      `/forwarding/rules/${ruleId}`,
      { name: null, authorizerAppid: null },
    );
    expect([refused.status, refused.body.error]).toEqual([400, 'validation_failed']);
    expect(refused.body.details.fields.map((field) => field.field)).toEqual(['name']);

    const cleared = await call<{ componentAppid?: string; authorizerAppid?: string; name: string }>(
      'PATCH',
      `/forwarding/rules/${ruleId}`,
      { authorizerAppid: null },
    );
    expect(cleared.status).toBe(200);
    // Only the cleared filter changed: the component filter and the name stay.
    expect(cleared.body).toMatchObject({ componentAppid: COMPONENT, name: 'filtered subscriber' });
    expect(cleared.body).not.toHaveProperty('authorizerAppid');
    const read = await call<{ authorizerAppid?: string }>('GET', `/forwarding/rules/${ruleId}`);
    expect(read.body).not.toHaveProperty('authorizerAppid');

    const after = await publishFor('wx_fwd_someone_else');
    await waitUntil(
      async () => (await deliveriesOf(ruleId)).total === 1,
      10_000,
      'the unfiltered rule delivery',
    );
    expect((await deliveriesOf(ruleId)).items.map((delivery) => delivery.eventId)).toEqual([after]);
    expect((await deliveriesOf(witness.rule.id)).items.map((delivery) => delivery.eventId).sort()).toEqual(
      [before, after].sort(),
    );
    await receiver.stop();
  }, 60_000);

  it('lets a viewer read rules but not change them', async () => {
    const viewer = await loginAs(api.url, 'viewer');
    const read = await adminCall(api.url, 'GET', '/admin/v1/forwarding/rules', { token: viewer });
    expect(read.status).toBe(200);
    const write = await adminCall(api.url, 'POST', '/admin/v1/forwarding/rules', {
      token: viewer,
      body: { name: 'nope', eventPattern: '#', targetUrl: 'http://127.0.0.1:9/x' },
    });
    expect(write.status).toBe(403);
  });
});

describe('Forwarding - a target that never answers', () => {
  let api: AdminApiProcess;
  let token: string;

  beforeAll(async () => {
    api = await startAdminApi({
      env: {
        ADMIN_API_FORWARDING_ALLOWED_CIDRS: '127.0.0.1/32',
        // Few events in flight, the production timeout: a stalled first attempt would show at once.
        ADMIN_API_FORWARDING_EVENTS_PREFETCH: '4',
        ADMIN_API_FORWARDING_TIMEOUT_MS: '10000',
      },
    });
    token = await loginAs(api.url, 'operator');
  });

  afterAll(async () => {
    await Promise.all(receivers.map((receiver) => receiver.stop()));
    await api?.close();
    // Every queue of the run's namespace: the push log's and the delay queues of retries too.
    if (api) await deleteNamespaceObjects(api.namespace, namespaceObjects).catch(() => undefined);
  });

  const call = <T>(method: string, path: string, body?: unknown) =>
    adminCall<T>(api.url, method, `/admin/v1${path}`, { token, body });

  it("delays no other rule's first deliveries; its own are queued, not lost", async () => {
    const hanging = new Receiver(await freePort());
    hanging.hangs = true;
    await hanging.start();
    const healthy = new Receiver(await freePort());
    await healthy.start();
    const rules: RuleAnswer[] = [];
    for (const [name, receiver, concurrency] of [
      ['hanging subscriber', hanging, 1],
      ['healthy subscriber', healthy, 4],
    ] as const) {
      const created = await call<RuleAnswer>('POST', '/forwarding/rules', {
        name,
        eventPattern: 'test.stall.#',
        componentAppid: COMPONENT,
        targetUrl: receiver.url,
        concurrency,
      });
      expect(created.status).toBe(201);
      receiver.secrets = [created.body.secret];
      rules.push(created.body);
    }

    const started = Date.now();
    const ids = await Promise.all(
      Array.from({ length: 12 }, async (_, index) => {
        const envelope = createEnvelope('test.stall.created', { seq: index }, { componentAppid: COMPONENT });
        await publishTestEvent(envelope, { namespace: api.namespace });
        return envelope.id;
      }),
    );
    // Before: 4 events held behind the hanging rule's one slot (10 s each), the other 8 not even consumed.
    await waitUntil(
      () => ids.every((id) => healthy.deliveredIds().has(id)),
      5_000,
      'the healthy rule got every event while the other target hangs',
    );
    const elapsed = Date.now() - started;
    expect(elapsed).toBeLessThan(5_000);
    expect(healthy.badSignatures).toBe(0);
    // Nothing lost on the hanging rule: one delivery per event, each still pending.
    const page = await call<{ items: { state: string }[]; total: number }>(
      'GET',
      `/forwarding/rules/${rules[0]!.rule.id}/deliveries?limit=200`,
    );
    expect(page.body.total).toBe(12);
    expect(page.body.items.every((delivery) => delivery.state === 'pending')).toBe(true);
  }, 60_000);
});

/** The keys asked about here (`test.bind.*`, `test.gone.*`) match no other queue admin-api declares. */
const routed = (namespace: string, routingKey: string) => isRouted(routingKey, { namespace });

describe("Forwarding - the queue's bindings are the enabled rules' patterns", () => {
  let database: TestDatabase;
  let api: AdminApiProcess | undefined;
  let token: string;
  let namespace: string;
  const bindingEnv = {
    ADMIN_API_FORWARDING_ALLOWED_CIDRS: '127.0.0.1/32',
    ADMIN_API_FORWARDING_TIMEOUT_MS: '2000',
  };

  beforeAll(async () => {
    database = await createTestDatabase({ prefix: 'admin_api_fwd_bind', migrations: ADMIN_API_MIGRATIONS });
    api = await startAdminApi({ database, env: bindingEnv });
    namespace = api.namespace;
    token = await loginAs(api.url, 'operator');
  });

  afterAll(async () => {
    await Promise.all(receivers.map((receiver) => receiver.stop()));
    await api?.close();
    await database?.drop();
    if (namespace)
      await deleteNamespaceObjects(namespace, { queues: [], exchanges: [] }).catch(() => undefined);
  });

  const call = <T>(method: string, path: string, body?: unknown) =>
    adminCall<T>(api!.url, method, `/admin/v1${path}`, { token, body });

  function publishOne(type: string, componentAppid = COMPONENT): Promise<string> {
    const envelope = createEnvelope(type, { probe: true }, { componentAppid, id: randomUUID() });
    return publishTestEvent(envelope, { namespace }).then(() => envelope.id);
  }

  it('binds a created rule before answering, unbinds it when disabled, and reconciles after a restart', async () => {
    // No rule: nothing is routed to the forwarding queue (a push costs the broker the push log only).
    expect(await routed(namespace, 'test.bind.created')).toBe(false);
    expect(await routed(namespace, 'test.other.created')).toBe(false);

    const receiver = new Receiver(await freePort());
    await receiver.start();
    const created = await call<RuleAnswer>('POST', '/forwarding/rules', {
      name: 'bound rule',
      eventPattern: 'test.bind.#',
      componentAppid: COMPONENT,
      targetUrl: receiver.url,
    });
    expect(created.status).toBe(201);
    receiver.secrets = [created.body.secret];
    const ruleId = created.body.rule.id;
    // Published right after the answer: routed, and forwarded.
    const first = await publishOne('test.bind.created');
    expect(await routed(namespace, 'test.bind.created')).toBe(true);
    expect(await routed(namespace, 'test.other.created')).toBe(false);
    await waitUntil(() => receiver.deliveredIds().has(first), 10_000, 'the event of the new rule forwarded');

    const disabled = await call('PATCH', `/forwarding/rules/${ruleId}`, { enabled: false });
    expect(disabled.status).toBe(200);
    expect(await routed(namespace, 'test.bind.created')).toBe(false);
    const unrouted = await publishOne('test.bind.created');
    await sleep(1500);
    expect(receiver.deliveredIds().has(unrouted)).toBe(false);
    const page = await call<DeliveryPage>('GET', `/forwarding/rules/${ruleId}/deliveries?limit=200`);
    expect(page.body.total).toBe(1);

    // A second rule, so there is a binding to go stale while the app is down.
    const other = await call<RuleAnswer>('POST', '/forwarding/rules', {
      name: 'rule deleted while down',
      eventPattern: 'test.gone.*',
      componentAppid: COMPONENT,
      targetUrl: receiver.url,
    });
    expect(other.status).toBe(201);
    expect(await routed(namespace, 'test.gone.created')).toBe(true);

    // While the app is down, the rules change behind its back (another replica that crashed
    // before reconciling): the first rule is enabled again, the second deleted.
    const secretsKeys = api!.env['SECRETS_KEYS']!;
    await api!.stop();
    await database.dataSource.query('UPDATE forwarding_rules SET enabled = 1 WHERE id = ?', [ruleId]);
    await database.dataSource.query('DELETE FROM forwarding_rules WHERE id = ?', [other.body.rule.id]);
    expect(await routed(namespace, 'test.bind.created')).toBe(false);
    expect(await routed(namespace, 'test.gone.created')).toBe(true);

    // The same keys: the rule's signing secret is sealed with them.
    api = await startAdminApi({ database, namespace, env: { ...bindingEnv, SECRETS_KEYS: secretsKeys } });
    expect(await routed(namespace, 'test.bind.created')).toBe(true);
    expect(await routed(namespace, 'test.gone.created')).toBe(false);
    const afterRestart = await publishOne('test.bind.created');
    await waitUntil(
      () => receiver.deliveredIds().has(afterRestart),
      10_000,
      'the event of the rule enabled while the app was down forwarded after the restart',
    );
  }, 90_000);

  it('answers a rule saved while its binding cannot be made (the bindings lock held) with bindingsPending, and binds it soon after', async () => {
    const receiver = new Receiver(await freePort());
    await receiver.start();
    // Another reconcile (of a stuck replica) holds the bindings lock past the 10 s a change waits.
    const holder = database.dataSource.createQueryRunner();
    await holder.connect();
    try {
      await holder.query(`SELECT GET_LOCK(CONCAT('wxop-fwd-bindings:', SHA1(DATABASE())), 0)`);
      const created = await call<RuleAnswer>('POST', '/forwarding/rules', {
        name: 'rule bound late',
        eventPattern: 'test.late.*',
        componentAppid: COMPONENT,
        targetUrl: receiver.url,
      });
      expect(created.status).toBe(201);
      expect(created.body.rule.bindingsPending).toBe(true);
      expect(await routed(namespace, 'test.late.created')).toBe(false);
      const listed = await call<{ items: { id: string }[] }>('GET', '/forwarding/rules?limit=100');
      expect(listed.body.items.map((rule) => rule.id)).toContain(created.body.rule.id);
      receiver.secrets = [created.body.secret];
    } finally {
      await holder.query(`SELECT RELEASE_LOCK(CONCAT('wxop-fwd-bindings:', SHA1(DATABASE())))`);
      await holder.release();
    }
    // Retried after 1 s, then 2 s, … (not the 30 s of the periodic reconcile).
    await waitUntil(() => routed(namespace, 'test.late.created'), 8000, 'the pending binding made');
    const event = await publishOne('test.late.created');
    await waitUntil(() => receiver.deliveredIds().has(event), 10_000, 'the event of the late-bound rule');
  }, 60_000);

  it("forwards to a rule created through another replica at once, though a rule this one cached matches the event's pattern", async () => {
    const second = await startAdminApi({
      database,
      namespace,
      env: { ...bindingEnv, SECRETS_KEYS: api!.env['SECRETS_KEYS']! },
    });
    try {
      const filtered = new Receiver(await freePort());
      const everyone = new Receiver(await freePort());
      await Promise.all([filtered.start(), everyone.start()]);
      // R1: test.multi.# for component X, created through the second replica.
      const r1 = await adminCall<RuleAnswer>(second.url, 'POST', '/admin/v1/forwarding/rules', {
        token: await loginAs(second.url, 'operator'),
        body: {
          name: 'multi for x',
          eventPattern: 'test.multi.#',
          componentAppid: 'wx_multi_x',
          targetUrl: filtered.url,
        },
      });
      expect(r1.status).toBe(201);
      filtered.secrets = [r1.body.secret];
      // Both replicas consume the queue (round robin): each now holds R1 in its cache.
      const warmUp = await Promise.all(
        [1, 2, 3, 4, 5, 6].map(() => publishOne('test.multi.created', 'wx_multi_x')),
      );
      await waitUntil(
        () => warmUp.every((id) => filtered.deliveredIds().has(id)),
        10_000,
        'the warm-up events',
      );

      // R2: test.multi.#, any component, created through the first replica.
      const r2 = await call<RuleAnswer>('POST', '/forwarding/rules', {
        name: 'multi for all',
        eventPattern: 'test.multi.#',
        targetUrl: everyone.url,
      });
      expect(r2.status).toBe(201);
      everyone.secrets = [r2.body.secret];
      const events = await Promise.all(
        Array.from({ length: 12 }, () => publishOne('test.multi.created', 'wx_multi_y')),
      );
      await waitUntil(
        () => events.every((id) => everyone.deliveredIds().has(id)),
        10_000,
        'every event published after R2 was created, forwarded to R2 by both replicas',
      );
      expect(events.some((id) => filtered.deliveredIds().has(id))).toBe(false);
    } finally {
      await second.close();
    }
  }, 90_000);
});
