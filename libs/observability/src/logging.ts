import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
import type { DestinationStream, LoggerOptions } from 'pino';

import { correlationIdFrom, currentCorrelationId } from './correlation';

/**
 * Paths pino censors. Keys named like a credential are redacted at the top level and
 * two levels down; request headers that carry credentials too.
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
}

/** pino settings shared by every app: JSON, redaction, correlation ids on every line. */
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

/** nestjs-pino parameters: HTTP requests get a correlation id from the caller or a new one. */
export function loggerModuleParams(options: LoggingOptions): Params {
  return {
    pinoHttp: [
      {
        ...pinoOptions(options),
        genReqId: (req: IncomingMessage) => correlationIdFrom(req.headers),
        customProps: (req: IncomingMessage) => ({
          correlationId: (req as IncomingMessage & { id?: string }).id,
        }),
        customSuccessMessage: () => 'request completed',
        customErrorMessage: () => 'request failed',
        autoLogging: {
          ignore: (req: IncomingMessage) => Boolean(req.url?.startsWith('/health') || req.url === '/metrics'),
        },
        serializers: {
          req: (req: { id?: string; method?: string; url?: string }) => ({
            id: req.id,
            method: req.method,
            url: redactUrl(req.url),
          }),
          res: (res: ServerResponse | { statusCode?: number }) => ({ statusCode: res.statusCode }),
        },
      },
      options.destination ?? process.stdout,
    ] as Params['pinoHttp'],
    // Every Nest Logger call goes through pino with the same settings.
    renameContext: 'context',
  };
}
