import { Injectable, type OnApplicationShutdown, type OnModuleDestroy } from '@nestjs/common';

import { AmqpConnection } from './amqp-connection';
import { EventBroadcasts } from './event-broadcasts';
import { EventConsumers } from './event-consumers';
import { EventPublisher } from './event-publisher';
import { AmqpRpcClient } from './rpc/amqp-rpc.client';

/**
 * Shutdown order: stop consuming and let handlers finish (they may still publish),
 * then close the publisher (waiting for confirms), the RPC client, and the connection.
 */
@Injectable()
export class MessagingLifecycle implements OnModuleDestroy, OnApplicationShutdown {
  constructor(
    private readonly consumers: EventConsumers,
    private readonly broadcasts: EventBroadcasts,
    private readonly publisher: EventPublisher,
    private readonly rpcClient: AmqpRpcClient,
    private readonly connection: AmqpConnection,
  ) {}

  async onModuleDestroy(): Promise<void> {
    await Promise.all([this.consumers.stop(), this.broadcasts.close()]);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.publisher.close();
    await this.rpcClient.close();
    await this.connection.close();
  }
}
