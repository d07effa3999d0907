import type { ServerResponse } from 'node:http';
import type { Logger as PinoLogger } from 'pino';

import { redactUrl } from './redaction';

/**
 * The one line per request that HttpLogging writes for Fastify routes, for the hot routes an app
 * answers on the bare HTTP server ahead of Fastify (ADR 0007), so the logs look the same.
 */
export function logRequestLine(
  logger: PinoLogger,
  request: { method?: string; url?: string },
  status: number,
  correlationId: string,
  elapsedMs: number,
): void {
  const level = status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
  if (!logger.isLevelEnabled(level)) return;
  logger[level](
    {
      correlationId,
      req: { method: request.method, url: redactUrl(request.url) },
      res: { statusCode: status },
      responseTimeMs: Math.round(elapsedMs * 10) / 10,
    },
    'request completed',
  );
}

/**
 * Writes a whole answer on the bare HTTP server, with the correlation id echoed as Fastify's hook
 * does. `closing`: the server is shutting down, so the keep-alive connection is closed after this
 * answer instead of holding the shutdown until keepAliveTimeout (Fastify does the same).
 */
export function sendDirect(
  response: ServerResponse,
  status: number,
  contentType: string,
  body: string,
  correlationId: string,
  closing: boolean,
): void {
  const headers: Record<string, string | number> = {
    'content-type': contentType,
    'content-length': Buffer.byteLength(body),
    'x-correlation-id': correlationId,
  };
  if (closing) headers['connection'] = 'close';
  response.writeHead(status, headers);
  response.end(body);
}
