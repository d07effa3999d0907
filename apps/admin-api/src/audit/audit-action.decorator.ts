import { SetMetadata, applyDecorators } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';

export const AUDIT_ACTION_KEY = 'wxop:admin-api:audit-action';
/** The OpenAPI extension naming a route's audit action. */
export const AUDIT_ACTION_EXTENSION = 'x-wxop-audit-action';

export interface AuditActionOptions {
  /**
   * The handler records its own entries through AuditLogService (login, refresh: the actor is
   * known only inside); the interceptor then records nothing for this route.
   */
  recordedByHandler?: boolean;
}

export interface AuditActionMetadata extends AuditActionOptions {
  action: string;
}

/**
 * Names a mutating route's entry in the audit log, e.g. `@AuditAction('forwarding.rule.create')`.
 * The global interceptor records every POST/PUT/PATCH/DELETE (with or without this; without it
 * the action is `<method> <route>`), its target taken from the route parameters.
 */
export const AuditAction = (action: string, options: AuditActionOptions = {}): MethodDecorator =>
  applyDecorators(
    SetMetadata(AUDIT_ACTION_KEY, { action, ...options } satisfies AuditActionMetadata),
    ApiExtension(AUDIT_ACTION_EXTENSION, action),
  );
