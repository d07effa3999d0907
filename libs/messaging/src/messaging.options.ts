import { EVENTS_EXCHANGE } from '@wxop/contracts';

import { DEFAULT_RETRY_POLICY, resolveRetryPolicy, type RetryPolicy } from './retry-policy';

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
  /**
   * How long an RPC waits for the broker connection when it is down, before failing with
   * RpcUnavailableError (`broker`). Default: the whole RPC timeout, so background callers ride out
   * a broker restart. admin-api sets it short: an operator's page should say "broker unreachable"
   * at once, not after its 30 s timeout.
   */
  rpcBrokerWaitMs?: number;
  /**
   * Retries: `defaults` for consumers that do not set their own policy (5 s doubling to 10 min,
   * for 24 h unless changed), and `byQueue` overrides by logical queue name, from configuration,
   * which win over what a consumer sets in code.
   */
  retry?: Partial<RetryPolicy> & { byQueue?: Record<string, Partial<RetryPolicy>> };
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
  retry: { defaults: RetryPolicy; byQueue: Record<string, Partial<RetryPolicy>> };
};

export const MESSAGING_OPTIONS = Symbol('MESSAGING_OPTIONS');

export function resolveMessagingOptions(options: MessagingOptions): ResolvedMessagingOptions {
  return {
    url: options.url,
    serviceName: options.serviceName,
    prefetch: options.prefetch ?? 20,
    confirmTimeoutMs: options.confirmTimeoutMs ?? 2000,
    rpcTimeoutMs: options.rpcTimeoutMs ?? 5000,
    rpcBrokerWaitMs: options.rpcBrokerWaitMs ?? Number.POSITIVE_INFINITY,
    retry: resolveRetryOptions(options.retry),
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

function resolveRetryOptions(retry: MessagingOptions['retry']): ResolvedMessagingOptions['retry'] {
  const { byQueue, ...defaults } = retry ?? {};
  return { defaults: resolveRetryPolicy(defaults, DEFAULT_RETRY_POLICY), byQueue: byQueue ?? {} };
}
