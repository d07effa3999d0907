export { ObservabilityModule, type ObservabilityOptions } from './observability.module';
export { AppLogger } from './app-logger';
export { HealthRegistry, type ReadinessCheck, type ReadinessDetails } from './health-registry';
export { MetricsService } from './metrics.service';
export {
  runWithCorrelationId,
  currentCorrelationId,
  correlationIdFrom,
  enableCorrelationContext,
  correlationContextEnabled,
  CORRELATION_HEADERS,
} from './correlation';
export { pinoOptions, createPinoLogger, type LoggingOptions, type LogFormat } from './logging';
export { LogFormatConfig, LOG_FORMATS, resolveLogFormat } from './log-format.config';
export { CENSOR, isSecretKey, redactFields, redactUrl, scrubText } from './redaction';
export {
  createFastifyAdapter,
  CorrelationInterceptor,
  type DirectRouteHandler,
  type HttpAdapterOptions,
} from './http';
export { PINO_LOGGER } from './http-logging';
export { logRequestLine, sendDirect } from './direct-http';
