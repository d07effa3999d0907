import { Module } from '@nestjs/common';

import { CampaignOperationsRepository } from '../campaigns/campaign-operations.repository';
import { PlatformQuotaRepository } from '../campaigns/platform-quota.repository';
import { HistoryModule } from '../history/history.module';
import { VersionsRpcController } from './versions-rpc.controller';
import { VersionsService } from './versions.service';

/** One mini program's versions by hand (§5.2–5.4), each action in the release history. */
@Module({
  imports: [HistoryModule],
  controllers: [VersionsRpcController],
  // The quota row and the undo counts are the campaigns' own tables: by-hand work counts in them too.
  providers: [VersionsService, PlatformQuotaRepository, CampaignOperationsRepository],
  exports: [VersionsService],
})
export class VersionsModule {}
