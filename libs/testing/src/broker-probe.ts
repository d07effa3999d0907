import { EVENTS_EXCHANGE, type EventEnvelope } from '@wxop/contracts';
import { connect, type Channel, type ChannelModel, type ConsumeMessage, type GetMessage } from 'amqplib';

import { testEnv, waitUntil } from './test-env';

export interface ProbedMessage {
  envelope: EventEnvelope;
  routingKey: string;
  properties: ConsumeMessage['properties'];
}

/**
 * A plain-amqplib subscriber, like one a team in any language would write: binds a
 * temporary queue to the events exchange and collects the envelopes it receives.
 */
export class BrokerProbe {
  readonly messages: ProbedMessage[] = [];

  private constructor(
    private readonly connection: ChannelModel,
    private readonly channel: Channel,
  ) {}

  /** `namespace` prefixes the exchange name, as MessagingModule's `namespace` option does. */
  static async bind(
    patterns: string[],
    options: { namespace?: string; url?: string } = {},
  ): Promise<BrokerProbe> {
    const connection = await connect(options.url ?? testEnv.rabbitUrl);
    const channel = await connection.createChannel();
    const exchange = (options.namespace ?? '') + EVENTS_EXCHANGE;
    await channel.assertExchange(exchange, 'topic', { durable: true });
    const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
    for (const pattern of patterns) await channel.bindQueue(queue, exchange, pattern);
    const probe = new BrokerProbe(connection, channel);
    await channel.consume(
      queue,
      (message) => {
        if (!message) return;
        probe.messages.push({
          envelope: JSON.parse(message.content.toString('utf8')) as EventEnvelope,
          routingKey: message.fields.routingKey,
          properties: message.properties,
        });
      },
      { noAck: true },
    );
    return probe;
  }

  get envelopes(): EventEnvelope[] {
    return this.messages.map((message) => message.envelope);
  }

  /** Waits until `count` messages (optionally of one type) have arrived. */
  async waitFor(
    count: number,
    options: { type?: string; timeoutMs?: number } = {},
  ): Promise<EventEnvelope[]> {
    const matching = () =>
      this.envelopes.filter((envelope) => !options.type || envelope.type === options.type);
    await waitUntil(
      () => matching().length >= count,
      options.timeoutMs ?? 10_000,
      `${count} event(s)${options.type ? ` of ${options.type}` : ''}`,
    );
    return matching();
  }

  async close(): Promise<void> {
    await this.channel.close().catch(() => undefined);
    await this.connection.close().catch(() => undefined);
  }
}

/** Deletes queues and exchanges a test declared (the broker is shared between runs). */
export async function deleteBrokerObjects(
  objects: { queues?: string[]; exchanges?: string[] },
  url: string = testEnv.rabbitUrl,
): Promise<void> {
  const connection = await connect(url);
  try {
    const channel = await connection.createChannel();
    for (const queue of objects.queues ?? []) await channel.deleteQueue(queue);
    for (const exchange of objects.exchanges ?? []) await channel.deleteExchange(exchange);
    await channel.close();
  } finally {
    await connection.close();
  }
}

/** Reads every message currently in a queue (acks them), e.g. a dead-letter queue. */
export async function drainQueue(queue: string, url: string = testEnv.rabbitUrl): Promise<GetMessage[]> {
  const connection = await connect(url);
  try {
    const channel = await connection.createChannel();
    const drained: GetMessage[] = [];
    for (;;) {
      const message = await channel.get(queue, { noAck: true });
      if (!message) break;
      drained.push(message);
    }
    await channel.close();
    return drained;
  } finally {
    await connection.close();
  }
}

/**
 * Declares a durable queue bound to the events exchange that nobody consumes, so a test can
 * prove afterwards (with drainQueue) what was published, across a broker restart.
 */
export async function parkEvents(
  queue: string,
  patterns: string[],
  options: { namespace?: string; url?: string } = {},
): Promise<void> {
  const connection = await connect(options.url ?? testEnv.rabbitUrl);
  try {
    const channel = await connection.createChannel();
    const exchange = (options.namespace ?? '') + EVENTS_EXCHANGE;
    await channel.assertExchange(exchange, 'topic', { durable: true });
    await channel.assertQueue(queue, { durable: true });
    for (const pattern of patterns) await channel.bindQueue(queue, exchange, pattern);
    await channel.close();
  } finally {
    await connection.close();
  }
}

/**
 * Publishes an envelope to the events exchange the way wxop's publisher does (persistent,
 * confirmed, routing key = type), as ingress or any other publisher would put it there.
 */
export async function publishTestEvent(
  envelope: EventEnvelope,
  options: { namespace?: string; url?: string } = {},
): Promise<void> {
  const connection = await connect(options.url ?? testEnv.rabbitUrl);
  try {
    const channel = await connection.createConfirmChannel();
    const exchange = (options.namespace ?? '') + EVENTS_EXCHANGE;
    await channel.assertExchange(exchange, 'topic', { durable: true });
    channel.publish(exchange, envelope.type, Buffer.from(JSON.stringify(envelope)), {
      persistent: true,
      contentType: 'application/json',
      messageId: envelope.id,
      type: envelope.type,
    });
    await channel.waitForConfirms();
  } finally {
    await connection.close();
  }
}

/**
 * Whether the events exchange routes `routingKey` to any queue now: a `mandatory` publish of a
 * body that is no envelope comes back (basic.return, before its confirm) when no binding matches.
 * A queue it is routed to gets that body (a consumer dead-letters it as unparseable).
 */
export async function isRouted(
  routingKey: string,
  options: { namespace?: string; url?: string } = {},
): Promise<boolean> {
  const connection = await connect(options.url ?? testEnv.rabbitUrl);
  try {
    const channel = await connection.createConfirmChannel();
    let returned = false;
    channel.on('return', () => (returned = true));
    channel.publish((options.namespace ?? '') + EVENTS_EXCHANGE, routingKey, Buffer.from('routing probe'), {
      mandatory: true,
    });
    await channel.waitForConfirms();
    await channel.close();
    return !returned;
  } finally {
    await connection.close();
  }
}

/** Publishes an arbitrary body (e.g. a poison message that is not JSON) to the events exchange, confirmed. */
export async function publishRawTestMessage(
  routingKey: string,
  body: Buffer,
  options: { namespace?: string; url?: string; messageId?: string } = {},
): Promise<void> {
  const connection = await connect(options.url ?? testEnv.rabbitUrl);
  try {
    const channel = await connection.createConfirmChannel();
    const exchange = (options.namespace ?? '') + EVENTS_EXCHANGE;
    await channel.assertExchange(exchange, 'topic', { durable: true });
    channel.publish(exchange, routingKey, body, { persistent: true, messageId: options.messageId });
    await channel.waitForConfirms();
  } finally {
    await connection.close();
  }
}
