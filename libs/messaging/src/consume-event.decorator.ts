import { SetMetadata } from '@nestjs/common';

import type { RetryPolicy } from './retry-policy';

export const CONSUME_EVENT_METADATA = 'wxop:consume-event';

export interface ConsumeEventOptions {
  /** Durable queue (a QueueNames constant), shared by every replica of the service. */
  queue: string;
  /** Routing keys or topic patterns (`authorization.*`, `wechat.#`) the queue is bound with for this handler. */
  patterns: string[];
  /**
   * How failed deliveries of this queue are retried; unset fields come from MessagingModule's
   * defaults, and `MessagingOptions.retry.byQueue` (configuration) overrides both.
   */
  retry?: Partial<RetryPolicy>;
  /** Unacknowledged deliveries of this queue at once. Default from MessagingModule. */
  prefetch?: number;
  /**
   * `false`: `patterns` only choose this handler; the queue is not bound with them at start, and
   * the app binds it at runtime (`EventConsumers.bindQueue` / `unbindQueue`). Default `true`.
   */
  bind?: boolean;
}

/**
 * Marks a provider method as the handler of events on a queue:
 * `@ConsumeEvent({ queue: QueueNames.TokenComponentPushes, patterns: [RawPushTypes.ComponentVerifyTicket] })`.
 * The method receives `(envelope, context)`; returning acks, throwing retries (NonRetryableError: DLQ at once).
 */
export function ConsumeEvent(options: ConsumeEventOptions): MethodDecorator {
  if (!options.queue || options.patterns.length === 0) {
    throw new TypeError('ConsumeEvent needs a queue and at least one pattern');
  }
  return SetMetadata(CONSUME_EVENT_METADATA, options);
}
