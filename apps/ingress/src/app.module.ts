import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import {
  ConfigModule,
  DatabaseConfig,
  LogConfig,
  RabbitMqConfig,
  SecretsConfig,
  WechatComponentConfig,
  loadConfig,
} from '@wxop/config';
import { DatabaseModule } from '@wxop/database';
import { MessagingModule } from '@wxop/messaging';
import { ObservabilityModule } from '@wxop/observability';
import { SecretBox } from '@wxop/secrets';

import { ComponentKeysService } from './components/component-keys.service';
import { IngressConfig } from './config/ingress.config';
import { INGRESS_MIGRATIONS } from './database/migrations';
import { OutboxRelayService } from './outbox/outbox-relay.service';
import { OutboxRepository } from './outbox/outbox.repository';
import { IngressErrorFilter } from './pushes/ingress-error.filter';
import { PushController } from './pushes/push.controller';
import { PushRequestHandler } from './pushes/push-request.handler';
import { PushService } from './pushes/push.service';
import { RequiredQueuesService } from './pushes/required-queues.service';

export interface IngressModuleOptions {
  env?: Record<string, string | undefined>;
  /** Broker namespace (integration tests). */
  namespace?: string;
}

@Module({})
export class IngressModule {
  static forRoot(options: IngressModuleOptions = {}): DynamicModule {
    const { log } = loadConfig({ log: LogConfig }, options.env);
    return {
      module: IngressModule,
      imports: [
        ConfigModule.forRoot({
          schemas: [
            IngressConfig,
            WechatComponentConfig,
            DatabaseConfig,
            RabbitMqConfig,
            LogConfig,
            SecretsConfig,
          ],
          env: options.env,
        }),
        ObservabilityModule.forRoot({ serviceName: 'ingress', level: log.LOG_LEVEL }),
        MessagingModule.forService('ingress', options.namespace),
        DatabaseModule.forRoot({ defaultName: 'wxop_ingress', migrations: INGRESS_MIGRATIONS }),
      ],
      controllers: [PushController],
      providers: [
        // Seals the outbox's payloads (pushes in clear never reach the database).
        {
          provide: SecretBox,
          inject: [SecretsConfig],
          useFactory: (secrets: SecretsConfig) =>
            SecretBox.fromConfig(secrets.SECRETS_KEYS, secrets.SECRETS_CURRENT_KEY_ID),
        },
        ComponentKeysService,
        OutboxRepository,
        OutboxRelayService,
        RequiredQueuesService,
        PushService,
        PushRequestHandler,
        { provide: APP_FILTER, useClass: IngressErrorFilter },
      ],
    };
  }
}
