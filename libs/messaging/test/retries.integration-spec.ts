import { Injectable, type INestApplication } from '@nestjs/common';
import { type EventEnvelope } from '@wxop/contracts';
import { deleteBrokerObjects, drainQueue, sleep, testEnv, uniqueRunId, waitUntil } from '@wxop/testing';

import { ConsumeEvent, DeadLetters, EventPublisher, NonRetryableError, type DeliveryContext } from '../src';
import { eventOfType, namesOf, startService } from './messaging-test.util';

const namespace = `${uniqueRunId()}.`;
const seen: Record<string, { envelope: EventEnvelope; context: DeliveryContext; at: number }[]> = {};
const deliveries = (key: string, id?: string) =>
  (seen[key] ?? []).filter((entry) => id === undefined || entry.envelope.id === id);
const note = (key: string, envelope: EventEnvelope, context: DeliveryContext) =>
  (seen[key] ??= []).push({ envelope, context, at: Date.now() });

/** Fails while the event's id is in `failing`; NonRetryable while it is in `refusing`. */
const failing = new Set<string>();
const refusing = new Set<string>();

@Injectable()
class RetryingConsumers {
  // 200 ms doubling to 800 ms, no jitter: the gaps can be measured.
  @ConsumeEvent({
    queue: 'svc-r.backoff',
    patterns: ['release.released'],
    retry: { initialDelayMs: 200, maxDelayMs: 800, jitter: 0, maxTotalMs: 60_000 },
  })
  backoff(envelope: EventEnvelope, context: DeliveryContext): void {
    note('backoff', envelope, context);
    if (failing.has(envelope.id)) throw new Error('WeChat answered -1');
  }

  // A budget of 1.2 s: an outage longer than that dead-letters the event.
  @ConsumeEvent({
    queue: 'svc-r.budget',
    patterns: ['release.reverted'],
    retry: { initialDelayMs: 150, maxDelayMs: 300, jitter: 0.5, maxTotalMs: 1200 },
  })
  budget(envelope: EventEnvelope, context: DeliveryContext): void {
    note('budget', envelope, context);
    throw new Error('database unavailable');
  }

  @ConsumeEvent({
    queue: 'svc-r.requeue',
    patterns: ['release.committed'],
    retry: { initialDelayMs: 100, maxDelayMs: 100, maxTotalMs: 60_000 },
  })
  requeue(envelope: EventEnvelope, context: DeliveryContext): void {
    note('requeue', envelope, context);
    if (refusing.has(envelope.id)) throw new NonRetryableError('template unknown');
    if (failing.has(envelope.id)) throw new Error('still down');
  }
}

@Injectable()
class UpgradedConsumer {
  @ConsumeEvent({
    queue: 'svc-u.upgrade',
    patterns: ['token.authorizer.invalid'],
    retry: { initialDelayMs: 1000, maxDelayMs: 15_000 },
  })
  upgraded(envelope: EventEnvelope, context: DeliveryContext): void {
    note('upgrade', envelope, context);
  }
}

@Injectable()
class SlowRetryConsumer {
  @ConsumeEvent({
    queue: 'svc-s.restart',
    patterns: ['release.audit.submitted'],
    retry: { initialDelayMs: 1500, maxDelayMs: 1500, jitter: 0, maxTotalMs: 60_000 },
  })
  restart(envelope: EventEnvelope, context: DeliveryContext): void {
    note('restart', envelope, context);
    if (failing.has(envelope.id)) throw new Error('peer service down');
  }
}

describe('retries through delay queues, and dead letters an operator can act on', () => {
  let consumers: INestApplication;
  let publisher: EventPublisher;
  let deadLetters: DeadLetters;
  const extraQueues: string[] = [];

  beforeAll(async () => {
    consumers = await startService({ serviceName: 'svc-r', namespace }, { providers: [RetryingConsumers] });
    publisher = consumers.get(EventPublisher);
    deadLetters = await DeadLetters.connect(testEnv.rabbitUrl, namespace);
  });

  afterAll(async () => {
    const queues = namesOf(consumers);
    await deadLetters?.close();
    await consumers?.close();
    await deleteBrokerObjects({
      queues: [...queues, ...extraQueues],
      exchanges: [`${namespace}wxop.events`, `${namespace}wxop.rpc`, `${namespace}wxop.retry`],
    });
  });

  it('backs off exponentially through one delay queue per step, carrying attempt, first failure and routing key', async () => {
    const event = eventOfType('release.released', { campaignId: 'c1', userVersion: '1.0.0' });
    failing.add(event.id);
    await publisher.publish(event);
    await waitUntil(() => deliveries('backoff', event.id).length >= 5, 10_000, 'five attempts');
    failing.delete(event.id);
    await waitUntil(() => deliveries('backoff', event.id).length >= 6, 5000, 'the sixth attempt succeeds');
    await sleep(1200);
    const attempts = deliveries('backoff', event.id);
    expect(attempts.map((entry) => entry.context.attempt)).toEqual([1, 2, 3, 4, 5, 6]);
    const gaps = attempts.slice(1).map((entry, i) => entry.at - attempts[i]!.at);
    // 200, 400, 800, 800, 800 ms: the TTL is a floor; the broker may add a little.
    [200, 400, 800, 800, 800].forEach((delay, i) => {
      expect(gaps[i]).toBeGreaterThanOrEqual(delay - 20);
      expect(gaps[i]).toBeLessThan(delay + 700);
    });
    const firstFailure = attempts[1]!.context.firstFailedAt!.getTime();
    expect(firstFailure).toBeGreaterThanOrEqual(attempts[0]!.at - 5);
    expect(attempts.slice(1).every((entry) => entry.context.firstFailedAt?.getTime() === firstFailure)).toBe(
      true,
    );
    expect(attempts.every((entry) => entry.context.routingKey === 'release.released')).toBe(true);
    expect(attempts.every((entry) => !entry.context.lastAttempt)).toBe(true);
    expect(await drainQueue(`${namespace}svc-r.backoff.dlq`)).toHaveLength(0);
  });

  it('dead-letters an event still failing when the time budget is spent, as attempts-exhausted', async () => {
    const event = eventOfType('release.reverted', { campaignId: 'c2' });
    const started = Date.now();
    await publisher.publish(event);
    await waitUntil(
      async () => (await deadLetters.inspect('svc-r.budget')).depth === 1,
      10_000,
      'the dead letter',
    );
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(1200);
    const attempts = deliveries('budget', event.id);
    expect(attempts.length).toBeGreaterThanOrEqual(4);
    expect(attempts.at(-1)!.context.lastAttempt).toBe(true);
    await sleep(700);
    expect(deliveries('budget', event.id)).toHaveLength(attempts.length);
    const [letter] = await deadLetters.show('svc-r.budget', 5);
    expect(letter).toMatchObject({
      messageId: event.id,
      reason: 'attempts-exhausted',
      attempts: attempts.length,
      originalRoutingKey: 'release.reverted',
      envelope: event,
    });
    expect(letter!.error).toContain('database unavailable');
    await deadLetters.purge('svc-r.budget');
  });

  it('keeps the schedule across a restart: the retry waits in the broker and reaches the next instance', async () => {
    const first = await startService({ serviceName: 'svc-s', namespace }, { providers: [SlowRetryConsumer] });
    extraQueues.push(...namesOf(first));
    const event = eventOfType('release.audit.submitted', { campaignId: 'c3', auditId: 9 });
    failing.add(event.id);
    await first.get(EventPublisher).publish(event);
    await waitUntil(() => deliveries('restart', event.id).length === 1, 5000, 'the first attempt');
    await first.close();
    failing.delete(event.id);
    await sleep(300);
    const second = await startService(
      { serviceName: 'svc-s', namespace },
      { providers: [SlowRetryConsumer] },
    );
    try {
      await waitUntil(() => deliveries('restart', event.id).length === 2, 5000, 'the retry');
      const [failed, retried] = deliveries('restart', event.id);
      expect(retried!.context.attempt).toBe(2);
      expect(retried!.at - failed!.at).toBeGreaterThanOrEqual(1480);
    } finally {
      await second.close();
    }
  });

  it('starts on the queues an earlier version declared (its <queue>.retry had a 5 s TTL), whatever the policy', async () => {
    const { connect } = await import('amqplib');
    const connection = await connect(testEnv.rabbitUrl);
    const channel = await connection.createChannel();
    const queue = `${namespace}svc-u.upgrade`;
    // Exactly what the consumer of the previous release declared.
    await channel.assertExchange(`${namespace}wxop.retry`, 'direct', { durable: true });
    await channel.assertQueue(queue, {
      durable: true,
      arguments: { 'x-dead-letter-exchange': `${namespace}wxop.retry`, 'x-dead-letter-routing-key': queue },
    });
    await channel.assertQueue(`${queue}.retry`, {
      durable: true,
      arguments: { 'x-message-ttl': 5000, 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': queue },
    });
    await connection.close();
    const upgraded = await startService(
      { serviceName: 'svc-u', namespace },
      { providers: [UpgradedConsumer] },
    );
    extraQueues.push(...namesOf(upgraded));
    try {
      const event = eventOfType('token.authorizer.invalid', { errcode: 61023 });
      await upgraded.get(EventPublisher).publish(event);
      await waitUntil(() => deliveries('upgrade', event.id).length === 1, 5000, 'the delivery');
    } finally {
      await upgraded.close();
    }
  });

  describe('DeadLetters (npm run dlq)', () => {
    it('lists the DLQ with its depth and the oldest message’s age, and shows the death reason', async () => {
      const event = eventOfType('release.committed', {
        campaignId: 'c4',
        templateId: 1,
        userVersion: '1.0.1',
      });
      refusing.add(event.id);
      await publisher.publish(event);
      await waitUntil(
        async () => (await deadLetters.inspect('svc-r.requeue')).depth === 1,
        5000,
        'dead letter',
      );
      await sleep(1100);
      const listed = await deadLetters.list(['svc-r.requeue', 'svc-r.never-declared']);
      const info = listed.find((entry) => entry.queue === `${namespace}svc-r.requeue.dlq`);
      expect(info).toMatchObject({ originalQueue: `${namespace}svc-r.requeue`, depth: 1 });
      expect(info!.oldestAgeSeconds).toBeGreaterThanOrEqual(1);
      expect(listed.some((entry) => entry.queue.includes('never-declared'))).toBe(false);
      const shown = await deadLetters.show(`${namespace}svc-r.requeue.dlq`);
      expect(shown).toEqual([
        expect.objectContaining({
          messageId: event.id,
          reason: 'non-retryable',
          error: expect.stringContaining('template unknown'),
        }),
      ]);
      // show leaves it in place
      expect((await deadLetters.inspect('svc-r.requeue')).depth).toBe(1);
      await deadLetters.purge('svc-r.requeue');
      refusing.delete(event.id);
    });

    it('requeues one dead letter by id onto its queue as a first attempt; the consumer processes it once', async () => {
      const wanted = eventOfType('release.committed', {
        campaignId: 'c5',
        templateId: 1,
        userVersion: '1.0.2',
      });
      const other = eventOfType('release.committed', {
        campaignId: 'c6',
        templateId: 1,
        userVersion: '1.0.3',
      });
      refusing.add(wanted.id);
      refusing.add(other.id);
      await publisher.publishAll([wanted, other]);
      await waitUntil(
        async () => (await deadLetters.inspect('svc-r.requeue')).depth === 2,
        5000,
        'two dead letters',
      );
      refusing.delete(wanted.id);
      expect(await deadLetters.requeue('svc-r.requeue', { id: wanted.id })).toBe(1);
      await waitUntil(() => deliveries('requeue', wanted.id).length === 2, 5000, 'the requeued delivery');
      await sleep(500);
      const [, requeued] = deliveries('requeue', wanted.id);
      expect(deliveries('requeue', wanted.id)).toHaveLength(2);
      expect(requeued!.context).toMatchObject({ attempt: 1, routingKey: 'release.committed' });
      expect(requeued!.context.firstFailedAt).toBeUndefined();
      // the other one is still there, untouched
      const left = await deadLetters.show('svc-r.requeue');
      expect(left.map((letter) => letter.messageId)).toEqual([other.id]);
      expect(await deadLetters.requeue('svc-r.requeue', { id: 'not-there' })).toBe(0);
      expect(await deadLetters.purge('svc-r.requeue')).toBe(1);
      refusing.delete(other.id);
    });

    it('requeues all with a fresh retry budget, and an exhausted message can then succeed', async () => {
      const events = [1, 2, 3].map((n) =>
        eventOfType('release.committed', { campaignId: `c7-${n}`, templateId: 1, userVersion: `2.0.${n}` }),
      );
      for (const event of events) refusing.add(event.id);
      await publisher.publishAll(events);
      await waitUntil(
        async () => (await deadLetters.inspect('svc-r.requeue')).depth === 3,
        5000,
        'three dead letters',
      );
      for (const event of events) refusing.delete(event.id);
      expect(await deadLetters.requeue('svc-r.requeue', { all: true })).toBe(3);
      await waitUntil(
        () => events.every((event) => deliveries('requeue', event.id).length === 2),
        5000,
        'three redeliveries',
      );
      expect((await deadLetters.inspect('svc-r.requeue')).depth).toBe(0);
    });
  });
});
