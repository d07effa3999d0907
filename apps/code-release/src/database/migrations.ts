import { InboxMigration1763800000000, OutboxMigration1764000000001 } from '@wxop/messaging';

import { CreateCodeReleaseTables1765200000000 } from './migrations/1765200000000-create-code-release-tables';
import { CreateCampaignTables1765300000000 } from './migrations/1765300000000-create-campaign-tables';
import { CampaignReleaseOperations1765400000000 } from './migrations/1765400000000-campaign-release-operations';
import { PlatformQuota1765500000000 } from './migrations/1765500000000-platform-quota';
import { CampaignTargetLeaseIndex1765600000000 } from './migrations/1765600000000-campaign-target-lease-index';
import { CampaignOperationsLog1765700000000 } from './migrations/1765700000000-campaign-operations-log';
import { CampaignTargetClaimIndex1765710000000 } from './migrations/1765710000000-campaign-target-claim-index';
import { OperationTargetsStarted1765800000000 } from './migrations/1765800000000-operation-targets-started';

/**
 * Every migration of the code-release database, in order. Campaigns (apps/code-release/src/campaigns)
 * add theirs after these, named `1765300000000-*`.
 */
export const CODE_RELEASE_MIGRATIONS = [
  InboxMigration1763800000000,
  OutboxMigration1764000000001,
  CreateCodeReleaseTables1765200000000,
  CreateCampaignTables1765300000000,
  CampaignReleaseOperations1765400000000,
  PlatformQuota1765500000000,
  CampaignTargetLeaseIndex1765600000000,
  CampaignOperationsLog1765700000000,
  CampaignTargetClaimIndex1765710000000,
  OperationTargetsStarted1765800000000,
];
