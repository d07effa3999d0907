import {
  Controller,
  Injectable,
  Module,
  type DynamicModule,
  type INestApplication,
  type Provider,
  type Type,
} from '@nestjs/common';
import { createEnvelope, type EventEnvelope } from '@wxop/contracts';
import { startNestContext, testEnv } from '@wxop/testing';

import { AmqpRpcServer, EventConsumers, MessagingModule, type MessagingOptions } from '../src';

/** Starts a Nest context with MessagingModule in the given namespace, its providers and controllers. */
export async function startService(
  options: Pick<
    MessagingOptions,
    'serviceName' | 'namespace' | 'retry' | 'confirmTimeoutMs' | 'rpcTimeoutMs'
  >,
  parts: { providers?: Provider[]; controllers?: Type[] } = {},
): Promise<INestApplication> {
  @Module({})
  class ServiceModule {}
  const root: DynamicModule = {
    module: ServiceModule,
    imports: [
      MessagingModule.forRoot({
        url: testEnv.rabbitUrl,
        prefetch: 10,
        reconnectSeconds: 1,
        shutdownTimeoutMs: 3000,
        ...options,
      }),
    ],
    providers: parts.providers ?? [],
    controllers: parts.controllers ?? [],
  };
  const app = await startNestContext(root);
  if ((parts.controllers ?? []).length > 0) {
    app.connectMicroservice({ strategy: app.get(AmqpRpcServer) }, { inheritAppConfig: true });
    await app.startAllMicroservices();
  }
  return app;
}

export function namesOf(app: INestApplication): string[] {
  return app.get(EventConsumers).declaredQueues();
}

let sequence = 0;
export function authorizedEvent(overrides: Partial<EventEnvelope> = {}): EventEnvelope {
  sequence += 1;
  return {
    ...createEnvelope(
      'authorization.authorized',
      {
        funcInfo: [1, 2],
        authorizerType: 'mini_program',
        nickName: `shop ${sequence}`,
        userName: 'gh_1',
        bizRef: `ref-${sequence}`,
      },
      { componentAppid: 'wxcomponent0001', authorizerAppid: 'wxauthorizer001' },
    ),
    ...overrides,
  };
}

export function eventOfType(type: string, data: Record<string, unknown>, authorizer = true): EventEnvelope {
  return createEnvelope(type, data, {
    componentAppid: 'wxcomponent0001',
    ...(authorizer ? { authorizerAppid: 'wxauthorizer001' } : {}),
  });
}

export { Controller, Injectable };
