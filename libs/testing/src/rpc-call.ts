import { connect } from 'amqplib';
import { randomUUID } from 'node:crypto';

import { testEnv } from './test-env';

/**
 * One request/reply to a service's RPC handler, straight over the broker as another service
 * would send it (libs/messaging's wire format: `wxop.rpc`, routing key and `type` = pattern,
 * JSON body, reply `{ ok, data | error }`). libs/messaging's own client cannot be used here:
 * its tests depend on this library.
 */
export async function callRpc<T>(
  pattern: string,
  data: unknown,
  options: { namespace?: string; timeoutMs?: number; url?: string } = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const connection = await connect(options.url ?? testEnv.rabbitUrl);
  try {
    const channel = await connection.createChannel();
    const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
    const correlationId = randomUUID();
    const reply = new Promise<{ ok: boolean; data?: T; error?: unknown }>((resolve) => {
      void channel.consume(
        queue,
        (message) => {
          if (message?.properties.correlationId === correlationId)
            resolve(
              JSON.parse(message.content.toString('utf8')) as { ok: boolean; data?: T; error?: unknown },
            );
        },
        { noAck: true },
      );
    });
    channel.publish(`${options.namespace ?? ''}wxop.rpc`, pattern, Buffer.from(JSON.stringify(data)), {
      replyTo: queue,
      correlationId,
      type: pattern,
      contentType: 'application/json',
      expiration: String(timeoutMs),
    });
    let timer: NodeJS.Timeout | undefined;
    const answer = await Promise.race([
      reply,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${pattern}: no reply within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]).finally(() => clearTimeout(timer));
    if (!answer.ok) throw new Error(`${pattern} answered ${JSON.stringify(answer.error)}`);
    return answer.data as T;
  } finally {
    await connection.close();
  }
}
