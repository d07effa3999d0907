import type { ConsumeMessage } from 'amqplib';

interface XDeath {
  queue?: string;
  reason?: string;
  count?: number;
}

/**
 * Which attempt this delivery is: 1 + the times RabbitMQ dead-lettered it from
 * `queue` after a rejection (the `x-death` header keeps a count per queue and reason).
 */
export function attemptOf(message: Pick<ConsumeMessage, 'properties'>, queue: string): number {
  const deaths = message.properties.headers?.['x-death'] as XDeath[] | undefined;
  if (!Array.isArray(deaths)) return 1;
  const rejected = deaths.find((death) => death.queue === queue && death.reason === 'rejected');
  return 1 + Number(rejected?.count ?? 0);
}

/** The routing key the event was first published with (retries travel with the queue name as key). */
export function originalRoutingKey(message: Pick<ConsumeMessage, 'properties' | 'fields'>): string {
  const deaths = message.properties.headers?.['x-death'] as
    (XDeath & { 'routing-keys'?: string[] })[] | undefined;
  if (Array.isArray(deaths) && deaths.length > 0) {
    const first = deaths[deaths.length - 1]?.['routing-keys']?.[0];
    if (first) return first;
  }
  return message.fields.routingKey;
}
