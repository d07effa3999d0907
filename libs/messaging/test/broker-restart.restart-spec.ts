import { Controller, Injectable, type INestApplication } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import type { EventEnvelope } from '@wxop/contracts';
import {
  brokerControl,
  deleteBrokerObjects,
  drainQueue,
  sleep,
  testEnv,
  uniqueRunId,
  waitUntil,
} from '@wxop/testing';
import { connect } from 'amqplib';

import { AmqpConnection, AmqpRpcClient, ConsumeEvent, EventPublisher, PublishError } from '../src';
import { eventOfType, namesOf, startService } from './messaging-test.util';

const namespace = `${uniqueRunId()}.`;
const consumed = new Set<string>();
let consumedAfterRestart = 0;
let restarted = false;

@Injectable()
class StreamConsumer {
  @ConsumeEvent({ queue: 'restart.stream', patterns: ['release.released'], prefetch: 5 })
  async onReleased(envelope: EventEnvelope): Promise<void> {
    await sleep(10); // slow enough that a backlog is waiting in the queue when the broker stops
    consumed.add(envelope.id);
    if (restarted) consumedAfterRestart++;
  }
}

@Controller()
class PingController {
  @MessagePattern('restart.ping')
  ping(): string {
    return 'pong';
  }
}

describe('broker restart in the middle of a stream', () => {
  let app: INestApplication;
  // A durable queue nobody consumes: after the restart it must still hold every confirmed message.
  const parkedQueue = `${namespace}restart.parked`;

  beforeAll(async () => {
    if (!(await brokerControl.available())) {
      throw new Error(
        'this suite stops and starts the local RabbitMQ with rabbitmqctl; run it as root on the test machine',
      );
    }
    app = await startService(
      {
        serviceName: 'restart-svc',
        namespace,
        confirmTimeoutMs: 1000,
        retry: { maxAttempts: 5, initialDelayMs: 200 },
      },
      { providers: [StreamConsumer], controllers: [PingController] },
    );
    const connection = await connect(testEnv.rabbitUrl);
    const channel = await connection.createChannel();
    await channel.assertQueue(parkedQueue, { durable: true });
    await channel.bindQueue(parkedQueue, `${namespace}wxop.events`, 'release.released');
    await connection.close();
  });

  afterAll(async () => {
    await brokerControl.start().catch(() => undefined);
    const queues = app ? namesOf(app) : [];
    await app?.close();
    await deleteBrokerObjects({
      queues: [...queues, `${namespace}restart-svc.rpc`, parkedQueue],
      exchanges: [`${namespace}wxop.events`, `${namespace}wxop.rpc`, `${namespace}wxop.retry`],
    }).catch(() => undefined);
  });

  it('loses no confirmed message, and every client reconnects by itself', async () => {
    const publisher = app.get(EventPublisher);
    const connection = app.get(AmqpConnection);
    const confirmed: string[] = [];
    const failures: unknown[] = [];
    let sent = 0;

    const publishBatch = async (count: number) => {
      await Promise.all(
        Array.from({ length: count }, async () => {
          const event = eventOfType('release.released', {
            campaignId: 'stream',
            userVersion: String(sent++),
          });
          try {
            await publisher.publish(event);
            confirmed.push(event.id);
          } catch (error) {
            failures.push(error);
          }
        }),
      );
    };

    // 1. a healthy stream
    for (let i = 0; i < 20; i++) await publishBatch(25);
    const confirmedBeforeStop = confirmed.length;
    expect(confirmedBeforeStop).toBe(500);

    // 2. the broker goes away while publishes are in flight and a backlog waits in the queue
    const inFlight = publishBatch(50);
    await brokerControl.stop();
    await inFlight;
    await waitUntil(() => !connection.isConnected(), 10_000, 'the client to notice the outage');
    const beforeOutagePublishes = failures.length;
    await publishBatch(20); // nowhere to go: each must fail with a typed error, not hang
    expect(failures.length).toBeGreaterThanOrEqual(beforeOutagePublishes + 20);
    for (const failure of failures) expect(failure).toBeInstanceOf(PublishError);
    // A request/reply meanwhile, with a short broker wait (admin-api's), fails with a typed error
    // after that wait, not after its whole timeout; one with the default wait is still pending then.
    const rpc = app.get(AmqpRpcClient);
    const asked = Date.now();
    await expect(
      rpc.request('restart.ping', {}, { timeoutMs: 30_000, brokerWaitMs: 1_000 }),
    ).rejects.toMatchObject({ name: 'RpcUnavailableError', reason: 'broker' });
    expect(Date.now() - asked).toBeLessThan(2_000);
    let patient: 'pending' | 'settled' = 'pending';
    const riding = rpc.request('restart.ping', {}, { timeoutMs: 60_000 }).then(
      (reply) => ((patient = 'settled'), reply),
      (error: unknown) => ((patient = 'settled'), error),
    );
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(patient).toBe('pending');

    // 3. the broker comes back; nothing is restarted by hand
    await brokerControl.start();
    restarted = true;
    await waitUntil(() => connection.isConnected(), 30_000, 'the client to reconnect');
    for (let i = 0; i < 8; i++) await publishBatch(25);

    await waitUntil(
      () => confirmed.every((id) => consumed.has(id)),
      60_000,
      'every confirmed event to be consumed',
    );
    const lost = confirmed.filter((id) => !consumed.has(id));
    expect(lost).toEqual([]);
    expect(confirmed.length).toBeGreaterThanOrEqual(700);
    expect(consumedAfterRestart).toBeGreaterThanOrEqual(200);
    // persistence: every confirmed message is on disk in the queue nobody consumed
    const parked = new Set(
      (await drainQueue(parkedQueue)).map((m) => (JSON.parse(m.content.toString()) as EventEnvelope).id),
    );
    expect(confirmed.filter((id) => !parked.has(id))).toEqual([]);

    // 4. request/reply works again too. The one made during the outage waited for the broker rather
    // than failing as unreachable; sent on the first reconnect it may still beat the server's queue
    // back (no handler yet), which is an answer the caller can retry, not a broker failure.
    const rode = await riding;
    if (rode !== 'pong') expect(rode).toMatchObject({ name: 'RpcUnavailableError', reason: 'no-handler' });
    await waitUntil(
      async () =>
        (await app
          .get(AmqpRpcClient)
          .request('restart.ping', {}, { timeoutMs: 1000 })
          .catch(() => null)) === 'pong',
      20_000,
      'RPC after the restart',
    );
  });
});
