import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';

import { AdminApiConfig } from '../config/admin-api.config';
import { ForwardingDeliveryRepository } from './forwarding-delivery.repository';

const PURGE_INTERVAL = 'forwarding-delivery-retention';

/**
 * Deletes settled forwarding deliveries (and their attempts) older than
 * ADMIN_API_FORWARDING_RETENTION_DAYS, in batches, every ADMIN_API_FORWARDING_PURGE_INTERVAL_SECONDS,
 * as the push log's retention does (issue #14: the delivery log grew forever). Pending deliveries
 * stay whatever their age. Safe with replicas: each batch is a short `DELETE … LIMIT n`.
 */
@Injectable()
export class ForwardingRetentionService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ForwardingRetentionService.name);
  private running?: Promise<number>;

  constructor(
    private readonly repository: ForwardingDeliveryRepository,
    private readonly config: AdminApiConfig,
    private readonly scheduler: SchedulerRegistry,
  ) {}

  onApplicationBootstrap(): void {
    const timer = setInterval(
      () => void this.purgeOnce(),
      this.config.ADMIN_API_FORWARDING_PURGE_INTERVAL_SECONDS * 1000,
    );
    timer.unref();
    this.scheduler.addInterval(PURGE_INTERVAL, timer);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.scheduler.doesExist('interval', PURGE_INTERVAL)) this.scheduler.deleteInterval(PURGE_INTERVAL);
    await this.running?.catch(() => undefined);
  }

  /** One purge run (skipped while the previous one still runs); returns how many deliveries were deleted. */
  purgeOnce(now: Date = new Date()): Promise<number> {
    this.running ??= this.purge(now).finally(() => (this.running = undefined));
    return this.running;
  }

  private async purge(now: Date): Promise<number> {
    const cutoff = new Date(now.getTime() - this.config.ADMIN_API_FORWARDING_RETENTION_DAYS * 86_400_000);
    const batchSize = this.config.ADMIN_API_FORWARDING_PURGE_BATCH_SIZE;
    let total = 0;
    try {
      for (;;) {
        const deleted = await this.repository.purgeSettledBatch(cutoff, batchSize);
        total += deleted;
        if (deleted < batchSize) break;
      }
      if (total > 0)
        this.logger.log({
          msg: 'forwarding deliveries purged',
          deleted: total,
          cutoff: cutoff.toISOString(),
        });
    } catch (error) {
      this.logger.warn({
        msg: 'forwarding delivery purge failed',
        deleted: total,
        error: (error as Error).message,
      });
    }
    return total;
  }
}
