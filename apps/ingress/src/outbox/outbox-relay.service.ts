import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { EventPublisher } from '@wxop/messaging';
import { MetricsService } from '@wxop/observability';
import type { EntityManager } from 'typeorm';

import { IngressConfig } from '../config/ingress.config';
import { RequiredQueuesService } from '../pushes/required-queues.service';
import { OutboxRepository, type OutboxRow } from './outbox.repository';

const BATCH = 200;

type ReadableRow = Extract<OutboxRow, { ok: true }>;
type UnreadableRow = Extract<OutboxRow, { ok: false }>;

/**
 * Publishes what the outbox holds, oldest first, whenever the broker confirms again; deletes a
 * row only after its confirm. Safe with several replicas (rows are claimed with SKIP LOCKED);
 * a publish that reached the broker before a crash is published again with the same id, which
 * every consumer's inbox drops.
 */
@Injectable()
export class OutboxRelayService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(OutboxRelayService.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;
  private readonly depth;
  private readonly oldestAge;

  constructor(
    private readonly outbox: OutboxRepository,
    private readonly publisher: EventPublisher,
    private readonly config: IngressConfig,
    private readonly requiredQueues: RequiredQueuesService,
    metrics: MetricsService,
  ) {
    this.depth = metrics.gauge('wxop_ingress_outbox_depth', 'Pushes waiting in the outbox');
    this.oldestAge = metrics.gauge(
      'wxop_ingress_outbox_oldest_age_seconds',
      'Age of the oldest push in the outbox',
    );
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.flush(), this.config.INGRESS_OUTBOX_RELAY_INTERVAL_MS);
    this.timer.unref();
  }

  /** Stops the schedule and makes one last bounded attempt (graceful shutdown). */
  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.flush().catch(() => undefined);
  }

  /** Publishes everything it can now; returns how many were published. */
  flush(): Promise<number> {
    this.running ??= this.drain().finally(() => (this.running = undefined));
    return this.running;
  }

  private async drain(): Promise<number> {
    let published = 0;
    let plain = 0;
    try {
      // The outbox is empty almost always: one cheap read, no locking transaction.
      if ((await this.updateMetrics()) === 0) return 0;
      // Rows wait for the consumers' queues, like pushes do: relayed now they would be dropped.
      if (!this.requiredQueues.open) return 0;
      for (;;) {
        const batch = await this.outbox.withOldest(BATCH, async (rows, manager) => {
          if (rows.length === 0) return { size: 0, ok: 0, plain: 0 };
          const readable = rows.filter((row): row is ReadableRow => row.ok);
          const outcomes = await Promise.allSettled(
            readable.map((row) =>
              // Mandatory: a row routed to no queue stays in the outbox instead of being deleted.
              this.publisher.publish(row.envelope, {
                timeoutMs: this.config.INGRESS_PUBLISH_TIMEOUT_MS,
                mandatory: true,
              }),
            ),
          );
          const ok = readable.filter((_, i) => outcomes[i]!.status === 'fulfilled');
          const failed = readable.filter((_, i) => outcomes[i]!.status === 'rejected').map((row) => row.id);
          await this.outbox.remove(
            manager,
            ok.map((row) => row.id),
          );
          const firstError = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
          await this.outbox.recordFailure(manager, failed, String(firstError?.reason ?? ''));
          await this.keepUnreadable(
            manager,
            rows.filter((row): row is UnreadableRow => !row.ok),
          );
          return { size: rows.length, ok: ok.length, plain: ok.filter((row) => !row.sealed).length };
        });
        published += batch.ok;
        plain += batch.plain;
        if (batch.size < BATCH || batch.ok < batch.size) break;
      }
      // `plain`: rows stored in clear by a version before payloads were sealed, relayed all the same.
      if (published > 0) this.logger.log({ msg: 'outbox relayed', published, plain });
    } catch (error) {
      this.logger.warn({
        msg: 'outbox relay failed',
        error: error instanceof Error ? error.message : String(error),
      });
    }
    await this.updateMetrics();
    return published;
  }

  /**
   * Rows that do not open (a key no longer in SECRETS_KEYS, a payload altered or moved to another row)
   * stay where they are, for an operator: publishing them is impossible and deleting them loses a push.
   * Logged once per row, when first found.
   */
  private async keepUnreadable(manager: EntityManager, rows: UnreadableRow[]): Promise<void> {
    for (const row of rows) {
      if (row.attempts === 0) {
        this.logger.error({
          msg: 'outbox row cannot be opened; kept, not published',
          rowId: row.id,
          eventId: row.eventId,
          reason: row.reason,
        });
      }
      await this.outbox.recordFailure(manager, [row.id], `cannot be opened: ${row.reason}`);
    }
  }

  /** Refreshes the gauges; returns the depth (undefined when the database cannot be read). */
  private async updateMetrics(): Promise<number | undefined> {
    try {
      const stats = await this.outbox.stats();
      this.depth.set(stats.depth);
      this.oldestAge.set(stats.oldestAgeSeconds);
      return stats.depth;
    } catch {
      // database unreachable: the gauges keep their last value and readiness reports it
      return undefined;
    }
  }
}
