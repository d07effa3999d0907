import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ScheduleModule } from '@nestjs/schedule';
import {
  ConfigModule,
  DatabaseConfig,
  LogConfig,
  RabbitMqConfig,
  SecretsConfig,
  loadConfig,
} from '@wxop/config';
import { DatabaseModule } from '@wxop/database';
import { MessagingModule } from '@wxop/messaging';
import { ObservabilityModule } from '@wxop/observability';

import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { ComponentsModule } from './components/components.module';
import { DashboardModule } from './dashboard/dashboard.module';
import { AdminApiConfig } from './config/admin-api.config';
import { ADMIN_API_MIGRATIONS } from './database/migrations';
import { DeadLettersModule } from './dead-letters/dead-letters.module';
import { PushesModule } from './pushes/pushes.module';
import { ForwardingModule } from './forwarding/forwarding.module';
import { ReleasesModule } from './releases/releases.module';
import { AdminApiErrorFilter } from './shared/admin-api-error.filter';

/** How long an RPC of admin-api waits for a broker connection that is down (MessagingOptions.rpcBrokerWaitMs). */
export const ADMIN_RPC_BROKER_WAIT_MS = 2_000;

export interface AdminApiModuleOptions {
  env?: Record<string, string | undefined>;
  /** Broker namespace (integration tests). */
  namespace?: string;
}

/**
 * admin-api: shared infrastructure (config, logging, database `wxop_admin`, RabbitMQ with the RPC
 * client AmqpRpcClient) and its feature modules; each feature's owner adds its module here.
 */
@Module({})
export class AdminApiModule {
  static forRoot(options: AdminApiModuleOptions = {}): DynamicModule {
    const { log } = loadConfig({ log: LogConfig }, options.env);
    return {
      module: AdminApiModule,
      imports: [
        ConfigModule.forRoot({
          schemas: [AdminApiConfig, DatabaseConfig, RabbitMqConfig, LogConfig, SecretsConfig],
          env: options.env,
        }),
        ObservabilityModule.forRoot({ serviceName: 'admin-api', level: log.LOG_LEVEL }),
        // An operator's page says "broker unreachable" within 2 s instead of after a 30 s RPC timeout.
        MessagingModule.forService('admin-api', options.namespace, {
          rpcBrokerWaitMs: ADMIN_RPC_BROKER_WAIT_MS,
        }),
        DatabaseModule.forRoot({ defaultName: 'wxop_admin', migrations: ADMIN_API_MIGRATIONS }),
        ScheduleModule.forRoot(),
        AuthModule,
        AuditModule,
        ComponentsModule,
        DashboardModule,
        PushesModule,
        DeadLettersModule,
        ForwardingModule,
        ReleasesModule,
      ],
      providers: [{ provide: APP_FILTER, useClass: AdminApiErrorFilter }],
    };
  }
}
