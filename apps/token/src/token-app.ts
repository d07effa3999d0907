import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AmqpRpcServer } from '@wxop/messaging';
import { AppLogger, createFastifyAdapter, type DirectRouteHandler } from '@wxop/observability';

import { TokenReadHandler } from './api/token-read.handler';
import { TokenModule, type TokenModuleOptions } from './app.module';

/** Largest body the proxy forwards (WeChat's media uploads go up to 10 MB). */
const BODY_LIMIT_BYTES = 10 * 1024 * 1024;

/**
 * Builds the token service: the HTTP token API and proxy, the RPC server, the push consumers and
 * the refresh schedule. The two token reads are answered by TokenReadHandler ahead of Fastify
 * (ADR 0007); bodies are read raw (the proxy forwards them byte for byte).
 */
export async function createTokenApp(options: TokenModuleOptions = {}): Promise<NestFastifyApplication> {
  const directRoutes: { handler?: DirectRouteHandler } = {};
  const app = await NestFactory.create<NestFastifyApplication>(
    TokenModule.forRoot(options),
    createFastifyAdapter({ bodyLimit: BODY_LIMIT_BYTES, directRoutes }),
    { bufferLogs: true, bodyParser: false },
  );
  app.useLogger(app.get(AppLogger));
  const fastify = app.getHttpAdapter().getInstance();
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  const reads = app.get(TokenReadHandler);
  directRoutes.handler = (request, response, closing) => reads.handle(request, response, closing);
  app.connectMicroservice({ strategy: app.get(AmqpRpcServer) }, { inheritAppConfig: true });
  await app.startAllMicroservices();
  app.enableShutdownHooks();
  return app;
}
