import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig } from '@wxop/config';
import { AppLogger, createFastifyAdapter, type DirectRouteHandler } from '@wxop/observability';

import { IngressModule, type IngressModuleOptions } from './app.module';
import { IngressConfig } from './config/ingress.config';
import { PushRequestHandler } from './pushes/push-request.handler';

/**
 * Builds ingress: the two push URLs are answered by PushRequestHandler on the bare HTTP server,
 * before Fastify (ADR 0007); every other request (echostr, health, metrics) goes through Fastify and Nest.
 */
export async function createIngressApp(options: IngressModuleOptions = {}): Promise<NestFastifyApplication> {
  const { ingress } = loadConfig({ ingress: IngressConfig }, options.env);
  const directRoutes: { handler?: DirectRouteHandler } = {};
  const app = await NestFactory.create<NestFastifyApplication>(
    IngressModule.forRoot(options),
    createFastifyAdapter({ bodyLimit: ingress.INGRESS_BODY_LIMIT_BYTES, directRoutes }),
    { bufferLogs: true, bodyParser: false },
  );
  app.useLogger(app.get(AppLogger));
  const pushes = app.get(PushRequestHandler);
  directRoutes.handler = (request, response, closing) => pushes.handle(request, response, closing);
  app.enableShutdownHooks();
  return app;
}
