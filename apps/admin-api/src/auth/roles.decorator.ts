import { SetMetadata, applyDecorators } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';

export const ADMIN_ROLES = ['admin', 'operator', 'viewer'] as const;
export type AdminRole = (typeof ADMIN_ROLES)[number];

export const ROLES_KEY = 'wxop:admin-api:roles';
/** The OpenAPI extension that lists a route's roles (the role table test reads it). */
export const ROLES_EXTENSION = 'x-wxop-roles';

/**
 * The roles that may call a route; REQUIRED on every route that is not `@Public()` (the guard
 * refuses a route without it, and the role table test fails). Convention: reads
 * `@Roles('admin', 'operator', 'viewer')`; changes `@Roles('admin', 'operator')`; users, secrets and
 * token reveals `@Roles('admin')`.
 */
export const Roles = (...roles: [AdminRole, ...AdminRole[]]): MethodDecorator & ClassDecorator =>
  applyDecorators(SetMetadata(ROLES_KEY, roles), ApiExtension(ROLES_EXTENSION, roles));
