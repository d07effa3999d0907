import { InboxMigration1763800000000, OutboxMigration1764000000001 } from '@wxop/messaging';

import { CreateAdminCoreTables1765000000000 } from './1765000000000-create-admin-core-tables';

/**
 * Every migration of the admin-api database (`wxop_admin`), in order. Each feature adds its own
 * files: core 1765000000000-*, pushes 1765100000000-*, forwarding 1765200000000-*.
 */
export const ADMIN_API_MIGRATIONS = [
  InboxMigration1763800000000,
  OutboxMigration1764000000001,
  CreateAdminCoreTables1765000000000,
];
