import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AmqpRpcServer } from '@wxop/messaging';
import { AppLogger, createFastifyAdapter } from '@wxop/observability';

import { CodeReleaseModule, type CodeReleaseModuleOptions } from './app.module';

/** Builds the code-release service: health and metrics over HTTP, everything else over RPC and events. */
export async function createCodeReleaseApp(
  options: CodeReleaseModuleOptions = {},
): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(
    CodeReleaseModule.forRoot(options),
    createFastifyAdapter({ bodyLimit: 64 * 1024 }),
    { bufferLogs: true },
  );
  app.useLogger(app.get(AppLogger));
  app.connectMicroservice({ strategy: app.get(AmqpRpcServer) }, { inheritAppConfig: true });
  await app.startAllMicroservices();
  app.enableShutdownHooks();
  return app;
}
