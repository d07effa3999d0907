import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';

import { AdminApiConfig } from '../config/admin-api.config';
import { PushLogRepository } from './push-log.repository';

const PURGE_INTERVAL = 'push-log-retention';

/**
 * Deletes pushes older than ADMIN_API_PUSH_RETENTION_DAYS, in batches, every
 * ADMIN_API_PUSH_PURGE_INTERVAL_SECONDS. Safe with replicas: each batch is one
 * `DELETE … ORDER BY received_at LIMIT n`, so two replicas purging together only share the work.
 */
@Injectable()
export class PushRetentionService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(PushRetentionService.name);
  private running?: Promise<number>;

  constructor(
    private readonly repository: PushLogRepository,
    private readonly config: AdminApiConfig,
    private readonly scheduler: SchedulerRegistry,
  ) {}

  onApplicationBootstrap(): void {
    const timer = setInterval(
      () => void this.purgeOnce(),
      this.config.ADMIN_API_PUSH_PURGE_INTERVAL_SECONDS * 1000,
    );
    timer.unref();
    this.scheduler.addInterval(PURGE_INTERVAL, timer);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.scheduler.doesExist('interval', PURGE_INTERVAL)) this.scheduler.deleteInterval(PURGE_INTERVAL);
    await this.running?.catch(() => undefined);
  }

  /** One purge run (skipped while the previous one still runs); returns how many pushes were deleted. */
  purgeOnce(now: Date = new Date()): Promise<number> {
    this.running ??= this.purge(now).finally(() => (this.running = undefined));
    return this.running;
  }

  private async purge(now: Date): Promise<number> {
    const cutoff = new Date(now.getTime() - this.config.ADMIN_API_PUSH_RETENTION_DAYS * 86_400_000);
    const batchSize = this.config.ADMIN_API_PUSH_PURGE_BATCH_SIZE;
    let total = 0;
    try {
      for (;;) {
        const deleted = await this.repository.purgeBatch(cutoff, batchSize);
        total += deleted;
        if (deleted < batchSize) break;
      }
      if (total > 0)
        this.logger.log({ msg: 'push log purged', deleted: total, cutoff: cutoff.toISOString() });
    } catch (error) {
      this.logger.warn({ msg: 'push log purge failed', deleted: total, error: (error as Error).message });
    }
    return total;
  }
}
