import { Module } from '@nestjs/common';

import { HistoryModule } from '../history/history.module';
import { AuditResultsConsumer } from './audit-results.consumer';
import { CampaignOperationsRepository } from './campaign-operations.repository';
import { CampaignOperationsRpcController } from './campaign-operations-rpc.controller';
import { CampaignOperationsService } from './campaign-operations.service';
import { CampaignWorker } from './campaign-worker.service';
import { CampaignRepository } from './campaign.repository';
import { CampaignsRpcController } from './campaigns-rpc.controller';
import { CampaignsService } from './campaigns.service';
import { PlatformQuotaRepository } from './platform-quota.repository';
import { PreflightSteps } from './preflight.steps';
import { ReleaseSteps } from './release-steps';
import { TargetFilterService } from './target-filter.service';

/**
 * Release campaigns: RPC, the lease-based worker and the audit-result consumer, the target filter
 * over the authorizer service, the preflight steps and the platform-wide quota row.
 */
@Module({
  imports: [HistoryModule],
  controllers: [CampaignsRpcController, CampaignOperationsRpcController],
  providers: [
    CampaignRepository,
    PlatformQuotaRepository,
    PreflightSteps,
    TargetFilterService,
    CampaignsService,
    CampaignWorker,
    AuditResultsConsumer,
    CampaignOperationsRepository,
    CampaignOperationsService,
    ReleaseSteps,
  ],
})
export class CampaignsModule {}
