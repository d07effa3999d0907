import { EVENTS_EXCHANGE } from '@wxop/contracts';

/** Settings of one app's messaging. */
export interface MessagingOptions {
  /** amqp://user:pass@host:port/vhost */
  url: string;
  /** This service's name: the RPC queue is `<serviceName>.rpc`. */
  serviceName: string;
  /** Default unacknowledged deliveries per consumer queue. */
  prefetch?: number;
  /** How long a publish waits for the broker's confirm. */
  confirmTimeoutMs?: number;
  /** Default time an RPC waits for its reply. */
  rpcTimeoutMs?: number;
  /** Defaults for consumers that do not set their own. */
  retry?: { maxAttempts?: number; delayMs?: number };
  /**
   * Prefix for every exchange and queue this app declares, for isolation
   * (integration test runs use a unique one). Empty in production.
   */
  namespace?: string;
  /** Seconds between reconnection attempts after the broker goes away. */
  reconnectSeconds?: number;
  /** How long shutdown waits for in-flight handlers. */
  shutdownTimeoutMs?: number;
}

export type ResolvedMessagingOptions = Required<Omit<MessagingOptions, 'retry'>> & {
  retry: { maxAttempts: number; delayMs: number };
};

export const MESSAGING_OPTIONS = Symbol('MESSAGING_OPTIONS');

export function resolveMessagingOptions(options: MessagingOptions): ResolvedMessagingOptions {
  return {
    url: options.url,
    serviceName: options.serviceName,
    prefetch: options.prefetch ?? 20,
    confirmTimeoutMs: options.confirmTimeoutMs ?? 2000,
    rpcTimeoutMs: options.rpcTimeoutMs ?? 5000,
    retry: { maxAttempts: options.retry?.maxAttempts ?? 5, delayMs: options.retry?.delayMs ?? 5000 },
    namespace: options.namespace ?? '',
    reconnectSeconds: options.reconnectSeconds ?? 1,
    shutdownTimeoutMs: options.shutdownTimeoutMs ?? 10_000,
  };
}

/** Names of the broker objects, with the namespace applied. */
export class BrokerNames {
  constructor(private readonly namespace: string) {}

  get eventsExchange(): string {
    return this.namespace + EVENTS_EXCHANGE;
  }

  /** Direct exchange for RPC requests, routing key = pattern. */
  get rpcExchange(): string {
    return `${this.namespace}wxop.rpc`;
  }

  /** Direct exchange through which rejected deliveries reach their retry queue. */
  get retryExchange(): string {
    return `${this.namespace}wxop.retry`;
  }

  queue(name: string): string {
    return this.namespace + name;
  }

  rpcQueue(serviceName: string): string {
    return `${this.namespace}${serviceName}.rpc`;
  }
}
