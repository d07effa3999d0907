import { SetMetadata } from '@nestjs/common';

export const CONSUME_EVENT_METADATA = 'wxop:consume-event';

export interface ConsumeEventOptions {
  /** Durable queue (a QueueNames constant), shared by every replica of the service. */
  queue: string;
  /** Routing keys or topic patterns (`authorization.*`, `wechat.#`) the queue is bound with for this handler. */
  patterns: string[];
  /** Deliveries before the message goes to `<queue>.dlq`. Default from MessagingModule. */
  maxAttempts?: number;
  /** Delay before a failed delivery comes back (the TTL of `<queue>.retry`). Default from MessagingModule. */
  retryDelayMs?: number;
  /** Unacknowledged deliveries of this queue at once. Default from MessagingModule. */
  prefetch?: number;
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
