import { Injectable } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { ScheduledPurge } from '@wxop/database';

import { AdminApiConfig } from '../config/admin-api.config';
import { ForwardingDeliveryRepository } from './forwarding-delivery.repository';

/**
 * Deletes settled forwarding deliveries (and their attempts) older than
 * ADMIN_API_FORWARDING_RETENTION_DAYS, in batches, every ADMIN_API_FORWARDING_PURGE_INTERVAL_SECONDS,
 * as the push log's retention does (issue #14: the delivery log grew forever). Pending deliveries
 * stay whatever their age.
 */
@Injectable()
export class ForwardingRetentionService extends ScheduledPurge {
  constructor(
    repository: ForwardingDeliveryRepository,
    config: AdminApiConfig,
    scheduler: SchedulerRegistry,
  ) {
    super(
      {
        name: ForwardingRetentionService.name,
        interval: 'forwarding-delivery-retention',
        rows: 'forwarding deliveries',
        intervalSeconds: config.ADMIN_API_FORWARDING_PURGE_INTERVAL_SECONDS,
        retentionDays: config.ADMIN_API_FORWARDING_RETENTION_DAYS,
        batchSize: config.ADMIN_API_FORWARDING_PURGE_BATCH_SIZE,
        purgeBatch: (cutoff, limit) => repository.purgeSettledBatch(cutoff, limit),
      },
      scheduler,
    );
  }
}
