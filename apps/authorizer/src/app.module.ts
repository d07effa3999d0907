import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ScheduleModule } from '@nestjs/schedule';
import {
  ConfigModule,
  DatabaseConfig,
  LogConfig,
  RabbitMqConfig,
  WechatComponentConfig,
  WechatEndpointsConfig,
  loadConfig,
} from '@wxop/config';
import { DatabaseModule } from '@wxop/database';
import { Inbox, MessagingModule, TransactionalOutbox } from '@wxop/messaging';
import { ObservabilityModule } from '@wxop/observability';
import { WechatApiClient } from '@wxop/wechat-api';

import { AuthorizerRpcController } from './api/authorizer-rpc.controller';
import { AuthorizationPushesConsumer } from './authorizers/authorization-pushes.consumer';
import { AuthorizationsService } from './authorizers/authorizations.service';
import { AuthorizationGrantRepository } from './authorizers/authorization-grant.repository';
import { AuthorizationRepository } from './authorizers/authorization.repository';
import { AuthorizerCredentialRepository } from './authorizers/authorizer-credential.repository';
import { AuthorizerHistoryRepository } from './authorizers/authorizer-history.repository';
import { AuthorizerProfileRepository } from './authorizers/authorizer-profile.repository';
import { AuthorizerSearchRepository } from './authorizers/authorizer-search.repository';
import { FastRegistrationRepository } from './authorizers/fast-registration.repository';
import { FastRegistrationsService } from './authorizers/fast-registrations.service';
import { ProfilesService } from './authorizers/profiles.service';
import { TokenEventsConsumer } from './authorizers/token-events.consumer';
import { AuthorizerConfig } from './config/authorizer.config';
import { AUTHORIZER_MIGRATIONS } from './database/migrations';
import { AuthorizationPagesController } from './links/authorization-pages.controller';
import { AuthorizerPageFilter } from './links/authorizer-page.filter';
import { LandingService } from './links/landing.service';
import { LinkRepository } from './links/link.repository';
import { LinksService } from './links/links.service';
import { AuthorizationOutcomeRepository } from './recovery/authorization-outcome.repository';
import { AuthorizationRecoveryService } from './recovery/authorization-recovery.service';
import { ReleaseCheckConsumer } from './release-check/release-check.consumer';
import { ReleaseCheckService } from './release-check/release-check.service';
import { TokenClient } from './shared/token.client';
import { AuthorizerSchedulerService } from './sync/authorizer-scheduler.service';
import { SyncRepository } from './sync/sync.repository';
import { SyncService } from './sync/sync.service';

export interface AuthorizerModuleOptions {
  env?: Record<string, string | undefined>;
  /** Broker namespace (integration tests). */
  namespace?: string;
}

@Module({})
export class AuthorizerModule {
  static forRoot(options: AuthorizerModuleOptions = {}): DynamicModule {
    const { log } = loadConfig({ log: LogConfig }, options.env);
    return {
      module: AuthorizerModule,
      imports: [
        ConfigModule.forRoot({
          schemas: [
            AuthorizerConfig,
            WechatComponentConfig,
            DatabaseConfig,
            RabbitMqConfig,
            LogConfig,
            WechatEndpointsConfig,
          ],
          env: options.env,
        }),
        ObservabilityModule.forRoot({ serviceName: 'authorizer', level: log.LOG_LEVEL }),
        MessagingModule.forService('authorizer', options.namespace),
        DatabaseModule.forRoot({ defaultName: 'wxop_authorizer', migrations: AUTHORIZER_MIGRATIONS }),
        ScheduleModule.forRoot(),
      ],
      controllers: [AuthorizationPagesController, AuthorizerRpcController],
      providers: [
        {
          provide: WechatApiClient,
          inject: [WechatEndpointsConfig, AuthorizerConfig],
          useFactory: (endpoints: WechatEndpointsConfig, config: AuthorizerConfig) =>
            new WechatApiClient({
              baseUrl: endpoints.WECHAT_API_BASE_URL,
              timeoutMs: config.AUTHORIZER_WECHAT_TIMEOUT_MS,
              // A sync and a profile pass each keep AUTHORIZER_SYNC_CONCURRENCY calls in flight.
              maxSockets: config.AUTHORIZER_SYNC_CONCURRENCY * 2 + 16,
            }),
        },
        TransactionalOutbox,
        Inbox,
        TokenClient,
        LinkRepository,
        LinksService,
        LandingService,
        AuthorizationGrantRepository,
        AuthorizerCredentialRepository,
        AuthorizationRepository,
        AuthorizerProfileRepository,
        AuthorizerHistoryRepository,
        AuthorizerSearchRepository,
        FastRegistrationRepository,
        AuthorizationsService,
        AuthorizationPushesConsumer,
        AuthorizationOutcomeRepository,
        AuthorizationRecoveryService,
        ProfilesService,
        FastRegistrationsService,
        TokenEventsConsumer,
        ReleaseCheckService,
        ReleaseCheckConsumer,
        SyncRepository,
        SyncService,
        AuthorizerSchedulerService,
        { provide: APP_FILTER, useClass: AuthorizerPageFilter },
      ],
    };
  }
}
