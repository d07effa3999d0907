import { AsyncLocalStorage } from 'node:async_hooks';

import type { AuthenticatedUser } from '../auth/authenticated-user';

/** Who is calling and from where, for the audit entries a request writes (set by AuditInterceptor). */
export interface AuditContext {
  user?: AuthenticatedUser;
  ip?: string;
  userAgent?: string;
  method?: string;
  path?: string;
  correlationId?: string;
}

const storage = new AsyncLocalStorage<AuditContext>();

export function runWithAuditContext<T>(context: AuditContext, run: () => T): T {
  return storage.run(context, run);
}

export function currentAuditContext(): AuditContext | undefined {
  return storage.getStore();
}
