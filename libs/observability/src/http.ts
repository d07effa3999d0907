import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { IncomingMessage } from 'node:http';
import { Observable } from 'rxjs';

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
    // ObservabilityModule logs requests through hooks; Fastify's own logger stays off.
    logger: false,
  });
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
