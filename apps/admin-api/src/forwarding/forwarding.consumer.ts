import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { QueueNames, type EventEnvelope } from '@wxop/contracts';
import { EventConsumers, type DeliveryContext } from '@wxop/messaging';

import { DELIVERY_MESSAGE_TYPE, type DeliveryMessageData } from './delivery-queue';
import { ForwardingDeliveriesService } from './forwarding-deliveries.service';
import { FORWARDING_SETTINGS, type ForwardingSettings } from './forwarding.tokens';

/**
 * Every event the enabled rules' patterns route to `admin-api.forwarding` (its bindings are kept
 * by ForwardingBindingsService, ADR 0018) becomes deliveries of the rules it matches, attempted
 * at once; a delivery not delivered so is a message of its own queue, retried there (RetryPolicy,
 * 24 h by default; `RABBITMQ_RETRY_*` and the per-queue override configure it).
 */
@Injectable()
export class ForwardingConsumer implements OnModuleInit {
  constructor(
    private readonly deliveries: ForwardingDeliveriesService,
    private readonly consumers: EventConsumers,
    @Inject(FORWARDING_SETTINGS) private readonly settings: ForwardingSettings,
  ) {}

  async onEvent(envelope: EventEnvelope<unknown>): Promise<void> {
    await this.deliveries.onEvent(envelope);
  }

  onModuleInit(): void {
    // Registered by hand: their prefetch comes from configuration (a decorator cannot read it).
    // The event queue's prefetch bounds the events in flight (first attempts), the delivery queue's retries.
    this.consumers.register(
      // `#` picks this handler for whatever is routed here; the bindings are the rules' patterns.
      {
        queue: QueueNames.AdminApiForwarding,
        patterns: ['#'],
        bind: false,
        prefetch: this.settings.eventsPrefetch,
      },
      (envelope: EventEnvelope<unknown>) => this.onEvent(envelope),
      `${ForwardingConsumer.name}.onEvent`,
    );
    this.consumers.register<DeliveryMessageData>(
      {
        queue: QueueNames.AdminApiForwardingDeliveries,
        patterns: [DELIVERY_MESSAGE_TYPE],
        prefetch: this.settings.prefetch,
      },
      (envelope, context: DeliveryContext) => this.deliveries.attempt(envelope.data, context),
      `${ForwardingConsumer.name}.attempt`,
    );
  }
}
