import { Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { SchedulerRegistry } from '@nestjs/schedule';

/** What one retention purges, and how often. */
export interface ScheduledPurgeOptions {
  /** The logger's context (the service's class name). */
  name: string;
  /** The interval's name in the SchedulerRegistry. */
  interval: string;
  /** What the log lines call the rows, e.g. `push log`. */
  rows: string;
  intervalSeconds: number;
  retentionDays: number;
  batchSize: number;
  /** Deletes at most `limit` rows older than `cutoff`; answers how many went. */
  purgeBatch: (cutoff: Date, limit: number) => Promise<number>;
}

/**
 * A retention run on a schedule: rows older than the retention are deleted in batches until a
 * batch comes back short, at most one run at a time per process. Safe with replicas as long as
 * each batch is one short `DELETE … LIMIT n`: replicas purging together only share the work.
 * admin-api's push log and forwarding delivery log, and code-release's finished operations, purge this way.
 */
export abstract class ScheduledPurge implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger: Logger;
  private running?: Promise<number>;

  protected constructor(
    private readonly options: ScheduledPurgeOptions,
    private readonly scheduler: SchedulerRegistry,
  ) {
    this.logger = new Logger(options.name);
  }

  onApplicationBootstrap(): void {
    const timer = setInterval(() => void this.purgeOnce(), this.options.intervalSeconds * 1000);
    timer.unref();
    this.scheduler.addInterval(this.options.interval, timer);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.scheduler.doesExist('interval', this.options.interval))
      this.scheduler.deleteInterval(this.options.interval);
    await this.running?.catch(() => undefined);
  }

  /** One purge run (skipped while the previous one still runs); returns how many rows were deleted. */
  purgeOnce(now: Date = new Date()): Promise<number> {
    this.running ??= this.purge(now).finally(() => (this.running = undefined));
    return this.running;
  }

  private async purge(now: Date): Promise<number> {
    const { retentionDays, batchSize, purgeBatch, rows } = this.options;
    const cutoff = new Date(now.getTime() - retentionDays * 86_400_000);
    let total = 0;
    try {
      for (;;) {
        const deleted = await purgeBatch(cutoff, batchSize);
        total += deleted;
        if (deleted < batchSize) break;
      }
      if (total > 0) this.logger.log({ msg: `${rows} purged`, deleted: total, cutoff: cutoff.toISOString() });
    } catch (error) {
      this.logger.warn({ msg: `${rows} purge failed`, deleted: total, error: (error as Error).message });
    }
    return total;
  }
}
