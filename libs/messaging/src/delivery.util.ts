import type { ConsumeMessage } from 'amqplib';

interface XDeath {
  queue?: string;
  reason?: string;
  count?: number;
}

/** Headers with which wxop's consumers carry a message's retry state across delay queues. */
export const RetryHeaders = {
  /** Which attempt the next delivery is (1-based). */
  Attempt: 'x-wxop-attempt',
  /** When the first attempt failed (Unix ms): the retry budget counts from here. */
  FirstFailedAt: 'x-wxop-first-failed-at',
  /** The routing key the event was first published with (retries travel under queue names). */
  OriginalRoutingKey: 'x-wxop-original-routing-key',
} as const;

/**
 * Which attempt this delivery is: the attempt carried in `x-wxop-attempt` (set when the consumer
 * moved the message to a delay queue), plus the times RabbitMQ dead-lettered it from `queue` after
 * a rejection (the fallback path; `x-death` keeps a count per queue and reason).
 */
export function attemptOf(message: Pick<ConsumeMessage, 'properties'>, queue: string): number {
  const headers = message.properties.headers ?? {};
  const carried = Number(headers[RetryHeaders.Attempt]);
  const base = Number.isInteger(carried) && carried >= 1 ? carried : 1;
  const deaths = headers['x-death'] as XDeath[] | undefined;
  if (!Array.isArray(deaths)) return base;
  const rejected = deaths.find((death) => death.queue === queue && death.reason === 'rejected');
  return base + Number(rejected?.count ?? 0);
}

/** When the first attempt of this message failed, if one did. */
export function firstFailedAtOf(message: Pick<ConsumeMessage, 'properties'>): number | undefined {
  const value = Number(message.properties.headers?.[RetryHeaders.FirstFailedAt]);
  return Number.isFinite(value) && value > 0 ? value : undefined;
}

/** The routing key the event was first published with (retries travel with queue names as keys). */
export function originalRoutingKey(message: Pick<ConsumeMessage, 'properties' | 'fields'>): string {
  const carried = message.properties.headers?.[RetryHeaders.OriginalRoutingKey] as unknown;
  if (typeof carried === 'string' && carried !== '') return carried;
  const deaths = message.properties.headers?.['x-death'] as
    (XDeath & { 'routing-keys'?: string[] })[] | undefined;
  if (Array.isArray(deaths) && deaths.length > 0) {
    const first = deaths[deaths.length - 1]?.['routing-keys']?.[0];
    if (first) return first;
  }
  return message.fields.routingKey;
}
