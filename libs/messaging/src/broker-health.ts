import { Injectable, Optional, type OnModuleInit } from '@nestjs/common';
import { HealthRegistry } from '@wxop/observability';

import { AmqpConnection } from './amqp-connection';

/** Adds a `broker` readiness check when the app uses ObservabilityModule. */
@Injectable()
export class BrokerHealth implements OnModuleInit {
  constructor(
    private readonly connection: AmqpConnection,
    @Optional() private readonly registry?: HealthRegistry,
  ) {}

  onModuleInit(): void {
    this.registry?.register('broker', () => {
      if (!this.connection.isConnected()) throw new Error('not connected to RabbitMQ');
    });
  }
}
