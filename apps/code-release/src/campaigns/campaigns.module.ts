import { Module } from '@nestjs/common';

import { AuditResultsConsumer } from './audit-results.consumer';
import { CampaignWorker } from './campaign-worker.service';
import { CampaignRepository } from './campaign.repository';
import { CampaignsRpcController } from './campaigns-rpc.controller';
import { CampaignsService } from './campaigns.service';

/** Release campaigns: RPC, the lease-based worker and the audit-result consumer. */
@Module({
  controllers: [CampaignsRpcController],
  providers: [CampaignRepository, CampaignsService, CampaignWorker, AuditResultsConsumer],
})
export class CampaignsModule {}
