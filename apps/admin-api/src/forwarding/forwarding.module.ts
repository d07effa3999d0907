import { Module, type OnApplicationShutdown } from '@nestjs/common';
import { SecretsConfig } from '@wxop/config';
import { SecretBox } from '@wxop/secrets';

import { AdminApiConfig } from '../config/admin-api.config';
import { DeliveryQueue } from './delivery-queue';
import { ForwardingConsumer } from './forwarding.consumer';
import { ForwardingController } from './forwarding.controller';
import { FORWARDING_SETTINGS, type ForwardingSettings } from './forwarding.tokens';
import { ForwardingBindingRepository } from './forwarding-binding.repository';
import { ForwardingBindingsService } from './forwarding-bindings.service';
import { ForwardingDeliveriesService } from './forwarding-deliveries.service';
import { ForwardingDeliveryRepository } from './forwarding-delivery.repository';
import { ForwardingRetentionService } from './forwarding-retention.service';
import { ForwardingRuleRepository } from './forwarding-rule.repository';
import { ForwardingRulesService } from './forwarding-rules.service';
import { HttpDeliverer } from './http-deliverer';
import { SsrfGuard } from './ssrf-guard';

/** Forwarding to HTTP subscribers (ADR 0018); exports ForwardingRulesService for the dashboard. */
@Module({
  controllers: [ForwardingController],
  providers: [
    {
      provide: FORWARDING_SETTINGS,
      inject: [AdminApiConfig],
      useFactory: (config: AdminApiConfig): ForwardingSettings => ({
        rotationOverlapSeconds: config.ADMIN_API_FORWARDING_ROTATION_OVERLAP_SECONDS,
        timeoutMs: config.ADMIN_API_FORWARDING_TIMEOUT_MS,
        prefetch: config.ADMIN_API_FORWARDING_PREFETCH,
        eventsPrefetch: config.ADMIN_API_FORWARDING_EVENTS_PREFETCH,
        inlineWaitMs: config.ADMIN_API_FORWARDING_INLINE_WAIT_MS,
        bindingsReconcileMs: config.ADMIN_API_FORWARDING_BINDINGS_RECONCILE_SECONDS * 1000,
      }),
    },
    {
      provide: HttpDeliverer,
      inject: [AdminApiConfig],
      useFactory: (config: AdminApiConfig) =>
        new HttpDeliverer(
          new SsrfGuard({
            allowPrivate: config.ADMIN_API_FORWARDING_ALLOW_PRIVATE_TARGETS,
            allowedCidrs: config.ADMIN_API_FORWARDING_ALLOWED_CIDRS,
          }),
          {
            timeoutMs: config.ADMIN_API_FORWARDING_TIMEOUT_MS,
            connections: config.ADMIN_API_FORWARDING_PREFETCH,
          },
        ),
    },
    {
      provide: SecretBox,
      inject: [SecretsConfig],
      useFactory: (secrets: SecretsConfig) =>
        SecretBox.fromConfig(secrets.SECRETS_KEYS, secrets.SECRETS_CURRENT_KEY_ID),
    },
    ForwardingRuleRepository,
    ForwardingDeliveryRepository,
    ForwardingBindingRepository,
    ForwardingBindingsService,
    ForwardingRulesService,
    ForwardingDeliveriesService,
    DeliveryQueue,
    ForwardingConsumer,
    ForwardingRetentionService,
  ],
  exports: [ForwardingRulesService],
})
export class ForwardingModule implements OnApplicationShutdown {
  constructor(private readonly deliverer: HttpDeliverer) {}

  async onApplicationShutdown(): Promise<void> {
    await this.deliverer.close();
  }
}
