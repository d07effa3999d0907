import { Inject, Injectable } from '@nestjs/common';
import type { EventEnvelope } from '@wxop/contracts';
import type { ConfirmChannel } from 'amqplib';
import type { ChannelWrapper } from 'amqp-connection-manager';

import { AmqpConnection } from './amqp-connection';
import { PublishError } from './messaging.errors';
import { BrokerNames, MESSAGING_OPTIONS, type ResolvedMessagingOptions } from './messaging.options';

export interface PublishOptions {
  /** Overrides the configured confirm timeout. */
  timeoutMs?: number;
}

/**
 * Publishes envelopes to `wxop.events` with routing key = type, persistent, as plain JSON,
 * and resolves only when the broker has confirmed (so the event survives a broker restart).
 */
@Injectable()
export class EventPublisher {
  private readonly channel: ChannelWrapper;
  private readonly names: BrokerNames;

  constructor(
    connection: AmqpConnection,
    @Inject(MESSAGING_OPTIONS) private readonly options: ResolvedMessagingOptions,
  ) {
    this.names = new BrokerNames(options.namespace);
    const exchange = this.names.eventsExchange;
    this.channel = connection.createChannel('publisher', async (channel: ConfirmChannel) => {
      await channel.assertExchange(exchange, 'topic', { durable: true });
    });
  }

  /** Resolves on the broker's confirm; rejects with PublishError on nack, timeout or shutdown. */
  async publish(envelope: EventEnvelope<unknown>, options: PublishOptions = {}): Promise<void> {
    const body = Buffer.from(JSON.stringify(envelope), 'utf8');
    const headers: Record<string, string> = {};
    if (envelope.correlationId) headers['x-correlation-id'] = envelope.correlationId;
    // A replay (push-log replay in admin-api) says so in a header too, for subscribers that route on headers.
    if (envelope.replayOf) headers['x-wxop-replay-of'] = envelope.replayOf;
    try {
      await this.channel.publish(this.names.eventsExchange, envelope.type, body, {
        persistent: true,
        contentType: 'application/json',
        contentEncoding: 'utf-8',
        messageId: envelope.id,
        type: envelope.type,
        timestamp: Math.floor(Date.parse(envelope.occurredAt) / 1000) || undefined,
        appId: this.options.serviceName,
        headers,
        timeout: options.timeoutMs ?? this.options.confirmTimeoutMs,
      });
    } catch (error) {
      throw toPublishError(error, envelope);
    }
  }

  /**
   * Sends an envelope straight to one of this app's consumer queues (logical name) through the
   * default exchange, persistent and confirmed: work the app gives itself (admin-api's forwarding
   * deliveries) that subscribers of the events exchange must not see. The queue must already be
   * declared, which `EventConsumers` does before the application starts.
   */
  async sendToQueue(
    queue: string,
    envelope: EventEnvelope<unknown>,
    options: PublishOptions = {},
  ): Promise<void> {
    const body = Buffer.from(JSON.stringify(envelope), 'utf8');
    try {
      await this.channel.sendToQueue(this.names.queue(queue), body, {
        persistent: true,
        contentType: 'application/json',
        contentEncoding: 'utf-8',
        messageId: envelope.id,
        type: envelope.type,
        appId: this.options.serviceName,
        timeout: options.timeoutMs ?? this.options.confirmTimeoutMs,
      });
    } catch (error) {
      throw toPublishError(error, envelope);
    }
  }

  /** Publishes several envelopes pipelined (confirms awaited together); rejects if any fails. */
  async publishAll(envelopes: EventEnvelope<unknown>[], options: PublishOptions = {}): Promise<void> {
    await Promise.all(envelopes.map((envelope) => this.publish(envelope, options)));
  }

  /** Number of publishes waiting to be sent or confirmed. */
  get pending(): number {
    return this.channel.queueLength();
  }

  /** Waits for unconfirmed publishes, then closes the channel (MessagingLifecycle calls it last). */
  async close(): Promise<void> {
    await this.channel.close();
  }
}

function toPublishError(error: unknown, envelope: EventEnvelope<unknown>): PublishError {
  const message = error instanceof Error ? error.message : String(error);
  const what = `event ${envelope.id} (${envelope.type})`;
  if (/timeout/i.test(message)) {
    return new PublishError('timeout', `broker did not confirm ${what} in time`, { cause: error });
  }
  if (/closed/i.test(message)) {
    return new PublishError('closed', `channel closed before ${what} was confirmed`, { cause: error });
  }
  return new PublishError('nacked', `broker refused ${what}: ${message}`, { cause: error });
}
