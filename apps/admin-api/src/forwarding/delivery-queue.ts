import { Injectable } from '@nestjs/common';
import { createEnvelope, QueueNames } from '@wxop/contracts';
import { EventPublisher } from '@wxop/messaging';

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
  constructor(private readonly publisher: EventPublisher) {}

  /** Resolves once the broker confirmed every message. */
  async enqueue(deliveries: DeliveryMessageData[], componentAppid: string): Promise<void> {
    await Promise.all(
      deliveries.map((delivery) =>
        this.publisher.sendToQueue(
          QueueNames.AdminApiForwardingDeliveries,
          createEnvelope(DELIVERY_MESSAGE_TYPE, delivery, { componentAppid }),
        ),
      ),
    );
  }
}
