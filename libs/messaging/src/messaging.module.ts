import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { RabbitMqConfig } from '@wxop/config';

import { AmqpConnection } from './amqp-connection';
import { BrokerHealth } from './broker-health';
import { EventBroadcasts } from './event-broadcasts';
import { EventConsumers } from './event-consumers';
import { EventPublisher } from './event-publisher';
import { MessagingLifecycle } from './messaging.lifecycle';
import {
  MESSAGING_OPTIONS,
  resolveMessagingOptions,
  type MessagingOptions,
  type ResolvedMessagingOptions,
} from './messaging.options';
import { AmqpRpcClient } from './rpc/amqp-rpc.client';
import { AmqpRpcServer } from './rpc/amqp-rpc.server';

/**
 * RabbitMQ for one app: EventPublisher, @ConsumeEvent handlers, AmqpRpcClient, and the
 * AmqpRpcServer transport for @MessagePattern handlers. Global: import once in the app module.
 */
@Module({})
export class MessagingModule {
  static forRoot(options: MessagingOptions): DynamicModule {
    const resolved = resolveMessagingOptions(options);
    return MessagingModule.build({ provide: MESSAGING_OPTIONS, useValue: resolved });
  }

  /** Options from other providers, e.g. the validated config: `{ useFactory: (c: RabbitMqConfig) => …, inject: [RabbitMqConfig] }`. */
  static forRootAsync(options: {
    useFactory: (...args: never[]) => MessagingOptions;
    inject?: (string | symbol | (abstract new (...args: never[]) => unknown))[];
  }): DynamicModule {
    return MessagingModule.build({
      provide: MESSAGING_OPTIONS,
      useFactory: (...args: never[]) => resolveMessagingOptions(options.useFactory(...args)),
      inject: options.inject ?? [],
    });
  }

  /**
   * What every app of this repository uses: the settings of the validated RabbitMqConfig (register
   * it with ConfigModule), the RPC queue `<serviceName>.rpc`, and RABBITMQ_NAMESPACE unless a test
   * passes its own namespace.
   */
  static forService(
    serviceName: string,
    namespace?: string,
    overrides: Pick<MessagingOptions, 'rpcBrokerWaitMs'> = {},
  ): DynamicModule {
    return MessagingModule.forRootAsync({
      inject: [RabbitMqConfig],
      useFactory: (rabbit: RabbitMqConfig) => ({
        ...overrides,
        url: rabbit.RABBITMQ_URL,
        serviceName,
        prefetch: rabbit.RABBITMQ_PREFETCH,
        confirmTimeoutMs: rabbit.RABBITMQ_CONFIRM_TIMEOUT_MS,
        rpcTimeoutMs: rabbit.RABBITMQ_RPC_TIMEOUT_MS,
        namespace: namespace ?? rabbit.RABBITMQ_NAMESPACE,
        retry: {
          initialDelayMs: rabbit.RABBITMQ_RETRY_INITIAL_DELAY_MS,
          maxDelayMs: Math.max(rabbit.RABBITMQ_RETRY_MAX_DELAY_MS, rabbit.RABBITMQ_RETRY_INITIAL_DELAY_MS),
          maxTotalMs: rabbit.RABBITMQ_RETRY_MAX_TOTAL_SECONDS * 1000,
          byQueue: retryTotalsByQueue(rabbit.RABBITMQ_RETRY_MAX_TOTAL_SECONDS_BY_QUEUE),
        },
      }),
    });
  }

  private static build(optionsProvider: Provider): DynamicModule {
    return {
      module: MessagingModule,
      global: true,
      imports: [DiscoveryModule],
      providers: [
        optionsProvider,
        {
          provide: AmqpConnection,
          useFactory: (resolved: ResolvedMessagingOptions) =>
            new AmqpConnection(resolved.url, resolved.reconnectSeconds, resolved.serviceName),
          inject: [MESSAGING_OPTIONS],
        },
        EventPublisher,
        EventConsumers,
        EventBroadcasts,
        AmqpRpcClient,
        AmqpRpcServer,
        BrokerHealth,
        MessagingLifecycle,
      ],
      exports: [
        MESSAGING_OPTIONS,
        AmqpConnection,
        EventPublisher,
        EventConsumers,
        EventBroadcasts,
        AmqpRpcClient,
        AmqpRpcServer,
      ],
    };
  }
}

/** `queue=seconds,…` (validated by RabbitMqConfig) as per-queue retry budgets. */
export function retryTotalsByQueue(list: string): Record<string, { maxTotalMs: number }> {
  const byQueue: Record<string, { maxTotalMs: number }> = {};
  for (const pair of list.split(',').filter((entry) => entry !== '')) {
    const [queue, seconds] = pair.split('=');
    if (queue && seconds) byQueue[queue] = { maxTotalMs: Number(seconds) * 1000 };
  }
  return byQueue;
}
