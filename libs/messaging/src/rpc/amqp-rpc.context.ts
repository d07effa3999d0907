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

  /** When the caller stops waiting for the reply (epoch ms, from its RPC timeout); undefined if it did not say. */
  getDeadline(): number | undefined {
    // RPC_DEADLINE_HEADER (amqp-rpc.server imports this file, so the name is repeated here).
    const value = Number(this.args[0].properties.headers?.['x-wxop-deadline']);
    return Number.isFinite(value) && value > 0 ? value : undefined;
  }

  /** The caller's correlation id, when it sent one. */
  getCorrelationId(): string | undefined {
    const value = this.args[0].properties.headers?.['x-correlation-id'] as unknown;
    return typeof value === 'string' ? value : undefined;
  }
}
