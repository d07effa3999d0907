import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AmqpRpcServer } from '@wxop/messaging';
import { AppLogger, createFastifyAdapter } from '@wxop/observability';

import { AuthorizerModule, type AuthorizerModuleOptions } from './app.module';

/** Builds the authorizer service: merchants' pages, the RPC server and the push consumers. */
export async function createAuthorizerApp(
  options: AuthorizerModuleOptions = {},
): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(
    AuthorizerModule.forRoot(options),
    createFastifyAdapter({ bodyLimit: 64 * 1024 }),
    { bufferLogs: true },
  );
  app.useLogger(app.get(AppLogger));
  app.connectMicroservice({ strategy: app.get(AmqpRpcServer) }, { inheritAppConfig: true });
  await app.startAllMicroservices();
  app.enableShutdownHooks();
  return app;
}
