import { Injectable } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { ScheduledPurge } from '@wxop/database';

import { CodeReleaseConfig } from '../config/code-release.config';
import { CampaignOperationsRepository } from './campaign-operations.repository';

/**
 * Deletes finished operations on campaign targets (and their per-target rows) older than
 * CODE_RELEASE_OPERATION_RETENTION_DAYS, in batches, every CODE_RELEASE_OPERATION_PURGE_INTERVAL_SECONDS:
 * every operator click on gray, revert or speedup is a recorded operation (ADR 0022), and the rows
 * would otherwise grow forever. Running operations stay; the release history keeps every action.
 */
@Injectable()
export class OperationRetentionService extends ScheduledPurge {
  constructor(
    repository: CampaignOperationsRepository,
    config: CodeReleaseConfig,
    scheduler: SchedulerRegistry,
  ) {
    super(
      {
        name: OperationRetentionService.name,
        interval: 'campaign-operation-retention',
        rows: 'finished campaign operations',
        intervalSeconds: config.CODE_RELEASE_OPERATION_PURGE_INTERVAL_SECONDS,
        retentionDays: config.CODE_RELEASE_OPERATION_RETENTION_DAYS,
        batchSize: 500,
        purgeBatch: (cutoff, limit) => repository.purgeFinishedBatch(cutoff, limit),
      },
      scheduler,
    );
  }
}
