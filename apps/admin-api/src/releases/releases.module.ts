import { Module } from '@nestjs/common';

import { CampaignOperationsController } from './campaign-operations.controller';
import { CampaignTargetsController } from './campaign-targets.controller';
import { CampaignsController } from './campaigns.controller';
import { CodeReleaseClient } from './code-release.client';
import { TemplatesController } from './templates.controller';
import { VersionsController } from './versions.controller';

/**
 * Templates, one mini program's versions by hand and release campaigns, through the code-release service over RPC
 * (admin-api stores none of it; the release history lives in code-release).
 */
@Module({
  controllers: [
    TemplatesController,
    VersionsController,
    CampaignsController,
    CampaignTargetsController,
    CampaignOperationsController,
  ],
  providers: [CodeReleaseClient],
  exports: [CodeReleaseClient],
})
export class ReleasesModule {}
