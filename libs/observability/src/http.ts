import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { FastifyServerFactory } from 'fastify';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Observable } from 'rxjs';

import { correlationIdFrom, runWithCorrelationId } from './correlation';

/**
 * Answers a hot route on the bare HTTP server ahead of Fastify (ADR 0007): returns false to leave
 * the request to Fastify. `serverClosing` tells whether the server is shutting down.
 */
export type DirectRouteHandler = (
  request: IncomingMessage,
  response: ServerResponse,
  serverClosing: () => boolean,
) => boolean;

export interface HttpAdapterOptions {
  /** Largest request body accepted, in bytes (Fastify answers 413 beyond it). */
  bodyLimit?: number;
  /**
   * Filled once the app is built (the server does not listen before): requests it takes never
   * reach Fastify. While the server closes, everything goes to Fastify, which answers 503.
   */
  directRoutes?: { handler?: DirectRouteHandler };
  /** Take the client IP from `X-Forwarded-For` (only behind a proxy that sets it). Off by default. */
  trustProxy?: boolean;
}

/**
 * The Fastify adapter every app uses: the request id is the caller's `x-correlation-id`
 * (or `x-request-id`) when sane, else a new UUID, so logs and events of one request share it.
 */
export function createFastifyAdapter(options: HttpAdapterOptions = {}): FastifyAdapter {
  return new FastifyAdapter({
    genReqId: (req: IncomingMessage) => correlationIdFrom(req.headers),
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    // ObservabilityModule logs requests through hooks; Fastify's own logger stays off.
    logger: false,
    ...(options.trustProxy ? { trustProxy: true } : {}),
    ...(options.directRoutes ? { serverFactory: directRoutesFirst(options.directRoutes) } : {}),
  });
}

/** The settings Fastify hands a server factory, its defaults applied. */
type FastifyServerTimeouts = Record<'keepAliveTimeout' | 'requestTimeout' | 'connectionTimeout', number>;

/** An HTTP server that offers each request to the direct handler first, then to Fastify. */
function directRoutesFirst(slot: { handler?: DirectRouteHandler }): FastifyServerFactory {
  return (fastify, fastifyOptions) => {
    const server = createServer((request, response) => {
      const closing = () => !server.listening;
      if (closing() || !slot.handler?.(request, response, closing)) fastify(request, response);
    });
    // What Fastify sets on a server it makes itself (by default: keep-alive 72 s, no timeouts).
    const { keepAliveTimeout, requestTimeout, connectionTimeout } = fastifyOptions as FastifyServerTimeouts;
    server.keepAliveTimeout = keepAliveTimeout;
    server.requestTimeout = requestTimeout;
    server.setTimeout(connectionTimeout);
    return server;
  };
}

/** Runs every HTTP handler inside its request's correlation id (so its logs and events carry it). */
@Injectable()
export class CorrelationInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<{ id?: string }>();
    // Nest defers the handler until subscription, so subscribing inside the context runs it there.
    return new Observable((subscriber) =>
      runWithCorrelationId(request.id, () => next.handle().subscribe(subscriber)),
    );
  }
}
