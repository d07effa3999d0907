import { InboxMigration1763800000000, OutboxMigration1764000000001 } from '@wxop/messaging';

import { CreateAdminCoreTables1765000000000 } from './1765000000000-create-admin-core-tables';
import { CreatePushLogTable1765100000000 } from './1765100000000-create-push-log-table';
import { CreateForwardingTables1765200000000 } from './1765200000000-create-forwarding-tables';
import { CreateForwardingBindingsTable1765200000001 } from './1765200000001-create-forwarding-bindings-table';
import { CreateForwardingRulesVersion1765200000002 } from './1765200000002-create-forwarding-rules-version';

/**
 * Every migration of the admin-api database (`wxop_admin`), in order. Each feature adds its own
 * files: core 1765000000000-*, pushes 1765100000000-*, forwarding 1765200000000-*.
 */
export const ADMIN_API_MIGRATIONS = [
  InboxMigration1763800000000,
  OutboxMigration1764000000001,
  CreateAdminCoreTables1765000000000,
  CreatePushLogTable1765100000000,
  CreateForwardingTables1765200000000,
  CreateForwardingBindingsTable1765200000001,
  CreateForwardingRulesVersion1765200000002,
];
