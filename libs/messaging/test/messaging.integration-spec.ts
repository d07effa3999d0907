import { randomUUID } from 'node:crypto';
import { Injectable, type INestApplication } from '@nestjs/common';
import { Controller } from '@nestjs/common';
import { Ctx, MessagePattern, Payload } from '@nestjs/microservices';
import { RoutingPatterns, type EventEnvelope } from '@wxop/contracts';
import {
  BrokerProbe,
  createTestDatabase,
  deleteBrokerObjects,
  drainQueue,
  isRouted,
  sleep,
  testEnv,
  uniqueRunId,
  waitUntil,
  type TestDatabase,
} from '@wxop/testing';
import { connect } from 'amqplib';
import { lastValueFrom } from 'rxjs';
import type { MigrationInterface, QueryRunner } from 'typeorm';

import {
  AmqpConnection,
  AmqpRpcClient,
  AmqpRpcContext,
  ConsumeEvent,
  EventConsumers,
  EventPublisher,
  Inbox,
  InboxMigration1763800000000,
  NonRetryableError,
  PublishError,
  RpcError,
  RpcRemoteError,
  RpcTimeoutError,
  RpcUnavailableError,
  type DeliveryContext,
} from '../src';
import { authorizedEvent, eventOfType, namesOf, startService } from './messaging-test.util';

const namespace = `${uniqueRunId()}.`;
const received: Record<string, { envelope: EventEnvelope; context: DeliveryContext }[]> = {};
const record = (key: string, envelope: EventEnvelope, context: DeliveryContext) => {
  (received[key] ??= []).push({ envelope, context });
};
const calls = (key: string) => received[key] ?? [];

// Service A: billing-like subscriber with wildcard bindings and a poison queue.
@Injectable()
class ServiceAConsumers {
  failuresBeforeSuccess = 2;

  @ConsumeEvent({
    queue: 'svc-a.authorizations',
    patterns: [RoutingPatterns.AllAuthorizationEvents, RoutingPatterns.AllRawPushes],
  })
  onAuthorization(envelope: EventEnvelope, context: DeliveryContext): void {
    record('a', envelope, context);
  }

  @ConsumeEvent({ queue: 'svc-a.poison', patterns: ['release.audit.failed'] })
  poison(envelope: EventEnvelope, context: DeliveryContext): void {
    record('poison', envelope, context);
    throw new Error(`cannot handle ${envelope.id}`);
  }

  @ConsumeEvent({ queue: 'svc-a.poison', patterns: ['release.audit.delayed'] })
  broken(envelope: EventEnvelope, context: DeliveryContext): void {
    record('broken', envelope, context);
    throw new NonRetryableError('audit record is unknown');
  }

  @ConsumeEvent({ queue: 'svc-a.flaky', patterns: ['release.released'] })
  flaky(envelope: EventEnvelope, context: DeliveryContext): void {
    record('flaky', envelope, context);
    if (context.attempt <= this.failuresBeforeSuccess) throw new Error('database briefly unavailable');
  }
}

// Service B: a second subscriber of the same events.
@Injectable()
class ServiceBConsumers {
  @ConsumeEvent({ queue: 'svc-b.authorizations', patterns: ['authorization.authorized'] })
  onAuthorized(envelope: EventEnvelope, context: DeliveryContext): void {
    record('b', envelope, context);
  }
}

// Service C: idempotent effects through the inbox, on a real database.
class CreateEffects1763800000001 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE effects (id INT AUTO_INCREMENT PRIMARY KEY, event_id CHAR(36) NOT NULL, nick VARCHAR(255) NOT NULL)',
    );
  }
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE effects');
  }
}

let database: TestDatabase;
let failInboxEffectOnce = new Set<string>();

@Injectable()
class ServiceCConsumers {
  @ConsumeEvent({ queue: 'svc-c.authorizations', patterns: ['authorization.authorized'] })
  async onAuthorized(envelope: EventEnvelope<{ nickName: string }>, context: DeliveryContext): Promise<void> {
    record('c', envelope as EventEnvelope, context);
    await new Inbox(database.dataSource).process('svc-c.authorizations', envelope.id, async (manager) => {
      await manager.query('INSERT INTO effects (event_id, nick) VALUES (?, ?)', [
        envelope.id,
        envelope.data.nickName,
      ]);
      if (failInboxEffectOnce.delete(envelope.id)) throw new Error('crash after the effect, before commit');
    });
    // Recorded once the inbox transaction committed: a test that counts these sees the effects.
    record('c-done', envelope as EventEnvelope, context);
  }
}

// Service D: RPC server.
@Controller()
class EchoController {
  @MessagePattern('test.echo')
  echo(@Payload() data: { text: string }, @Ctx() context: AmqpRpcContext): { text: string; pattern: string } {
    return { text: data.text.toUpperCase(), pattern: context.getPattern() };
  }

  @MessagePattern('test.fail')
  fail(): never {
    throw new RpcError('AUTHORIZER_NOT_FOUND', 'no authorizer wx1', { authorizerAppid: 'wx1' });
  }

  @MessagePattern('test.crash')
  crash(): never {
    throw new Error('secret internals');
  }

  @MessagePattern('test.slow')
  async slow(): Promise<string> {
    await sleep(1500);
    return 'late';
  }
}

describe('messaging on the real broker', () => {
  let serviceA: INestApplication;
  let serviceB: INestApplication;
  let serviceC: INestApplication;
  let serviceD: INestApplication;
  let publisher: EventPublisher;
  let client: AmqpRpcClient;

  beforeAll(async () => {
    database = await createTestDatabase({
      prefix: 'messaging',
      migrations: [InboxMigration1763800000000, CreateEffects1763800000001],
    });
    const retry = { maxAttempts: 3, initialDelayMs: 150 };
    serviceA = await startService(
      { serviceName: 'svc-a', namespace, retry },
      { providers: [ServiceAConsumers] },
    );
    serviceB = await startService(
      { serviceName: 'svc-b', namespace, retry },
      { providers: [ServiceBConsumers] },
    );
    serviceC = await startService(
      { serviceName: 'svc-c', namespace, retry },
      { providers: [ServiceCConsumers] },
    );
    serviceD = await startService(
      { serviceName: 'svc-d', namespace, retry },
      { controllers: [EchoController] },
    );
    publisher = serviceB.get(EventPublisher);
    client = serviceA.get(AmqpRpcClient);
  });

  afterAll(async () => {
    const queues = [serviceA, serviceB, serviceC].flatMap(namesOf);
    await Promise.all([serviceA, serviceB, serviceC, serviceD].map((app) => app?.close()));
    await deleteBrokerObjects({
      queues: [...queues, `${namespace}svc-d.rpc`],
      exchanges: [`${namespace}wxop.events`, `${namespace}wxop.rpc`, `${namespace}wxop.retry`],
    });
    await database?.drop();
  });

  describe('publishing and fan-out', () => {
    it('delivers one event to the queues of two services, once each', async () => {
      const event = authorizedEvent();
      await publisher.publish(event);
      await waitUntil(
        () =>
          calls('a').some((c) => c.envelope.id === event.id) &&
          calls('b').some((c) => c.envelope.id === event.id),
        5000,
        'both services',
      );
      await sleep(200);
      expect(calls('a').filter((c) => c.envelope.id === event.id)).toHaveLength(1);
      expect(calls('b').filter((c) => c.envelope.id === event.id)).toHaveLength(1);
      expect(calls('b').find((c) => c.envelope.id === event.id)!.envelope).toEqual(event);
    });

    it('puts the plain JSON envelope on the wire, readable by a plain amqplib subscriber', async () => {
      const probe = await BrokerProbe.bind(['authorization.#'], { namespace });
      try {
        const event = authorizedEvent({ correlationId: 'corr-123' });
        await publisher.publish(event);
        await probe.waitFor(1);
        const [message] = probe.messages;
        expect(message!.envelope).toEqual(event);
        expect(message!.routingKey).toBe('authorization.authorized');
        expect(message!.properties).toMatchObject({
          messageId: event.id,
          type: 'authorization.authorized',
          contentType: 'application/json',
          deliveryMode: 2,
        });
        expect(message!.properties.headers).toMatchObject({ 'x-correlation-id': 'corr-123' });
      } finally {
        await probe.close();
      }
    });

    it('fails a mandatory publish no queue is bound for as unroutable, and confirms the routed one beside it', async () => {
      const probe = await BrokerProbe.bind(['gate.routed'], { namespace });
      try {
        const unrouted = eventOfType('gate.unrouted', { n: 1 });
        const routed = eventOfType('gate.routed', { n: 2 });
        const outcomes = await Promise.allSettled([
          publisher.publish(unrouted, { mandatory: true }),
          publisher.publish(routed, { mandatory: true }),
        ]);
        expect(outcomes[0]).toMatchObject({ status: 'rejected', reason: { reason: 'unroutable' } });
        expect(outcomes[0]).toMatchObject({ reason: expect.any(PublishError) });
        expect(outcomes[1]).toEqual({ status: 'fulfilled', value: undefined });
        await probe.waitFor(1);
        expect(probe.messages.map((m) => m.envelope.id)).toEqual([routed.id]);
        // Without the option an unroutable event is confirmed as before (and dropped by the broker).
        await expect(publisher.publish(eventOfType('gate.unrouted', { n: 3 }))).resolves.toBeUndefined();
        // A later publish of the returned id is judged on its own (the earlier return is not held against it).
        const again = await BrokerProbe.bind(['gate.unrouted'], { namespace });
        try {
          await expect(publisher.publish(unrouted, { mandatory: true })).resolves.toBeUndefined();
          await again.waitFor(1);
        } finally {
          await again.close();
        }
      } finally {
        await probe.close();
      }
    });

    it('names the consumer queues that do not exist, and publishes on afterwards', async () => {
      const connection = await connect(testEnv.rabbitUrl);
      try {
        const channel = await connection.createChannel();
        await channel.assertQueue(`${namespace}gate.present`, { durable: false, autoDelete: false });
        await expect(
          publisher.missingQueues(['gate.present', 'gate.absent', 'gate.absent-too']),
        ).resolves.toEqual(['gate.absent', 'gate.absent-too']);
        await expect(publisher.missingQueues([])).resolves.toEqual([]);
        await channel.deleteQueue(`${namespace}gate.present`);
        await expect(publisher.missingQueues(['gate.present'])).resolves.toEqual(['gate.present']);
      } finally {
        await connection.close();
      }
      const event = authorizedEvent();
      await publisher.publish(event, { mandatory: true });
      await waitUntil(() => calls('a').some((c) => c.envelope.id === event.id), 5000, 'service a');
    });

    it('routes by wildcard bindings: authorization.* and wechat.# but nothing else', async () => {
      const matching = [
        eventOfType('authorization.unauthorized', { unauthorizedAt: new Date().toISOString() }),
        eventOfType('wechat.message.event.weapp_audit_success', { raw: '<xml/>' }),
        eventOfType('wechat.component.component_verify_ticket', { raw: '<xml/>' }, false),
      ];
      const other = [
        eventOfType('token.authorizer.invalid', { errcode: 61023 }),
        eventOfType('authorization.x.y', {}),
      ];
      await publisher.publishAll([...other, ...matching]);
      await waitUntil(
        () => matching.every((e) => calls('a').some((c) => c.envelope.id === e.id)),
        5000,
        'matching events',
      );
      await sleep(300);
      const seen = new Set(calls('a').map((c) => c.envelope.id));
      for (const event of other) expect(seen.has(event.id)).toBe(false);
    });
  });

  describe('retries and dead letters', () => {
    it('retries a failing delivery and succeeds on the third attempt, counting attempts from x-death', async () => {
      const event = eventOfType('release.released', { campaignId: 'c1', userVersion: '1.0.0' });
      await publisher.publish(event);
      await waitUntil(
        () => calls('flaky').filter((c) => c.envelope.id === event.id).length >= 3,
        5000,
        'three attempts',
      );
      await sleep(500);
      const attempts = calls('flaky')
        .filter((c) => c.envelope.id === event.id)
        .map((c) => c.context.attempt);
      expect(attempts).toEqual([1, 2, 3]);
      expect(calls('flaky').find((c) => c.envelope.id === event.id)!.context.routingKey).toBe(
        'release.released',
      );
      expect(await drainQueue(`${namespace}svc-a.flaky.dlq`)).toHaveLength(0);
    });

    it('moves a poison message to the DLQ after maxAttempts and never delivers it again', async () => {
      const event = eventOfType('release.audit.failed', {
        campaignId: 'c1',
        auditId: 7,
        reason: 'r',
        screenshots: [],
      });
      await publisher.publish(event);
      await waitUntil(
        () => calls('poison').filter((c) => c.envelope.id === event.id).length >= 3,
        5000,
        'three attempts',
      );
      await sleep(1000); // several retry periods: nothing more may come
      expect(calls('poison').filter((c) => c.envelope.id === event.id)).toHaveLength(3);
      const dead = await drainQueue(`${namespace}svc-a.poison.dlq`);
      expect(dead).toHaveLength(1);
      expect(JSON.parse(dead[0]!.content.toString())).toEqual(event);
      expect(dead[0]!.properties.headers).toMatchObject({
        'x-wxop-reason': 'attempts-exhausted',
        'x-wxop-attempts': 3,
        'x-wxop-original-routing-key': 'release.audit.failed',
      });
      expect(String(dead[0]!.properties.headers?.['x-wxop-error'])).toContain(`cannot handle ${event.id}`);
    });

    it('dead-letters a NonRetryableError at once', async () => {
      const event = eventOfType('release.audit.delayed', { campaignId: 'c1', auditId: 8, reason: 'r' });
      await publisher.publish(event);
      await waitUntil(() => calls('broken').some((c) => c.envelope.id === event.id), 5000, 'one attempt');
      let dead: Awaited<ReturnType<typeof drainQueue>> = [];
      await waitUntil(
        async () => (dead = dead.concat(await drainQueue(`${namespace}svc-a.poison.dlq`))).length > 0,
        5000,
        'dead letter',
      );
      await sleep(400);
      expect(calls('broken').filter((c) => c.envelope.id === event.id)).toHaveLength(1);
      expect(dead[0]!.properties.headers).toMatchObject({
        'x-wxop-reason': 'non-retryable',
        'x-wxop-attempts': 1,
      });
    });

    it('dead-letters unparseable and off-contract messages without calling any handler', async () => {
      const connection = await connect(testEnv.rabbitUrl);
      const channel = await connection.createConfirmChannel();
      const before = calls('b').length;
      const offContract = { ...authorizedEvent(), data: { funcInfo: 'all' } };
      channel.publish(`${namespace}wxop.events`, 'authorization.authorized', Buffer.from('{not json'), {
        persistent: true,
      });
      channel.publish(
        `${namespace}wxop.events`,
        'authorization.authorized',
        Buffer.from(JSON.stringify(offContract)),
        { persistent: true },
      );
      await channel.waitForConfirms();
      await connection.close();
      let dead: Awaited<ReturnType<typeof drainQueue>> = [];
      await waitUntil(
        async () =>
          (dead = dead.concat(await drainQueue(`${namespace}svc-b.authorizations.dlq`))).length >= 2,
        5000,
        'two dead letters',
      );
      expect(dead.map((m) => m.properties.headers?.['x-wxop-reason']).sort()).toEqual([
        'contract-violation',
        'unparseable',
      ]);
      expect(
        String(
          dead.find((m) => m.properties.headers?.['x-wxop-reason'] === 'contract-violation')!.properties
            .headers?.['x-wxop-error'],
        ),
      ).toContain('data.funcInfo');
      expect(calls('b').length).toBe(before);
    });
    it('dead-letters a delivery whose type no handler of the queue matches (a stale binding)', async () => {
      const connection = await connect(testEnv.rabbitUrl);
      const channel = await connection.createConfirmChannel();
      // An old version of service B bound its queue to token.#; the current one handles authorization.authorized only.
      await channel.bindQueue(`${namespace}svc-b.authorizations`, `${namespace}wxop.events`, 'token.#');
      const stale = eventOfType('token.authorizer.invalid', { errcode: 61023 });
      channel.publish(`${namespace}wxop.events`, stale.type, Buffer.from(JSON.stringify(stale)), {
        persistent: true,
      });
      await channel.waitForConfirms();
      await channel.unbindQueue(`${namespace}svc-b.authorizations`, `${namespace}wxop.events`, 'token.#');
      await connection.close();
      let dead: Awaited<ReturnType<typeof drainQueue>> = [];
      await waitUntil(
        async () =>
          (dead = dead.concat(await drainQueue(`${namespace}svc-b.authorizations.dlq`))).length >= 1,
        5000,
        'the dead letter',
      );
      expect(dead[0]!.properties.headers).toMatchObject({
        'x-wxop-reason': 'no-handler',
        'x-wxop-attempts': 1,
      });
      expect(calls('b').some((c) => c.envelope.id === stale.id)).toBe(false);
    });
  });

  describe('inbox', () => {
    const effectsOf = async (id: string) =>
      (
        (await database.dataSource.query('SELECT COUNT(*) AS n FROM effects WHERE event_id = ?', [id])) as {
          n: string;
        }[]
      )[0]!.n;

    it('processes an event published twice with the same id once', async () => {
      const event = authorizedEvent();
      await publisher.publish(event);
      await publisher.publish(event);
      await waitUntil(
        () => calls('c-done').filter((c) => c.envelope.id === event.id).length >= 2,
        5000,
        'two deliveries handled',
      );
      expect(Number(await effectsOf(event.id))).toBe(1);
    });

    it('processes a replay (new id, replayOf = the original) of an event it already processed', async () => {
      const original = authorizedEvent();
      await publisher.publish(original);
      await waitUntil(async () => Number(await effectsOf(original.id)) === 1, 5000, 'the original');
      const replay = { ...original, id: randomUUID(), replayOf: original.id };
      await publisher.publish(replay);
      await waitUntil(async () => Number(await effectsOf(replay.id)) === 1, 5000, 'the replay');
      const delivered = calls('c').find((c) => c.envelope.id === replay.id)!;
      expect(delivered.envelope.replayOf).toBe(original.id);
      expect(Number(await effectsOf(original.id))).toBe(1);
    });

    it('runs concurrent duplicates once', async () => {
      const event = authorizedEvent();
      await publisher.publishAll(Array.from({ length: 10 }, () => event));
      await waitUntil(
        () =>
          calls('c').filter((c) => c.envelope.id === event.id).length >= 10 &&
          calls('c-done').some((c) => c.envelope.id === event.id),
        5000,
        'ten deliveries, one of them committed',
      );
      expect(Number(await effectsOf(event.id))).toBe(1);
      const inbox = (await database.dataSource.query(
        'SELECT COUNT(*) AS n FROM messaging_inbox WHERE event_id = ?',
        [event.id],
      )) as { n: string }[];
      expect(Number(inbox[0]!.n)).toBe(1);
    });

    it('rolls the inbox record back with a failed effect, so the retry applies it', async () => {
      const event = authorizedEvent();
      failInboxEffectOnce = new Set([event.id]);
      await publisher.publish(event);
      await waitUntil(
        () => calls('c').filter((c) => c.envelope.id === event.id).length >= 2,
        5000,
        'the retry',
      );
      await waitUntil(async () => Number(await effectsOf(event.id)) === 1, 5000, 'the effect');
      expect(
        calls('c')
          .filter((c) => c.envelope.id === event.id)
          .map((c) => c.context.attempt),
      ).toEqual([1, 2]);
    });

    it('prunes old records', async () => {
      await database.dataSource.query(
        "INSERT INTO messaging_inbox (consumer, event_id, processed_at) VALUES ('old', 'x', '2000-01-01')",
      );
      expect(await new Inbox(database.dataSource).prune(24 * 3600 * 1000)).toBeGreaterThanOrEqual(1);
    });
  });

  describe('request/reply', () => {
    it('returns the handler result', async () => {
      await expect(client.request('test.echo', { text: 'hello' })).resolves.toEqual({
        text: 'HELLO',
        pattern: 'test.echo',
      });
    });

    it('works as a Nest ClientProxy too', async () => {
      await expect(lastValueFrom(client.send('test.echo', { text: 'nest' }))).resolves.toEqual({
        text: 'NEST',
        pattern: 'test.echo',
      });
    });

    it('carries typed errors from the handler', async () => {
      const error = await client.request('test.fail', {}).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(RpcRemoteError);
      expect(error).toMatchObject({
        code: 'AUTHORIZER_NOT_FOUND',
        message: 'no authorizer wx1',
        details: { authorizerAppid: 'wx1' },
      });
    });

    it('hides unexpected errors behind INTERNAL', async () => {
      const error = await client.request('test.crash', {}).catch((caught: unknown) => caught);
      expect(error).toMatchObject({ code: 'INTERNAL' });
      expect((error as Error).message).not.toContain('secret');
    });

    it('fails fast with RpcUnavailableError when no service handles the pattern', async () => {
      const started = Date.now();
      await expect(client.request('test.nobody', {}, { timeoutMs: 3000 })).rejects.toBeInstanceOf(
        RpcUnavailableError,
      );
      expect(Date.now() - started).toBeLessThan(1000);
    });

    it('times out with RpcTimeoutError', async () => {
      await expect(client.request('test.slow', {}, { timeoutMs: 300 })).rejects.toBeInstanceOf(
        RpcTimeoutError,
      );
    });

    it('answers many concurrent requests', async () => {
      const replies = await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          client.request<{ text: string }>('test.echo', { text: `m${i}` }),
        ),
      );
      expect(replies.map((r) => r.text)).toEqual(Array.from({ length: 200 }, (_, i) => `M${i}`));
    });
  });

  it('stops consuming on shutdown and leaves undelivered events in the durable queue', async () => {
    const consumers = serviceB.get(EventConsumers);
    await consumers.stop();
    const event = authorizedEvent();
    await publisher.publish(event);
    await sleep(300);
    expect(calls('b').some((c) => c.envelope.id === event.id)).toBe(false);
    const waiting = await drainQueue(`${namespace}svc-b.authorizations`);
    expect(waiting.map((m) => JSON.parse(m.content.toString()).id as string)).toContain(event.id);
  });
});

/** A queue whose bindings the app manages (`bind: false`), as admin-api's forwarding queue. */
@Injectable()
class ManagedBindingsConsumer {
  readonly seen: string[] = [];
  /** Set by a test to hold deliveries in flight. */
  gate?: Promise<void>;
  constructor(private readonly consumers: EventConsumers) {}

  onModuleInit(): void {
    this.consumers.register(
      { queue: 'svc-e.managed', patterns: ['#'], bind: false },
      async (envelope) => {
        this.seen.push(envelope.id);
        await this.gate;
      },
      'managed',
    );
  }
}

describe('EventConsumers - bindings managed at runtime (bind: false)', () => {
  const ns = `${uniqueRunId()}.`;
  let service: INestApplication;

  beforeAll(async () => {
    service = await startService(
      { serviceName: 'svc-e', namespace: ns },
      { providers: [ManagedBindingsConsumer] },
    );
  });

  afterAll(async () => {
    const queues = namesOf(service);
    await service?.close();
    await deleteBrokerObjects({ queues, exchanges: [`${ns}wxop.events`, `${ns}wxop.retry`] });
  });

  it('binds nothing at start; bindQueue routes a pattern to the queue and unbindQueue stops it', async () => {
    const consumers = service.get(EventConsumers);
    const seen = service.get(ManagedBindingsConsumer).seen;
    const publisher = service.get(EventPublisher);
    expect(await isRouted('managed.created', { namespace: ns })).toBe(false);

    await consumers.bindQueue('svc-e.managed', 'managed.*');
    expect(await isRouted('managed.created', { namespace: ns })).toBe(true);
    expect(await isRouted('other.created', { namespace: ns })).toBe(false);
    const event = eventOfType('managed.created', {});
    await publisher.publish(event);
    await waitUntil(() => seen.includes(event.id), 5000, 'the event routed by the runtime binding');

    await consumers.unbindQueue('svc-e.managed', 'managed.*');
    expect(await isRouted('managed.created', { namespace: ns })).toBe(false);
    await consumers.unbindQueue('svc-e.managed', 'managed.*'); // a binding that is gone: a no-op
    await consumers.unbindQueue('svc-e.managed', '#'); // one that never existed: a no-op too
    await expect(consumers.bindQueue('svc-e.unknown', 'x')).rejects.toThrow('not consumed');
  });

  it('binds the queue again with its runtime bindings when it declares it again (the queue was lost)', async () => {
    const consumers = service.get(EventConsumers);
    const seen = service.get(ManagedBindingsConsumer).seen;
    await consumers.bindQueue('svc-e.managed', 'lost.*');
    await consumers.bindQueue('svc-e.managed', 'dropped.*');
    await consumers.unbindQueue('svc-e.managed', 'dropped.*');
    await deleteBrokerObjects({ queues: [`${ns}svc-e.managed`] });
    expect(await isRouted('lost.created', { namespace: ns })).toBe(false);

    service.get(AmqpConnection).reconnect(); // the channel's setup declares the queue again
    await waitUntil(
      async () => await isRouted('lost.created', { namespace: ns }),
      10_000,
      'the runtime binding restored with the queue',
    );
    expect(await isRouted('dropped.created', { namespace: ns })).toBe(false);
    const event = eventOfType('lost.created', {});
    await service.get(EventPublisher).publish(event);
    await waitUntil(() => seen.includes(event.id), 5000, 'the event routed by the restored binding');
    await consumers.unbindQueue('svc-e.managed', 'lost.*');
  });

  it("a refused bind (the exchange is gone) leaves the consumer's channel and deliveries in flight alone", async () => {
    const consumers = service.get(EventConsumers);
    const managed = service.get(ManagedBindingsConsumer);
    let release!: () => void;
    managed.gate = new Promise<void>((resolve) => (release = resolve));
    const connection = await connect(testEnv.rabbitUrl);
    try {
      const channel = await connection.createConfirmChannel();
      // Straight to the queue, held in flight by the handler while the bind is refused.
      const event = eventOfType('direct.created', {});
      channel.sendToQueue(`${ns}svc-e.managed`, Buffer.from(JSON.stringify(event)), { persistent: true });
      await channel.waitForConfirms();
      await waitUntil(() => managed.seen.includes(event.id), 5000, 'the delivery in flight');
      await channel.deleteExchange(`${ns}wxop.events`);
      await expect(consumers.bindQueue('svc-e.managed', 'gone.*')).rejects.toThrow(/NOT_FOUND|404/);
      await consumers.unbindQueue('svc-e.managed', 'gone.*').catch(() => undefined);
      await channel.assertExchange(`${ns}wxop.events`, 'topic', { durable: true });
      release();
      // A closed channel (or connection) would bring the unacked delivery again after a reconnect.
      await sleep(2000);
      expect(managed.seen.filter((id) => id === event.id)).toHaveLength(1);
      expect(await drainQueue(`${ns}svc-e.managed`)).toHaveLength(0);
    } finally {
      managed.gate = undefined;
      release();
      await connection.close();
    }
  });
});
