import { InboxMigration1763800000000, OutboxMigration1764000000001 } from '@wxop/messaging';

import { CreateAuthorizerTables1764100000000 } from './migrations/1764100000000-create-authorizer-tables';
import { ProfilesSyncHistory1764200000000 } from './migrations/1764200000000-profiles-sync-history';
import { AuthorizationOutcomes1764300000000 } from './migrations/1764300000000-authorization-outcomes';
import { AuthorizationLinksListIndex1765610000000 } from './migrations/1765610000000-authorization-links-list-index';

/** Every migration of the authorizer database, in order. */
export const AUTHORIZER_MIGRATIONS = [
  InboxMigration1763800000000,
  OutboxMigration1764000000001,
  CreateAuthorizerTables1764100000000,
  ProfilesSyncHistory1764200000000,
  AuthorizationOutcomes1764300000000,
  AuthorizationLinksListIndex1765610000000,
];
