import type { INestApplication, ModuleMetadata } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';

export interface StartedApp {
  app: NestFastifyApplication;
  /** `http://127.0.0.1:<port>` */
  url: string;
  close(): Promise<void>;
}

/**
 * Starts a Nest module on Fastify on a free loopback port, as main.ts would, with
 * shutdown hooks; `configure` runs before listen (connect microservices, parsers…).
 */
export async function startNestApp(
  rootModule: NonNullable<ModuleMetadata['imports']>[number],
  options: { configure?: (app: NestFastifyApplication) => void | Promise<void>; logger?: false } = {},
): Promise<StartedApp> {
  const moduleRef = await Test.createTestingModule({ imports: [rootModule] }).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), {
    logger: options.logger ?? false,
    bufferLogs: false,
  });
  await options.configure?.(app);
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { app, url: `http://127.0.0.1:${port}`, close: () => app.close() };
}

/** A module instance without HTTP (consumers, RPC servers), initialised and bootstrapped. */
export async function startNestContext(
  rootModule: NonNullable<ModuleMetadata['imports']>[number],
): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({ imports: [rootModule] }).compile();
  const app = moduleRef.createNestApplication(new FastifyAdapter(), { logger: false });
  await app.init();
  return app;
}
