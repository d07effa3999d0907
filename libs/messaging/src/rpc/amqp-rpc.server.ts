import { Inject, Injectable } from '@nestjs/common';
import { Server, type CustomTransportStrategy } from '@nestjs/microservices';
import { runWithCorrelationId } from '@wxop/observability';
import type { ConfirmChannel, ConsumeMessage } from 'amqplib';
import type { ChannelWrapper } from 'amqp-connection-manager';
import { lastValueFrom } from 'rxjs';

import { AmqpConnection } from '../amqp-connection';
import { BrokerNames, MESSAGING_OPTIONS, type ResolvedMessagingOptions } from '../messaging.options';
import { AmqpRpcContext } from './amqp-rpc.context';
import { toRpcErrorBody, type RpcReply } from './rpc.errors';

export const RPC_DEADLINE_HEADER = 'x-wxop-deadline';

/**
 * Nest transport strategy answering `@MessagePattern` handlers over RabbitMQ:
 * requests arrive on `<service>.rpc` (bound to `wxop.rpc` with each pattern), replies
 * go to the caller's reply queue with its correlation id. Requests whose caller has
 * already given up (deadline passed) are dropped unanswered.
 *
 * Use: `app.connectMicroservice({ strategy: app.get(AmqpRpcServer) })`.
 */
@Injectable()
export class AmqpRpcServer extends Server implements CustomTransportStrategy {
  private channel?: ChannelWrapper;
  private rawChannel?: ConfirmChannel;
  private consumerTag?: string;
  private closing = false;
  private inFlight = 0;
  private readonly names: BrokerNames;

  constructor(
    private readonly connection: AmqpConnection,
    @Inject(MESSAGING_OPTIONS) private readonly options: ResolvedMessagingOptions,
  ) {
    super();
    this.names = new BrokerNames(options.namespace);
  }

  listen(callback: (error?: unknown) => void): void {
    const patterns = [...this.messageHandlers.entries()]
      .filter(([, handler]) => !handler.isEventHandler)
      .map(([pattern]) => pattern);
    const queue = this.names.rpcQueue(this.options.serviceName);
    const exchange = this.names.rpcExchange;
    this.channel = this.connection.createChannel(
      `rpc-server:${this.options.serviceName}`,
      async (channel: ConfirmChannel) => {
        await channel.assertExchange(exchange, 'direct', { durable: true });
        // Not durable: requests are worthless after their caller's timeout, and a restart clears them.
        await channel.assertQueue(queue, { durable: false, autoDelete: false });
        for (const pattern of patterns) await channel.bindQueue(queue, exchange, pattern);
        if (this.closing) return;
        await channel.prefetch(this.options.prefetch);
        this.rawChannel = channel;
        const { consumerTag } = await channel.consume(queue, (message) => {
          if (message) void this.handleRequest(channel, message);
        });
        this.consumerTag = consumerTag;
      },
    );
    this.channel.waitForConnect().then(
      () => callback(),
      (error: unknown) => callback(error),
    );
  }

  /** Stops taking requests, lets those in flight answer (bounded), then closes the channel. */
  async close(): Promise<void> {
    this.closing = true;
    if (this.rawChannel && this.consumerTag) {
      await this.rawChannel.cancel(this.consumerTag).catch(() => undefined);
    }
    const deadline = Date.now() + this.options.shutdownTimeoutMs;
    while (this.inFlight > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await this.channel?.close();
  }

  /** Nest's status-event hook; connection events are logged by AmqpConnection instead. */
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- the signature Nest's Server declares
  on<EventKey extends string = string, EventCallback extends Function = Function>(
    event: EventKey,
    callback: EventCallback,
  ): void {
    // This transport emits no status events (AmqpConnection logs connection changes); nothing to register.
    void event;
    void callback;
  }

  unwrap<T>(): T {
    return this.channel as T;
  }

  private async handleRequest(channel: ConfirmChannel, message: ConsumeMessage): Promise<void> {
    const {
      replyTo,
      correlationId,
      type: pattern,
    } = message.properties as {
      replyTo?: string;
      correlationId?: string;
      type?: string;
    };
    const deadline = Number(message.properties.headers?.[RPC_DEADLINE_HEADER] ?? 0);
    const reply = (body: RpcReply): void => {
      if (!replyTo) return;
      try {
        channel.sendToQueue(replyTo, Buffer.from(JSON.stringify(body)), {
          correlationId,
          contentType: 'application/json',
        });
      } catch {
        // channel closed under us (broker restart): the caller times out
      }
    };
    this.inFlight++;
    try {
      if (deadline && Date.now() > deadline) return;
      const handler = pattern ? this.getHandlerByPattern(pattern) : null;
      if (!pattern || !handler) {
        reply({ ok: false, error: { code: 'NO_HANDLER', message: `no handler for ${String(pattern)}` } });
        return;
      }
      let data: unknown;
      try {
        data = message.content.length > 0 ? JSON.parse(message.content.toString('utf8')) : undefined;
      } catch {
        reply({ ok: false, error: { code: 'BAD_REQUEST', message: 'request body is not JSON' } });
        return;
      }
      const context = new AmqpRpcContext([message, channel, pattern]);
      const headerCorrelation = message.properties.headers?.['x-correlation-id'] as string | undefined;
      try {
        const result = await runWithCorrelationId(headerCorrelation, async () =>
          lastValueFrom(this.transformToObservable(await handler(data, context)), {
            defaultValue: undefined,
          }),
        );
        reply({ ok: true, data: result ?? null });
      } catch (error) {
        reply({ ok: false, error: toRpcErrorBody(error) });
      }
    } finally {
      this.inFlight--;
      try {
        channel.ack(message);
      } catch {
        // channel closed; the request is gone with it and the caller times out
      }
    }
  }
}
