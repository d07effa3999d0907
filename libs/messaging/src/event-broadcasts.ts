import { Inject, Injectable, Logger } from '@nestjs/common';
import type { EventEnvelope } from '@wxop/contracts';
import type { ConfirmChannel } from 'amqplib';
import type { ChannelWrapper } from 'amqp-connection-manager';

import { AmqpConnection } from './amqp-connection';
import { BrokerNames, MESSAGING_OPTIONS, type ResolvedMessagingOptions } from './messaging.options';

/**
 * Events every replica must see, such as "drop your cached copy": each subscription is a
 * server-named, exclusive, auto-deleted queue of this process, bound to the events exchange
 * (re-created after a reconnect). Unlike `@ConsumeEvent` queues (one delivery per service, retried,
 * dead-lettered), delivery is best effort: nothing is kept while the process is down, so use it only
 * where a missed notice is covered otherwise (a cache with a time limit).
 */
@Injectable()
export class EventBroadcasts {
  private readonly logger = new Logger(EventBroadcasts.name);
  private readonly names: BrokerNames;
  private readonly channels: ChannelWrapper[] = [];

  constructor(
    private readonly connection: AmqpConnection,
    @Inject(MESSAGING_OPTIONS) options: ResolvedMessagingOptions,
  ) {
    this.names = new BrokerNames(options.namespace);
  }

  /**
   * Calls `handler` for each event matching one of `patterns`; a handler's error is logged, never
   * retried. Does not wait for the broker: an app must start (and, like ingress, work) without it;
   * the subscription is set up whenever the connection is (re-)established.
   */
  subscribe(patterns: string[], handler: (envelope: EventEnvelope) => void | Promise<void>): void {
    const exchange = this.names.eventsExchange;
    const channel = this.connection.createChannel(
      `broadcast:${patterns.join(',')}`,
      async (raw: ConfirmChannel) => {
        await raw.assertExchange(exchange, 'topic', { durable: true });
        const { queue } = await raw.assertQueue('', { exclusive: true, autoDelete: true, durable: false });
        for (const pattern of patterns) await raw.bindQueue(queue, exchange, pattern);
        await raw.consume(
          queue,
          (message) => {
            if (!message) return;
            let envelope: EventEnvelope;
            try {
              envelope = JSON.parse(message.content.toString('utf8')) as EventEnvelope;
            } catch {
              return;
            }
            void Promise.resolve()
              .then(() => handler(envelope))
              .catch((error: unknown) =>
                this.logger.warn({
                  msg: 'broadcast handler failed',
                  type: envelope.type,
                  error: error instanceof Error ? error.message : String(error),
                }),
              );
          },
          { noAck: true },
        );
      },
    );
    this.channels.push(channel);
  }

  /** Stops every subscription (MessagingLifecycle calls it with the consumers' stop). */
  async close(): Promise<void> {
    await Promise.all(this.channels.splice(0).map((channel) => channel.close().catch(() => undefined)));
  }
}
