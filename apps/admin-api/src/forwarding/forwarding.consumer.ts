import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { QueueNames, type EventEnvelope } from '@wxop/contracts';
import { ConsumeEvent, EventConsumers, type DeliveryContext } from '@wxop/messaging';

import { DELIVERY_MESSAGE_TYPE, type DeliveryMessageData } from './delivery-queue';
import { ForwardingDeliveriesService } from './forwarding-deliveries.service';
import { FORWARDING_SETTINGS, type ForwardingSettings } from './forwarding.tokens';

/**
 * Every event of `wxop.events` (`#`, ADR 0018) becomes deliveries of the rules it matches; each
 * delivery is then a message of its own queue, attempted and retried there (RetryPolicy, 24 h by
 * default; `RABBITMQ_RETRY_*` and the per-queue override configure it).
 */
@Injectable()
export class ForwardingConsumer implements OnModuleInit {
  constructor(
    private readonly deliveries: ForwardingDeliveriesService,
    private readonly consumers: EventConsumers,
    @Inject(FORWARDING_SETTINGS) private readonly settings: ForwardingSettings,
  ) {}

  @ConsumeEvent({ queue: QueueNames.AdminApiForwarding, patterns: ['#'] })
  async onEvent(envelope: EventEnvelope<unknown>): Promise<void> {
    await this.deliveries.onEvent(envelope);
  }

  onModuleInit(): void {
    // Registered by hand: its prefetch comes from configuration (a decorator cannot read it).
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
