import type { INestApplication, ModuleMetadata } from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';

/** A module instance without HTTP (consumers, RPC servers), initialised and bootstrapped. */
export async function startNestContext(
  rootModule: NonNullable<ModuleMetadata['imports']>[number],
): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({ imports: [rootModule] }).compile();
  const app = moduleRef.createNestApplication(new FastifyAdapter(), { logger: false });
  await app.init();
  return app;
}
