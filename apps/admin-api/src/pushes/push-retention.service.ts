import { Injectable } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { ScheduledPurge } from '@wxop/database';

import { AdminApiConfig } from '../config/admin-api.config';
import { PushLogRepository } from './push-log.repository';

/**
 * Deletes pushes older than ADMIN_API_PUSH_RETENTION_DAYS, in batches, every
 * ADMIN_API_PUSH_PURGE_INTERVAL_SECONDS. Each batch is one
 * `DELETE … ORDER BY received_at LIMIT n`, so two replicas purging together only share the work.
 */
@Injectable()
export class PushRetentionService extends ScheduledPurge {
  constructor(repository: PushLogRepository, config: AdminApiConfig, scheduler: SchedulerRegistry) {
    super(
      {
        name: PushRetentionService.name,
        interval: 'push-log-retention',
        rows: 'push log',
        intervalSeconds: config.ADMIN_API_PUSH_PURGE_INTERVAL_SECONDS,
        retentionDays: config.ADMIN_API_PUSH_RETENTION_DAYS,
        batchSize: config.ADMIN_API_PUSH_PURGE_BATCH_SIZE,
        purgeBatch: (cutoff, limit) => repository.purgeBatch(cutoff, limit),
      },
      scheduler,
    );
  }
}
