import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig } from '@wxop/config';
import { AppLogger, createFastifyAdapter } from '@wxop/observability';

import { IngressModule, type IngressModuleOptions } from './app.module';
import { IngressConfig } from './config/ingress.config';

/** Builds ingress: pushes are read as raw text (any content type) up to INGRESS_BODY_LIMIT_BYTES (413 beyond). */
export async function createIngressApp(options: IngressModuleOptions = {}): Promise<NestFastifyApplication> {
  const { ingress } = loadConfig({ ingress: IngressConfig }, options.env);
  const app = await NestFactory.create<NestFastifyApplication>(
    IngressModule.forRoot(options),
    createFastifyAdapter({ bodyLimit: ingress.INGRESS_BODY_LIMIT_BYTES }),
    { bufferLogs: true, bodyParser: false },
  );
  app.useLogger(app.get(AppLogger));
  const fastify = app.getHttpAdapter().getInstance();
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));
  app.enableShutdownHooks();
  return app;
}
