import { DEAD_LETTER_SUFFIX, QueueNames } from '@wxop/contracts';
import { connect, type Channel, type ChannelModel, type ConfirmChannel, type GetMessage } from 'amqplib';

import { RetryHeaders } from './delivery.util';

/** One dead-letter queue: its depth and how long its oldest message has waited. */
export interface DeadLetterQueueInfo {
  /** The DLQ's full name (with namespace). */
  queue: string;
  /** The consumer queue its messages came from, where a requeue sends them. */
  originalQueue: string;
  depth: number;
  /** Seconds since the oldest message was dead-lettered; absent when the queue is empty. */
  oldestAgeSeconds?: number;
}

/** A dead-lettered message as an operator reads it. */
export interface DeadLetter {
  messageId?: string;
  type?: string;
  /** The parsed JSON envelope; `undefined` when the body is not JSON (then see `body`). */
  envelope?: unknown;
  /** The body as text (cut at 64 KiB), for messages that are not JSON. */
  body: string;
  reason?: string;
  error?: string;
  attempts?: number;
  originalRoutingKey?: string;
  deadLetteredAt?: string;
}

/** Headers a requeue clears, so the consumer sees a first attempt with a fresh retry budget. */
const RETRY_STATE_HEADERS = [
  RetryHeaders.Attempt,
  RetryHeaders.FirstFailedAt,
  'x-death',
  'x-first-death-exchange',
  'x-first-death-queue',
  'x-first-death-reason',
  'x-wxop-reason',
  'x-wxop-error',
  'x-wxop-attempts',
  'x-wxop-dead-lettered-at',
];

/**
 * Operators' tools for `<queue>.dlq` (list, show, requeue, purge), on a plain amqplib connection so
 * the CLI (`npm run dlq`) and admin-api share them.
 *
 * Messages are read with basic.get and never acknowledged unless they are requeued or purged:
 * closing the channel puts every message read but not taken back at its place in the queue, so
 * `show` and a requeue by id change nothing else.
 */
export class DeadLetters {
  private constructor(
    private readonly connection: ChannelModel,
    private readonly namespace: string,
  ) {}

  static async connect(url: string, namespace = ''): Promise<DeadLetters> {
    const connection = await connect(url);
    // A lost connection fails the next call; it must not crash the process as an unhandled 'error'.
    connection.on('error', () => undefined);
    return new DeadLetters(connection, namespace);
  }

  /**
   * The DLQs of every consumer queue of this repository (`QueueNames`) that exists on the broker,
   * and of the extra consumer queues named (subscribers' own queues), with depth and oldest age.
   * AMQP cannot enumerate queues; the management API could, but it is not always enabled.
   */
  async list(extraQueues: string[] = []): Promise<DeadLetterQueueInfo[]> {
    const names = [...new Set([...Object.values(QueueNames), ...extraQueues])];
    const infos: DeadLetterQueueInfo[] = [];
    for (const name of names) {
      const info = await this.inspect(this.dlqName(name)).catch(() => undefined);
      if (info) infos.push(info);
    }
    return infos;
  }

  /** Depth and oldest age of one DLQ; throws when it does not exist. */
  async inspect(dlqOrQueue: string): Promise<DeadLetterQueueInfo> {
    const queue = this.dlqName(dlqOrQueue);
    return this.withChannel(async (channel) => {
      const { messageCount } = await channel.checkQueue(queue);
      const info: DeadLetterQueueInfo = {
        queue,
        originalQueue: queue.slice(0, -DEAD_LETTER_SUFFIX.length),
        depth: messageCount,
      };
      const head = await channel.get(queue, { noAck: false });
      if (head) {
        const at = Date.parse(String(head.properties.headers?.['x-wxop-dead-lettered-at'] ?? ''));
        if (Number.isFinite(at)) info.oldestAgeSeconds = Math.max(0, Math.round((Date.now() - at) / 1000));
      }
      return info;
    });
  }

  /** The first `limit` messages of a DLQ, left in place. */
  async show(dlqOrQueue: string, limit = 10): Promise<DeadLetter[]> {
    const queue = this.dlqName(dlqOrQueue);
    return this.withChannel(async (channel) => {
      const { messageCount } = await channel.checkQueue(queue);
      const letters: DeadLetter[] = [];
      for (let i = 0; i < Math.min(limit, messageCount); i++) {
        const message = await channel.get(queue, { noAck: false });
        if (!message) break;
        letters.push(toDeadLetter(message));
      }
      return letters;
    });
  }

  /**
   * Sends messages of a DLQ back to the queue they came from as first attempts (retry state
   * cleared, original routing key kept): the one with this AMQP message id / envelope id, or all.
   * Each is published with a confirm before it is removed from the DLQ. Returns how many moved.
   */
  async requeue(dlqOrQueue: string, which: { id: string } | { all: true }): Promise<number> {
    const queue = this.dlqName(dlqOrQueue);
    const target = queue.slice(0, -DEAD_LETTER_SUFFIX.length);
    const channel = await this.connection.createConfirmChannel();
    channel.on('error', () => undefined);
    try {
      await channel.checkQueue(target);
      const { messageCount } = await channel.checkQueue(queue);
      let moved = 0;
      // Bounded by the depth seen at the start: messages dead-lettered meanwhile wait for the next run.
      for (let i = 0; i < messageCount; i++) {
        const message = await channel.get(queue, { noAck: false });
        if (!message) break;
        if ('id' in which && idOf(message) !== which.id) continue;
        await publishConfirmed(channel, target, message);
        channel.ack(message);
        moved++;
        if ('id' in which) break;
      }
      return moved;
    } finally {
      await channel.close().catch(() => undefined);
    }
  }

  /** Deletes every message of a DLQ; returns how many there were. */
  async purge(dlqOrQueue: string): Promise<number> {
    const queue = this.dlqName(dlqOrQueue);
    return this.withChannel(async (channel) => {
      await channel.checkQueue(queue);
      return (await channel.purgeQueue(queue)).messageCount;
    });
  }

  async close(): Promise<void> {
    await this.connection.close().catch(() => undefined);
  }

  /** `authorizer.authorization-pushes`, `…pushes.dlq` or the namespaced name: the namespaced DLQ. */
  private dlqName(name: string): string {
    const withSuffix = name.endsWith(DEAD_LETTER_SUFFIX) ? name : name + DEAD_LETTER_SUFFIX;
    return this.namespace && !withSuffix.startsWith(this.namespace)
      ? this.namespace + withSuffix
      : withSuffix;
  }

  /** A channel per call: a passive check of a missing queue closes its channel. */
  private async withChannel<T>(work: (channel: Channel) => Promise<T>): Promise<T> {
    const channel = await this.connection.createChannel();
    // A missing queue closes the channel with 404: the awaited call rejects with it; no 'error' crash.
    channel.on('error', () => undefined);
    try {
      return await work(channel);
    } finally {
      await channel.close().catch(() => undefined);
    }
  }
}

function idOf(message: GetMessage): string | undefined {
  const messageId = message.properties.messageId as unknown;
  if (typeof messageId === 'string' && messageId !== '') return messageId;
  try {
    const parsed = JSON.parse(message.content.toString('utf8')) as { id?: unknown };
    return typeof parsed.id === 'string' ? parsed.id : undefined;
  } catch {
    return undefined;
  }
}

function toDeadLetter(message: GetMessage): DeadLetter {
  const headers = message.properties.headers ?? {};
  const body = message.content.toString('utf8');
  let envelope: unknown;
  try {
    envelope = JSON.parse(body);
  } catch {
    envelope = undefined;
  }
  const text = (value: unknown) => (value === undefined || value === null ? undefined : String(value));
  const attempts = Number(headers['x-wxop-attempts']);
  return {
    messageId: idOf(message),
    type: text(message.properties.type),
    envelope,
    body: envelope === undefined ? body.slice(0, 65_536) : '',
    reason: text(headers['x-wxop-reason']),
    error: text(headers['x-wxop-error']),
    attempts: Number.isFinite(attempts) ? attempts : undefined,
    originalRoutingKey: text(headers[RetryHeaders.OriginalRoutingKey]),
    deadLetteredAt: text(headers['x-wxop-dead-lettered-at']),
  };
}

function publishConfirmed(channel: ConfirmChannel, queue: string, message: GetMessage): Promise<void> {
  const headers: Record<string, unknown> = { ...(message.properties.headers ?? {}) };
  for (const name of RETRY_STATE_HEADERS) delete headers[name];
  headers['x-wxop-requeued-at'] = new Date().toISOString();
  return new Promise((resolve, reject) => {
    channel.sendToQueue(
      queue,
      message.content,
      { ...message.properties, headers, persistent: true, expiration: undefined },
      (error) => (error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve()),
    );
  });
}
