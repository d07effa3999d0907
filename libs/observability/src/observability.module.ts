import { Module, type DynamicModule } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { loadConfig } from '@wxop/config';

import { AppLogger } from './app-logger';
import { HealthController } from './health.controller';
import { HealthRegistry } from './health-registry';
import { enableCorrelationContext } from './correlation';
import { CorrelationInterceptor } from './http';
import { HttpLogging, PINO_LOGGER, REQUEST_LOGGING } from './http-logging';
import { LogFormatConfig, resolveLogFormat } from './log-format.config';
import { createPinoLogger, type LoggingOptions } from './logging';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';

export type ObservabilityOptions = LoggingOptions;

/**
 * Logging (pino, JSON or pretty, redaction, correlation ids), `/health/live` and `/health/ready`, and
 * Prometheus `/metrics`. Import once in each app module; create the app with
 * createFastifyAdapter() and call `app.useLogger(app.get(AppLogger))` so Nest's own logs go
 * through pino too.
 */
@Module({})
export class ObservabilityModule {
  static forRoot(options: ObservabilityOptions): DynamicModule {
    const format =
      options.format ??
      resolveLogFormat(loadConfig({ log: LogFormatConfig }).log.LOG_FORMAT, Boolean(process.stdout.isTTY));
    const logger = createPinoLogger({ ...options, format });
    if (options.correlationContext) enableCorrelationContext();
    return {
      module: ObservabilityModule,
      global: true,
      imports: [TerminusModule.forRoot({ logger: false })],
      controllers: [HealthController, MetricsController],
      providers: [
        HealthRegistry,
        { provide: PINO_LOGGER, useValue: logger },
        { provide: REQUEST_LOGGING, useValue: options.requestLogging ?? true },
        { provide: AppLogger, useValue: new AppLogger(logger) },
        { provide: MetricsService, useFactory: () => new MetricsService(options.serviceName) },
        ...(options.correlationContext
          ? [{ provide: APP_INTERCEPTOR, useClass: CorrelationInterceptor }]
          : []),
        HttpLogging,
      ],
      exports: [HealthRegistry, MetricsService, AppLogger, PINO_LOGGER],
    };
  }
}
