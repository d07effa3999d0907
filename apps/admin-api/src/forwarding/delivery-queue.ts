import { Injectable } from '@nestjs/common';
import { createEnvelope, QueueNames } from '@wxop/contracts';
import { EventPublisher } from '@wxop/messaging';

import { GroupCommit } from './group-commit';

/** Type of the messages of the delivery queue: private to admin-api, never on the events exchange. */
export const DELIVERY_MESSAGE_TYPE = 'admin_api.forwarding.delivery';

export interface DeliveryMessageData {
  deliveryId: string;
  ruleId: string;
}

interface QueuedDelivery {
  delivery: DeliveryMessageData;
  componentAppid: string;
}

/**
 * Puts deliveries on `admin-api.forwarding-deliveries` straight through the default exchange
 * (so subscribers of `wxop.events` never see them), persistent and confirmed. The consumer side
 * (EventConsumers) gives them the broker-held retry schedule of every queue (ADR 0018). One
 * message per delivery (its own retry schedule); the enqueues of events settled at the same time
 * are sent as one batch whose confirms are awaited together (`GroupCommit`).
 */
@Injectable()
export class DeliveryQueue {
  private readonly batches = new GroupCommit<QueuedDelivery>((entries) => this.send(entries), {
    maxBatch: 1000,
    maxConcurrentWrites: 4,
  });

  constructor(private readonly publisher: EventPublisher) {}

  /** Resolves once the broker confirmed every message. */
  async enqueue(deliveries: DeliveryMessageData[], componentAppid: string): Promise<void> {
    await Promise.all(
      deliveries.map((delivery) => this.batches.add(delivery.deliveryId, { delivery, componentAppid })),
    );
  }

  private async send(entries: QueuedDelivery[]): Promise<void> {
    await Promise.all(
      entries.map(({ delivery, componentAppid }) =>
        this.publisher.sendToQueue(
          QueueNames.AdminApiForwardingDeliveries,
          createEnvelope(DELIVERY_MESSAGE_TYPE, delivery, { componentAppid }),
        ),
      ),
    );
  }
}
