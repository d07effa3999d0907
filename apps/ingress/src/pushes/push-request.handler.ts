import { Inject, Injectable } from '@nestjs/common';
import { correlationIdFrom, logRequestLine, PINO_LOGGER, sendDirect } from '@wxop/observability';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Logger as PinoLogger } from 'pino';

import { IngressConfig } from '../config/ingress.config';
import { refusalOf } from './ingress-error.filter';
import { IngressError, IngressErrorCode } from './ingress.errors';
import { checkAppid, matchPushRoute, type PushRoute } from './push-route.util';
import { PushService } from './push.service';

/**
 * The two push URLs (POST), served on node:http ahead of Fastify and Nest (ingress-app.ts).
 *
 * Why not a controller: a push is ~0.1 ms of work, and Nest's Fastify pipeline (four onRequest
 * hooks, middie, the router context, and Fastify's body parsing, which binds an AsyncResource
 * per request at ~15 µs on Node 20) cost ~55 µs per push, a quarter of ingress's CPU per push
 * (apps/ingress/README.md, Benchmark). What that pipeline did for these routes is done here the
 * same way: correlation id from the caller's header (echoed in `x-correlation-id`), body limit
 * (413), refusals as `{ error, message, correlationId }`, one log line per request as
 * observability's HttpLogging writes it. Everything else (echostr GETs, health, metrics) stays on Nest.
 */
@Injectable()
export class PushRequestHandler {
  constructor(
    private readonly pushes: PushService,
    private readonly config: IngressConfig,
    @Inject(PINO_LOGGER) private readonly logger: PinoLogger,
  ) {}

  /** Takes the request if it is a push (and then answers it); false leaves it to Fastify. */
  handle(request: IncomingMessage, response: ServerResponse, serverClosing: () => boolean): boolean {
    const route = matchPushRoute(request.method, request.url ?? '');
    if (!route) return false;
    void this.answer(route, request, response, serverClosing);
    return true;
  }

  private async answer(
    route: PushRoute,
    request: IncomingMessage,
    response: ServerResponse,
    serverClosing: () => boolean,
  ): Promise<void> {
    const startedAt = performance.now();
    const correlationId = correlationIdFrom(request.headers);
    let status = 200;
    try {
      const body = await readBody(request, this.config.INGRESS_BODY_LIMIT_BYTES);
      const { reply } = await this.pushes.receive({
        kind: route.kind,
        componentAppid: checkAppid(route.componentAppid),
        authorizerAppid: route.authorizerAppid === undefined ? undefined : checkAppid(route.authorizerAppid),
        query: route.query,
        body,
      });
      sendDirect(
        response,
        200,
        reply.startsWith('<xml>') ? 'application/xml' : 'text/plain',
        reply,
        correlationId,
        serverClosing(),
      );
    } catch (error) {
      // The caller went away mid-request: nobody to answer (a push already published stays so).
      if (response.destroyed) return;
      const refusal = refusalOf(error, correlationId);
      status = refusal.status;
      if (error instanceof IngressError && error.code === IngressErrorCode.BodyTooLarge) {
        // The rest of the body is never read, so the connection cannot carry another request.
        response.setHeader('connection', 'close');
      }
      sendDirect(
        response,
        status,
        'application/json; charset=utf-8',
        JSON.stringify(refusal.body),
        correlationId,
        serverClosing(),
      );
    }
    logRequestLine(this.logger, request, status, correlationId, performance.now() - startedAt);
  }
}

/** The body as UTF-8 text, refused beyond `limit` bytes (declared or received). */
function readBody(request: IncomingMessage, limit: number): Promise<string> {
  const tooLarge = () => new IngressError(IngressErrorCode.BodyTooLarge, 'Request body is too large');
  if (Number(request.headers['content-length']) > limit) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      request.off('data', onData);
      reject(tooLarge());
    };
    request.on('data', onData);
    request.on('end', () =>
      resolve(chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8')),
    );
    request.on('error', reject);
    // A caller that goes away mid-body may not emit 'error': without this the push would wait forever.
    request.on('close', () => {
      if (!request.complete) reject(new Error('the caller closed the connection before the body ended'));
    });
  });
}
