import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { DEAD_LETTER_SUFFIX, QueueNames } from '@wxop/contracts';
import {
  DeadLetters,
  MESSAGING_OPTIONS,
  type DeadLetter,
  type DeadLetterQueueInfo,
  type ResolvedMessagingOptions,
} from '@wxop/messaging';

import { AdminApiConfig } from '../config/admin-api.config';
import { DeadLetterError, DeadLetterErrorCodes } from './dead-letters.errors';

/** One DLQ as the dashboard shows it. */
export interface DeadLetterDepth {
  /** The consumer queue (without namespace), e.g. `admin-api.push-log`. */
  queue: string;
  depth: number;
  oldestAgeSeconds?: number;
}

/**
 * The DLQs of every consumer queue (`QueueNames`, plus ADMIN_API_DEAD_LETTER_EXTRA_QUEUES), through
 * libs/messaging's DeadLetters (the same code as `npm run dlq`). Only those queues can be touched:
 * a route parameter never names an arbitrary broker queue.
 */
@Injectable()
export class DeadLettersService implements OnApplicationShutdown {
  private client?: Promise<DeadLetters>;

  constructor(
    @Inject(MESSAGING_OPTIONS) private readonly messaging: ResolvedMessagingOptions,
    private readonly config: AdminApiConfig,
  ) {}

  /** Consumer queues whose DLQs are managed here (logical names). */
  knownQueues(): string[] {
    return [...new Set([...Object.values(QueueNames), ...this.config.ADMIN_API_DEAD_LETTER_EXTRA_QUEUES])];
  }

  async list(): Promise<DeadLetterQueueInfo[]> {
    const infos = await this.call((client) => client.list(this.config.ADMIN_API_DEAD_LETTER_EXTRA_QUEUES));
    return infos.map((info) => ({
      ...info,
      queue: this.logical(info.queue),
      originalQueue: this.logical(info.originalQueue),
    }));
  }

  /** Depth and oldest age of each DLQ, for the dashboard. */
  async depths(): Promise<DeadLetterDepth[]> {
    return (await this.list()).map((info) => ({
      queue: info.originalQueue,
      depth: info.depth,
      oldestAgeSeconds: info.oldestAgeSeconds,
    }));
  }

  async messages(queue: string, limit: number): Promise<DeadLetter[]> {
    const name = this.checked(queue);
    return this.call((client) => client.show(name, limit), name);
  }

  /** Requeues the messages with these ids, or all; returns how many moved. */
  async requeue(queue: string, which: { ids: string[] } | { all: true }): Promise<number> {
    const name = this.checked(queue);
    if ('all' in which) return this.call((client) => client.requeue(name, { all: true }), name);
    let moved = 0;
    for (const id of new Set(which.ids))
      moved += await this.call((client) => client.requeue(name, { id }), name);
    return moved;
  }

  async purge(queue: string): Promise<number> {
    const name = this.checked(queue);
    return this.call((client) => client.purge(name), name);
  }

  async onApplicationShutdown(): Promise<void> {
    const client = await this.client?.catch(() => undefined);
    await client?.close();
  }

  /** `admin-api.push-log` or `admin-api.push-log.dlq` → the consumer queue, if it is a known one. */
  private checked(queue: string): string {
    const name = queue.endsWith(DEAD_LETTER_SUFFIX) ? queue.slice(0, -DEAD_LETTER_SUFFIX.length) : queue;
    if (!this.knownQueues().includes(name)) {
      throw new DeadLetterError(DeadLetterErrorCodes.UnknownQueue, `no managed consumer queue ${name}`, {
        queue: name,
      });
    }
    return name;
  }

  private logical(name: string): string {
    const namespace = this.messaging.namespace;
    return namespace && name.startsWith(namespace) ? name.slice(namespace.length) : name;
  }

  private async call<T>(work: (client: DeadLetters) => Promise<T>, queue?: string): Promise<T> {
    let client: DeadLetters;
    try {
      this.client ??= DeadLetters.connect(this.messaging.url, this.messaging.namespace);
      client = await this.client;
    } catch (error) {
      this.client = undefined;
      throw new DeadLetterError(DeadLetterErrorCodes.BrokerUnavailable, 'the broker cannot be reached', {
        cause: (error as Error).message,
      });
    }
    try {
      return await work(client);
    } catch (error) {
      const message = (error as Error).message ?? '';
      if (/NOT_FOUND|404/.test(message)) {
        throw new DeadLetterError(DeadLetterErrorCodes.QueueMissing, `queue ${queue ?? ''} does not exist`, {
          queue,
        });
      }
      if (/closed|ECONNRESET|Connection/i.test(message)) {
        this.client = undefined;
        throw new DeadLetterError(DeadLetterErrorCodes.BrokerUnavailable, 'the broker connection failed', {
          cause: message,
        });
      }
      throw error;
    }
  }
}
