import { Inject, Injectable } from '@nestjs/common';
import { ClientProxy, type ReadPacket, type WritePacket } from '@nestjs/microservices';
import { currentCorrelationId } from '@wxop/observability';
import type { ConfirmChannel, ConsumeMessage, Message } from 'amqplib';
import type { ChannelWrapper } from 'amqp-connection-manager';
import { randomUUID } from 'node:crypto';

import { AmqpConnection } from '../amqp-connection';
import { BrokerNames, MESSAGING_OPTIONS, type ResolvedMessagingOptions } from '../messaging.options';
import { RPC_DEADLINE_HEADER } from './amqp-rpc.server';
import {
  RpcRemoteError,
  RpcTimeoutError,
  RpcUnavailableError,
  type RpcCallError,
  type RpcReply,
} from './rpc.errors';

interface Pending {
  pattern: string;
  resolve: (value: unknown) => void;
  reject: (error: RpcCallError) => void;
  timer: NodeJS.Timeout;
}

export interface RpcRequestOptions {
  timeoutMs?: number;
  /** How long to wait for a broker connection that is down (default: the service's `rpcBrokerWaitMs`). */
  brokerWaitMs?: number;
  /** Passed to the handler's logs; defaults to the async context's, when that is enabled. */
  correlationId?: string;
}

/**
 * Calls `@MessagePattern` handlers of other services. `request()` resolves with the
 * handler's result or rejects with RpcTimeoutError, RpcUnavailableError (no service
 * bound to the pattern, or no broker) or RpcRemoteError (the handler's typed error).
 * As a Nest ClientProxy, `send(pattern, data)` gives the same as an Observable.
 */
@Injectable()
export class AmqpRpcClient extends ClientProxy {
  private channel?: ChannelWrapper;
  private replyQueue?: string;
  private readonly pending = new Map<string, Pending>();
  private readonly names: BrokerNames;

  constructor(
    private readonly connection: AmqpConnection,
    @Inject(MESSAGING_OPTIONS) private readonly options: ResolvedMessagingOptions,
  ) {
    super();
    this.names = new BrokerNames(options.namespace);
  }

  async connect(): Promise<void> {
    if (this.channel) return this.channel.waitForConnect();
    const exchange = this.names.rpcExchange;
    this.channel = this.connection.createChannel(
      `rpc-client:${this.options.serviceName}`,
      async (channel: ConfirmChannel) => {
        await channel.assertExchange(exchange, 'direct', { durable: true });
        // A new server-named queue per connection; replies to the previous one are lost, and those callers time out.
        const { queue } = await channel.assertQueue('', {
          exclusive: true,
          autoDelete: true,
          durable: false,
        });
        this.replyQueue = queue;
        channel.on('return', (message: Message) => this.onReturned(message));
        await channel.consume(queue, (message) => message && this.onReply(message), { noAck: true });
      },
    );
    await this.channel.waitForConnect();
  }

  /** Sends a request and waits for its reply. */
  async request<TResult = unknown, TData = unknown>(
    pattern: string,
    data: TData,
    options: RpcRequestOptions = {},
  ): Promise<TResult> {
    const timeoutMs = options.timeoutMs ?? this.options.rpcTimeoutMs;
    const deadline = Date.now() + timeoutMs;
    // With a short `brokerWaitMs` (admin-api), a broker that is down is waited for only that long:
    // the caller gets "broker unreachable" then rather than after its whole timeout (the channel
    // would buffer the request until then). By default the whole timeout, as before.
    const brokerWaitMs = options.brokerWaitMs ?? this.options.rpcBrokerWaitMs;
    if (brokerWaitMs < timeoutMs && !(await this.reconnectedWithin(brokerWaitMs)))
      throw new RpcUnavailableError(pattern, 'broker');
    try {
      await this.connectWithin(timeoutMs);
    } catch (error) {
      throw new RpcUnavailableError(pattern, 'broker', { cause: error });
    }
    const correlationId = randomUUID();
    const result = new Promise<TResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(correlationId);
        reject(new RpcTimeoutError(pattern, timeoutMs));
      }, timeoutMs);
      this.pending.set(correlationId, {
        pattern,
        resolve: resolve as (value: unknown) => void,
        reject,
        timer,
      });
    });
    const headers: Record<string, unknown> = { [RPC_DEADLINE_HEADER]: deadline };
    const callerCorrelation = options.correlationId ?? currentCorrelationId();
    if (callerCorrelation) headers['x-correlation-id'] = callerCorrelation;
    this.channel!.publish(this.names.rpcExchange, pattern, Buffer.from(JSON.stringify(data ?? null)), {
      replyTo: this.replyQueue,
      correlationId,
      type: pattern,
      contentType: 'application/json',
      mandatory: true,
      expiration: String(timeoutMs),
      headers,
      timeout: timeoutMs,
    }).catch((error: unknown) =>
      this.fail(correlationId, new RpcUnavailableError(pattern, 'broker', { cause: error })),
    );
    return result;
  }

  async close(): Promise<void> {
    for (const [id, entry] of this.pending) {
      clearTimeout(entry.timer);
      entry.reject(new RpcUnavailableError(entry.pattern, 'closed'));
      this.pending.delete(id);
    }
    await this.channel?.close();
    this.channel = undefined;
  }

  unwrap<T>(): T {
    return this.channel as T;
  }

  protected publish(packet: ReadPacket, callback: (packet: WritePacket) => void): () => void {
    const pattern = this.normalizePattern(packet.pattern);
    let disposed = false;
    this.request(pattern, packet.data).then(
      (response) => !disposed && callback({ response, isDisposed: true }),
      (error: unknown) => !disposed && callback({ err: error, isDisposed: true }),
    );
    return () => {
      disposed = true;
    };
  }

  protected dispatchEvent(): Promise<never> {
    return Promise.reject(new Error('AmqpRpcClient does not emit events: publish them with EventPublisher'));
  }

  /** Whether the broker connection is up, or comes back within `ms`. */
  private async reconnectedWithin(ms: number): Promise<boolean> {
    const until = Date.now() + ms;
    while (!this.connection.isConnected()) {
      if (Date.now() >= until) return false;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return true;
  }

  private async connectWithin(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.connect(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error('connect timeout')), timeoutMs);
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  private onReply(message: ConsumeMessage): void {
    const id = message.properties.correlationId as string | undefined;
    const entry = id ? this.pending.get(id) : undefined;
    if (!entry || !id) return; // late reply after a timeout
    this.pending.delete(id);
    clearTimeout(entry.timer);
    let reply: RpcReply;
    try {
      reply = JSON.parse(message.content.toString('utf8')) as RpcReply;
    } catch {
      entry.reject(new RpcRemoteError(entry.pattern, { code: 'BAD_REPLY', message: 'reply is not JSON' }));
      return;
    }
    if (reply.ok) entry.resolve(reply.data);
    else entry.reject(new RpcRemoteError(entry.pattern, reply.error));
  }

  private onReturned(message: Message): void {
    const id = message.properties.correlationId as string | undefined;
    if (id) this.fail(id, new RpcUnavailableError(String(message.properties.type), 'no-handler'));
  }

  private fail(correlationId: string, error: RpcCallError): void {
    const entry = this.pending.get(correlationId);
    if (!entry) return;
    this.pending.delete(correlationId);
    clearTimeout(entry.timer);
    entry.reject(error);
  }
}
