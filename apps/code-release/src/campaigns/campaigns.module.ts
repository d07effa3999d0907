import { Module } from '@nestjs/common';

import { HistoryModule } from '../history/history.module';
import { AuditResultsConsumer } from './audit-results.consumer';
import { CampaignCountsRpcController } from './campaign-counts-rpc.controller';
import { CampaignCountsRepository } from './campaign-counts.repository';
import { CampaignOperationsRepository } from './campaign-operations.repository';
import { CampaignOperationsRpcController } from './campaign-operations-rpc.controller';
import { CampaignOperationsService } from './campaign-operations.service';
import { CampaignWorker } from './campaign-worker.service';
import { CampaignRepository } from './campaign.repository';
import { CampaignsRpcController } from './campaigns-rpc.controller';
import { CampaignsService } from './campaigns.service';
import { OperationRetentionService } from './operation-retention.service';
import { PlatformQuotaRepository } from './platform-quota.repository';
import { PreflightSteps } from './preflight.steps';
import { ReleaseSteps } from './release-steps';
import { TargetFilterService } from './target-filter.service';

/**
 * Release campaigns: RPC, the lease-based worker and the audit-result consumer, the target filter
 * over the authorizer service, the preflight steps, the platform-wide quota row and the retention of
 * finished operations.
 */
@Module({
  imports: [HistoryModule],
  controllers: [CampaignsRpcController, CampaignOperationsRpcController, CampaignCountsRpcController],
  providers: [
    CampaignRepository,
    CampaignCountsRepository,
    PlatformQuotaRepository,
    PreflightSteps,
    TargetFilterService,
    CampaignsService,
    CampaignWorker,
    AuditResultsConsumer,
    CampaignOperationsRepository,
    CampaignOperationsService,
    OperationRetentionService,
    ReleaseSteps,
  ],
})
export class CampaignsModule {}
