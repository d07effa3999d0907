import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ConfigModule, LogConfig } from '@wxop/config';
import { ObservabilityModule } from '@wxop/observability';

import { ApiGateway } from './api/api-gateway.service';
import { CountersService } from './api/counters.service';
import { FaultsService } from './api/faults.service';
import { WechatApiFilter } from './api/wechat-api.filter';
import { CodeApiController } from './code/code-api.controller';
import { CodeService } from './code/code.service';
import { WechatSimConfig } from './config/wechat-sim.config';
import { ControlController } from './control/control.controller';
import { SimControlService } from './control/sim-control.service';
import { TokenIssuesController } from './control/token-issues.controller';
import { ComponentApiController } from './credentials/component-api.controller';
import { CredentialsService } from './credentials/credentials.service';
import { AuthPagesController } from './pages/auth-pages.controller';
import { PushService } from './pushes/push.service';
import { FastRegistrationService } from './registrations/fast-registration.service';
import { SimClock } from './sim/sim-clock';
import { SimSettings } from './sim/sim-settings';
import { SimState } from './sim/sim-state';
import { loadConfig } from '@wxop/config';

/** The simulator; `env` defaults to process.env (tests pass their own). */
@Module({})
export class WechatSimModule {
  static forRoot(env?: Record<string, string | undefined>): DynamicModule {
    const { log } = loadConfig({ log: LogConfig }, env);
    return {
      module: WechatSimModule,
      imports: [
        ConfigModule.forRoot({ schemas: [WechatSimConfig, LogConfig], env }),
        ObservabilityModule.forRoot({ serviceName: 'wechat-sim', level: log.LOG_LEVEL }),
      ],
      controllers: [
        ComponentApiController,
        CodeApiController,
        AuthPagesController,
        ControlController,
        TokenIssuesController,
      ],
      providers: [
        SimState,
        SimClock,
        {
          provide: SimSettings,
          useFactory: (config: WechatSimConfig) => SimSettings.fromConfig(config),
          inject: [WechatSimConfig],
        },
        CountersService,
        FaultsService,
        ApiGateway,
        PushService,
        CredentialsService,
        CodeService,
        SimControlService,
        FastRegistrationService,
        { provide: APP_FILTER, useClass: WechatApiFilter },
      ],
    };
  }
}
