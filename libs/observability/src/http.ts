import { Injectable, type NestMiddleware } from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';

import { correlationIdFrom, runWithCorrelationId } from './correlation';

export interface HttpAdapterOptions {
  /** Largest request body accepted, in bytes (Fastify answers 413 beyond it). */
  bodyLimit?: number;
}

/**
 * The Fastify adapter every app uses: the request id is the caller's `x-correlation-id`
 * (or `x-request-id`) when sane, else a new UUID, so logs and events of one request share it.
 */
export function createFastifyAdapter(options: HttpAdapterOptions = {}): FastifyAdapter {
  return new FastifyAdapter({
    genReqId: (req: IncomingMessage) => correlationIdFrom(req.headers),
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    // pino-http (nestjs-pino) logs requests; Fastify's own logger stays off.
    logger: false,
  });
}

/** Runs each request inside its correlation id's async context and echoes the id to the caller. */
@Injectable()
export class CorrelationMiddleware implements NestMiddleware {
  use(req: IncomingMessage & { id?: string }, res: ServerResponse, next: () => void): void {
    const correlationId = req.id ?? correlationIdFrom(req.headers);
    req.id = correlationId;
    res.setHeader('x-correlation-id', correlationId);
    runWithCorrelationId(correlationId, next);
  }
}
