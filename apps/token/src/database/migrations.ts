import { OutboxMigration1764000000001 } from '@wxop/messaging';

import { CreateTokenTables1764000000000 } from './migrations/1764000000000-create-token-tables';
import { ComponentTicketState1796150000000 } from './migrations/1796150000000-component-ticket-state';
import { ComponentLastError1796300000000 } from './migrations/1796300000000-component-last-error';

/** Every migration of the token database, in order. */
export const TOKEN_MIGRATIONS = [
  CreateTokenTables1764000000000,
  OutboxMigration1764000000001,
  ComponentTicketState1796150000000,
  ComponentLastError1796300000000,
];
