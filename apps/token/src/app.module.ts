import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ScheduleModule } from '@nestjs/schedule';
import {
  ConfigModule,
  DatabaseConfig,
  LogConfig,
  RabbitMqConfig,
  SecretsConfig,
  WechatComponentConfig,
  WechatEndpointsConfig,
  loadConfig,
} from '@wxop/config';
import { DatabaseModule } from '@wxop/database';
import { MessagingModule, TransactionalOutbox } from '@wxop/messaging';
import { ObservabilityModule } from '@wxop/observability';
import { SecretBox } from '@wxop/secrets';
import { WechatApiClient } from '@wxop/wechat-api';

import { ApiKeyGuard } from './api/api-key.guard';
import { ProxyService } from './api/proxy.service';
import { TokenApiController } from './api/token-api.controller';
import { TokenErrorFilter } from './api/token-error.filter';
import { TokenReadHandler } from './api/token-read.handler';
import { TokenRpcController } from './api/token-rpc.controller';
import { AuthCodeRepository } from './authorizers/auth-code.repository';
import { AuthCodeExchangeService } from './authorizers/auth-code-exchange.service';
import { AuthorizerImportService } from './authorizers/authorizer-import.service';
import { AuthorizerInvalidationService } from './authorizers/authorizer-invalidation.service';
import { AuthorizerRefreshService } from './authorizers/authorizer-refresh.service';
import { AuthorizerTokenCacheService } from './authorizers/authorizer-token-cache.service';
import { AuthorizerTokenReadsService } from './authorizers/authorizer-token-reads.service';
import { AuthorizerRepository } from './authorizers/authorizer.repository';
import { RefreshSchedulerService } from './authorizers/refresh-scheduler.service';
import { ComponentHealthService } from './components/component-health.service';
import { ComponentTokensService } from './components/component-tokens.service';
import { ComponentRepository } from './components/component.repository';
import { ComponentsService } from './components/components.service';
import { PreAuthCodesService } from './components/pre-auth-codes.service';
import { TicketStatusService } from './components/ticket-status.service';
import { TokenConfig } from './config/token.config';
import { TOKEN_MIGRATIONS } from './database/migrations';
import { ComponentPushesConsumer } from './pushes/component-pushes.consumer';
import { REPLICA_ID, newReplicaId } from './shared/replica-id';
import { TokenMetrics } from './shared/token.metrics';

export interface TokenModuleOptions {
  env?: Record<string, string | undefined>;
  /** Broker namespace (integration tests). */
  namespace?: string;
  /** Names this instance in leases; tests start several replicas in one process. */
  replicaId?: string;
}

@Module({})
export class TokenModule {
  static forRoot(options: TokenModuleOptions = {}): DynamicModule {
    const { log } = loadConfig({ log: LogConfig }, options.env);
    return {
      module: TokenModule,
      imports: [
        ConfigModule.forRoot({
          schemas: [
            TokenConfig,
            WechatComponentConfig,
            DatabaseConfig,
            RabbitMqConfig,
            LogConfig,
            SecretsConfig,
            WechatEndpointsConfig,
          ],
          env: options.env,
        }),
        ObservabilityModule.forRoot({ serviceName: 'token', level: log.LOG_LEVEL }),
        MessagingModule.forService('token', options.namespace),
        DatabaseModule.forRoot({ defaultName: 'wxop_token', migrations: TOKEN_MIGRATIONS }),
        ScheduleModule.forRoot(),
      ],
      controllers: [TokenApiController, TokenRpcController],
      providers: [
        { provide: REPLICA_ID, useValue: options.replicaId ?? newReplicaId() },
        {
          provide: SecretBox,
          inject: [SecretsConfig],
          useFactory: (secrets: SecretsConfig) =>
            SecretBox.fromConfig(secrets.SECRETS_KEYS, secrets.SECRETS_CURRENT_KEY_ID),
        },
        {
          provide: WechatApiClient,
          inject: [WechatEndpointsConfig, TokenConfig],
          useFactory: (endpoints: WechatEndpointsConfig, token: TokenConfig) =>
            new WechatApiClient({
              baseUrl: endpoints.WECHAT_API_BASE_URL,
              timeoutMs: token.TOKEN_WECHAT_TIMEOUT_MS,
              maxSockets: Math.max(64, token.TOKEN_REFRESH_CONCURRENCY * 2),
            }),
        },
        TransactionalOutbox,
        TokenMetrics,
        ComponentRepository,
        ComponentsService,
        TicketStatusService,
        ComponentTokensService,
        ComponentHealthService,
        PreAuthCodesService,
        AuthCodeRepository,
        AuthorizerRepository,
        AuthorizerTokenCacheService,
        AuthorizerRefreshService,
        AuthorizerTokenReadsService,
        AuthorizerInvalidationService,
        AuthCodeExchangeService,
        AuthorizerImportService,
        RefreshSchedulerService,
        ComponentPushesConsumer,
        ProxyService,
        ApiKeyGuard,
        TokenReadHandler,
        { provide: APP_FILTER, useClass: TokenErrorFilter },
      ],
    };
  }
}
