import { OutboxMigration1764000000001 } from '@wxop/messaging';

import { CreateTokenTables1764000000000 } from './migrations/1764000000000-create-token-tables';

/** Every migration of the token database, in order. */
export const TOKEN_MIGRATIONS = [CreateTokenTables1764000000000, OutboxMigration1764000000001];
