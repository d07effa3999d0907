import pino, { type DestinationStream, type Logger as PinoLogger, type LoggerOptions } from 'pino';

import { currentCorrelationId } from './correlation';

/**
 * Keys named like a credential are censored at the top level and two levels down; request
 * headers that carry credentials too.
 */
const SECRET_KEYS = [
  'password',
  'secret',
  'token',
  'accessToken',
  'refreshToken',
  'componentSecret',
  'componentAccessToken',
  'authorizerAccessToken',
  'authorizerRefreshToken',
  'component_appsecret',
  'component_secret',
  'component_access_token',
  'component_verify_ticket',
  'authorizer_access_token',
  'authorizer_refresh_token',
  'access_token',
  'refresh_token',
  'encodingAESKey',
  'encodingAesKey',
  'apiKey',
  'authorization',
];

export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  ...SECRET_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]),
];

/** Query parameters whose values are credentials (WeChat puts tokens in the URL). */
const SECRET_QUERY =
  /([?&](?:access_token|component_access_token|authorizer_access_token|ticket|echostr|key)=)[^&#]*/gi;

/** Removes credentials from a URL before it is logged. */
export function redactUrl(url: string | undefined): string | undefined {
  return url?.replace(SECRET_QUERY, '$1[REDACTED]');
}

export interface LoggingOptions {
  serviceName: string;
  level: string;
  /** Where lines go; stdout by default. Tests pass a stream to read them. */
  destination?: DestinationStream;
  /** Log one line per HTTP request (default true; health and metrics are never logged). */
  requestLogging?: boolean;
  /**
   * Carry the correlation id implicitly into every log line of handlers (AsyncLocalStorage).
   * Costs about half the throughput on Node 20 (docs/adr/0006); default false.
   */
  correlationContext?: boolean;
}

/** pino settings shared by every app: JSON, ISO time, redaction, the correlation id on every line. */
export function pinoOptions(options: LoggingOptions): LoggerOptions {
  return {
    level: options.level,
    base: { service: options.serviceName },
    messageKey: 'msg',
    timestamp: () => `,"time":"${new Date().toISOString()}"`,
    redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
    mixin: () => {
      const correlationId = currentCorrelationId();
      return correlationId ? { correlationId } : {};
    },
    formatters: { level: (label) => ({ level: label }) },
  };
}

export function createPinoLogger(options: LoggingOptions): PinoLogger {
  return pino(pinoOptions(options), options.destination ?? process.stdout);
}
