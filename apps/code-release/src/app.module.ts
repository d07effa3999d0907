import { Module, type DynamicModule } from '@nestjs/common';
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
import { MessagingModule } from '@wxop/messaging';
import { ObservabilityModule } from '@wxop/observability';

import { CampaignsModule } from './campaigns/campaigns.module';
import { CodeReleaseConfig } from './config/code-release.config';
import { CODE_RELEASE_MIGRATIONS } from './database/migrations';
import { HistoryModule } from './history/history.module';
import { SharedModule } from './shared/shared.module';
import { TemplatesModule } from './templates/templates.module';
import { VersionsModule } from './versions/versions.module';

export interface CodeReleaseModuleOptions {
  env?: Record<string, string | undefined>;
  /** Broker namespace (integration tests). */
  namespace?: string;
}

/**
 * The code-release service. Feature modules: templates/, versions/ (one mini program by hand),
 * history/; campaigns/ adds `CampaignsModule` to `imports` below.
 */
@Module({})
export class CodeReleaseModule {
  static forRoot(options: CodeReleaseModuleOptions = {}): DynamicModule {
    const { log } = loadConfig({ log: LogConfig }, options.env);
    return {
      module: CodeReleaseModule,
      imports: [
        ConfigModule.forRoot({
          schemas: [
            CodeReleaseConfig,
            WechatComponentConfig,
            DatabaseConfig,
            RabbitMqConfig,
            LogConfig,
            WechatEndpointsConfig,
          ],
          env: options.env,
        }),
        ObservabilityModule.forRoot({ serviceName: 'code-release', level: log.LOG_LEVEL }),
        MessagingModule.forService('code-release', options.namespace),
        DatabaseModule.forRoot({ defaultName: 'wxop_code_release', migrations: CODE_RELEASE_MIGRATIONS }),
        ScheduleModule.forRoot(),
        SharedModule,
        HistoryModule,
        TemplatesModule,
        VersionsModule,
        CampaignsModule,
      ],
    };
  }
}
