import { SetMetadata } from '@nestjs/common';

export const ADMIN_ROLES = ['admin', 'operator', 'viewer'] as const;
export type AdminRole = (typeof ADMIN_ROLES)[number];

export const ROLES_KEY = 'wxop:admin-api:roles';

/**
 * The roles that may call a route; REQUIRED on every route that is not `@Public()` (the guard
 * refuses a route without it, and the role table test fails). Convention: reads
 * `@Roles('admin', 'operator', 'viewer')`; changes `@Roles('admin', 'operator')`; users, secrets and
 * token reveals `@Roles('admin')`.
 */
export const Roles = (...roles: [AdminRole, ...AdminRole[]]): MethodDecorator & ClassDecorator =>
  SetMetadata(ROLES_KEY, roles);
