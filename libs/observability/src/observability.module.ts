import { Module, type DynamicModule, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { LoggerModule } from 'nestjs-pino';

import { HealthController } from './health.controller';
import { HealthRegistry } from './health-registry';
import { CorrelationMiddleware } from './http';
import { loggerModuleParams, type LoggingOptions } from './logging';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';

export type ObservabilityOptions = LoggingOptions;

/**
 * Logging (nestjs-pino, JSON, redaction, correlation ids), `/health/live` and `/health/ready`,
 * and Prometheus `/metrics`. Import once in each app module; call `app.useLogger(app.get(Logger))`
 * in main.ts so Nest's own logs go through pino too, and create the app with createFastifyAdapter().
 */
@Module({})
export class ObservabilityModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(CorrelationMiddleware).forRoutes('*');
  }

  static forRoot(options: ObservabilityOptions): DynamicModule {
    return {
      module: ObservabilityModule,
      global: true,
      imports: [LoggerModule.forRoot(loggerModuleParams(options)), TerminusModule.forRoot({ logger: false })],
      controllers: [HealthController, MetricsController],
      providers: [
        HealthRegistry,
        { provide: MetricsService, useFactory: () => new MetricsService(options.serviceName) },
      ],
      exports: [HealthRegistry, MetricsService],
    };
  }
}
