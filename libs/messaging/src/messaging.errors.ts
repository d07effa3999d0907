/**
 * Publishing failed; the event may or may not have reached the broker, so callers keep it (outbox).
 * `unroutable` (a mandatory publish no queue was bound for) reached the broker and was dropped there.
 */
export class PublishError extends Error {
  constructor(
    readonly reason: 'timeout' | 'nacked' | 'closed' | 'unroutable',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'PublishError';
  }
}

/**
 * Thrown by a consumer when a message can never succeed (broken rule, bad data):
 * it goes to the dead-letter queue at once instead of being retried.
 */
export class NonRetryableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NonRetryableError';
  }
}
