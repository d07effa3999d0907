import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig } from '@wxop/config';
import { AppLogger, correlationIdFrom } from '@wxop/observability';
import type { FastifyServerFactory } from 'fastify';
import { createServer, type IncomingMessage } from 'node:http';

import { IngressModule, type IngressModuleOptions } from './app.module';
import { IngressConfig } from './config/ingress.config';
import { PushRequestHandler } from './pushes/push-request.handler';

/**
 * Builds ingress: the two push URLs are answered by PushRequestHandler on the bare HTTP server,
 * before Fastify; every other request (echostr, health, metrics) goes through Fastify and Nest.
 */
export async function createIngressApp(options: IngressModuleOptions = {}): Promise<NestFastifyApplication> {
  const { ingress } = loadConfig({ ingress: IngressConfig }, options.env);
  const handlers: PushHandlerSlot = {};
  // createFastifyAdapter() of @wxop/observability with a server factory, which it cannot take:
  // the same request ids (the caller's correlation id, else a UUID), body limit and logger.
  const adapter = new FastifyAdapter({
    genReqId: (request: IncomingMessage) => correlationIdFrom(request.headers),
    bodyLimit: ingress.INGRESS_BODY_LIMIT_BYTES,
    logger: false,
    serverFactory: pushesFirst(handlers),
  });
  const app = await NestFactory.create<NestFastifyApplication>(IngressModule.forRoot(options), adapter, {
    bufferLogs: true,
    bodyParser: false,
  });
  app.useLogger(app.get(AppLogger));
  handlers.pushes = app.get(PushRequestHandler);
  app.enableShutdownHooks();
  return app;
}

/** Filled once the app is built; the server does not listen before that. */
interface PushHandlerSlot {
  pushes?: PushRequestHandler;
}

/** The settings Fastify hands a server factory, its defaults applied. */
type FastifyServerTimeouts = Record<'keepAliveTimeout' | 'requestTimeout' | 'connectionTimeout', number>;

/** An HTTP server that gives pushes to PushRequestHandler and every other request to Fastify. */
function pushesFirst(handlers: PushHandlerSlot): FastifyServerFactory {
  return (fastify, fastifyOptions) => {
    const server = createServer((request, response) => {
      // Once closing, Fastify answers everything (503), pushes included, as before.
      const closing = () => !server.listening;
      if (closing() || !handlers.pushes?.handle(request, response, closing)) fastify(request, response);
    });
    // What Fastify sets on a server it makes itself (by default: keep-alive 72 s, no timeouts).
    const { keepAliveTimeout, requestTimeout, connectionTimeout } = fastifyOptions as FastifyServerTimeouts;
    server.keepAliveTimeout = keepAliveTimeout;
    server.requestTimeout = requestTimeout;
    server.setTimeout(connectionTimeout);
    return server;
  };
}
