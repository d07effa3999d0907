import { Module } from '@nestjs/common';

import { AuditResultsConsumer } from './audit-results.consumer';
import { CampaignCountsRpcController } from './campaign-counts-rpc.controller';
import { CampaignCountsRepository } from './campaign-counts.repository';
import { CampaignWorker } from './campaign-worker.service';
import { CampaignRepository } from './campaign.repository';
import { CampaignsRpcController } from './campaigns-rpc.controller';
import { CampaignsService } from './campaigns.service';

/** Release campaigns: RPC, the lease-based worker and the audit-result consumer. */
@Module({
  controllers: [CampaignsRpcController, CampaignCountsRpcController],
  providers: [
    CampaignRepository,
    CampaignCountsRepository,
    CampaignsService,
    CampaignWorker,
    AuditResultsConsumer,
  ],
})
export class CampaignsModule {}
