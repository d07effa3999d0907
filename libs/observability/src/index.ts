export { ObservabilityModule, type ObservabilityOptions } from './observability.module';
export { HealthRegistry, type ReadinessCheck } from './health-registry';
export { MetricsService } from './metrics.service';
export {
  runWithCorrelationId,
  currentCorrelationId,
  correlationIdFrom,
  CORRELATION_HEADERS,
} from './correlation';
export { pinoOptions, loggerModuleParams, redactUrl, REDACT_PATHS, type LoggingOptions } from './logging';
export { createFastifyAdapter, CorrelationMiddleware, type HttpAdapterOptions } from './http';
