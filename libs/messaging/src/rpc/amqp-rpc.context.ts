import { BaseRpcContext } from '@nestjs/microservices';
import type { Channel, ConsumeMessage } from 'amqplib';

/** Context of an RPC request: `@Ctx() context: AmqpRpcContext`. */
export class AmqpRpcContext extends BaseRpcContext<[ConsumeMessage, Channel, string]> {
  getMessage(): ConsumeMessage {
    return this.args[0];
  }

  getChannel(): Channel {
    return this.args[1];
  }

  getPattern(): string {
    return this.args[2];
  }

  /** The caller's correlation id, when it sent one. */
  getCorrelationId(): string | undefined {
    const value = this.args[0].properties.headers?.['x-correlation-id'] as unknown;
    return typeof value === 'string' ? value : undefined;
  }
}
