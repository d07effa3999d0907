import { Inject, Injectable } from '@nestjs/common';
import type { EventEnvelope } from '@wxop/contracts';
import type { ConfirmChannel, Message } from 'amqplib';
import type { ChannelWrapper } from 'amqp-connection-manager';

import { AmqpConnection } from './amqp-connection';
import { PublishError } from './messaging.errors';
import { BrokerNames, MESSAGING_OPTIONS, type ResolvedMessagingOptions } from './messaging.options';

export interface PublishOptions {
  /** Overrides the configured confirm timeout. */
  timeoutMs?: number;
  /**
   * Published with AMQP `mandatory`: an event the exchange routes to no queue at all comes back
   * (basic.return) and the publish rejects with PublishError `unroutable` instead of resolving
   * on the confirm that follows (the broker confirms a returned message too). For publishers whose
   * caller must not be told "accepted" when nobody will receive it (ingress, the WeChat pushes).
   */
  mandatory?: boolean;
}

/** Publishes of one message id waiting for their confirm, and how many came back unroutable. */
interface Unconfirmed {
  waiting: number;
  returned: number;
}

/**
 * Publishes envelopes to `wxop.events` with routing key = type, persistent, as plain JSON,
 * and resolves only when the broker has confirmed (so the event survives a broker restart).
 */
@Injectable()
export class EventPublisher {
  private readonly channel: ChannelWrapper;
  private readonly names: BrokerNames;
  /** Mandatory publishes by message id; a basic.return arrives before the confirm of the same message. */
  private readonly mandatory = new Map<string, Unconfirmed>();

  constructor(
    private readonly connection: AmqpConnection,
    @Inject(MESSAGING_OPTIONS) private readonly options: ResolvedMessagingOptions,
  ) {
    this.names = new BrokerNames(options.namespace);
    const exchange = this.names.eventsExchange;
    this.channel = connection.createChannel('publisher', async (channel: ConfirmChannel) => {
      channel.on('return', (message: Message) => this.onReturned(message));
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
    const mandatory = options.mandatory === true;
    const unconfirmed = mandatory ? this.awaitConfirm(envelope.id) : undefined;
    try {
      await this.channel.publish(this.names.eventsExchange, envelope.type, body, {
        ...(mandatory ? { mandatory: true } : {}),
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
    } finally {
      if (unconfirmed) this.settle(envelope.id, unconfirmed);
    }
    // The broker sends basic.return before the confirm of the same message, so it is counted by now.
    if (unconfirmed && unconfirmed.returned > 0) {
      unconfirmed.returned -= 1;
      throw new PublishError(
        'unroutable',
        `no queue is bound for event ${envelope.id} (${envelope.type}): nobody would receive it`,
      );
    }
  }

  /**
   * Which of these consumer queues (logical names) do not exist on the broker, by a passive
   * declare of each. Rejects when the broker cannot be asked (not connected).
   */
  async missingQueues(queues: readonly string[]): Promise<string[]> {
    const missing: string[] = [];
    for (const queue of queues) {
      if (!(await this.connection.queueExists(this.names.queue(queue)))) missing.push(queue);
    }
    return missing;
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
  private awaitConfirm(messageId: string): Unconfirmed {
    let entry = this.mandatory.get(messageId);
    if (!entry) {
      entry = { waiting: 0, returned: 0 };
      this.mandatory.set(messageId, entry);
    }
    entry.waiting += 1;
    return entry;
  }

  private settle(messageId: string, entry: Unconfirmed): void {
    entry.waiting -= 1;
    // Keeps a pending return for the publish of the same id still in flight (a concurrent WeChat retry).
    if (entry.waiting === 0 && this.mandatory.get(messageId) === entry) this.mandatory.delete(messageId);
  }

  private onReturned(message: Message): void {
    const id = message.properties.messageId as string | undefined;
    const entry = id === undefined ? undefined : this.mandatory.get(id);
    // A return for a publish that already timed out has nobody to tell.
    if (entry) entry.returned += 1;
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
