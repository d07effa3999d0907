import type {
  SchemaDeadLetterDto,
  SchemaDeadLetterQueueDto,
  SchemaRequeueDeadLettersDto,
} from '../../api/schema';

export const MESSAGE_LIMITS = [20, 50, 100, 200] as const;
export const DEFAULT_MESSAGE_LIMIT = 20;
const SUFFIX = '.dlq';

/**
 * The queue a link names (`?queue=`): the dashboard names the consumer queue (`admin-api.push-log`),
 * this page the DLQ (`admin-api.push-log.dlq`); either finds it.
 */
export function findQueue(
  queues: SchemaDeadLetterQueueDto[],
  name: string | null | undefined,
): SchemaDeadLetterQueueDto | undefined {
  if (!name) return undefined;
  return (
    queues.find((queue) => queue.queue === name || queue.originalQueue === name) ??
    (name.endsWith(SUFFIX) ? undefined : queues.find((queue) => queue.queue === `${name}${SUFFIX}`))
  );
}

/** How many messages to show, from the URL (`?limit=`): one of the choices, else the default. */
export function messageLimit(value: string | null): number {
  const limit = Number(value);
  return (MESSAGE_LIMITS as readonly number[]).includes(limit) ? limit : DEFAULT_MESSAGE_LIMIT;
}

/** A message's id for a requeue (the AMQP message id: the envelope id); undefined when it has none. */
export function messageKey(message: SchemaDeadLetterDto): string | undefined {
  return message.messageId || undefined;
}

/** The requeue body: the chosen messages (at most 200, each once), or every message of the queue. */
export function requeueBody(choice: 'all' | string[]): SchemaRequeueDeadLettersDto {
  if (choice === 'all') return { all: true };
  const ids = [...new Set(choice.filter((id) => id.length > 0))];
  if (ids.length === 0) throw new Error('choose at least one message');
  if (ids.length > 200) throw new Error('at most 200 messages at once');
  return { ids };
}

/** The messages, and the ones of them that can be requeued one by one (those with an id). */
export function selectableIds(messages: SchemaDeadLetterDto[]): string[] {
  return messages.map(messageKey).filter((id): id is string => id !== undefined);
}

/** The total depth of the DLQs (the dashboard's and the page's headline). */
export function totalDepth(queues: Array<{ depth: number }>): number {
  return queues.reduce((sum, queue) => sum + queue.depth, 0);
}

/** A message's payload for reading: the envelope as indented JSON, else the body as it is. */
export function payloadText(message: SchemaDeadLetterDto): string {
  if (message.envelope !== undefined && message.envelope !== null)
    return JSON.stringify(message.envelope, null, 2);
  return message.body;
}
