import { Inject, Injectable } from '@nestjs/common';
import { createEnvelope, QueueNames } from '@wxop/contracts';
import {
  AmqpConnection,
  BrokerNames,
  MESSAGING_OPTIONS,
  type ResolvedMessagingOptions,
} from '@wxop/messaging';
import type { ConfirmChannel } from 'amqplib';
import type { ChannelWrapper } from 'amqp-connection-manager';

/** Type of the messages of the delivery queue: private to admin-api, never on the events exchange. */
export const DELIVERY_MESSAGE_TYPE = 'admin_api.forwarding.delivery';

export interface DeliveryMessageData {
  deliveryId: string;
  ruleId: string;
}

/**
 * Puts deliveries on `admin-api.forwarding-deliveries` straight through the default exchange
 * (so subscribers of `wxop.events` never see them), persistent and confirmed. The consumer side
 * (EventConsumers) gives them the broker-held retry schedule of every queue (ADR 0018).
 */
@Injectable()
export class DeliveryQueue {
  private readonly channel: ChannelWrapper;
  private readonly queue: string;

  constructor(connection: AmqpConnection, @Inject(MESSAGING_OPTIONS) options: ResolvedMessagingOptions) {
    const names = new BrokerNames(options.namespace);
    this.queue = names.queue(QueueNames.AdminApiForwardingDeliveries);
    const queue = this.queue;
    this.channel = connection.createChannel('forwarding-deliveries', async (channel: ConfirmChannel) => {
      // The same arguments EventConsumers declares the queue with (a mismatch is refused).
      await channel.assertQueue(queue, {
        durable: true,
        arguments: { 'x-dead-letter-exchange': names.retryExchange, 'x-dead-letter-routing-key': queue },
      });
    });
  }

  /** Resolves once the broker confirmed every message. */
  async enqueue(deliveries: DeliveryMessageData[], componentAppid: string): Promise<void> {
    await Promise.all(
      deliveries.map((delivery) => {
        const envelope = createEnvelope(DELIVERY_MESSAGE_TYPE, delivery, { componentAppid });
        return this.channel.sendToQueue(this.queue, Buffer.from(JSON.stringify(envelope), 'utf8'), {
          persistent: true,
          contentType: 'application/json',
          messageId: envelope.id,
          type: envelope.type,
        });
      }),
    );
  }

  async close(): Promise<void> {
    await this.channel.close();
  }
}
