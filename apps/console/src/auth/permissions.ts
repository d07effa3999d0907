import type { paths } from '../api/schema';
import routeRoles from '../api/route-roles.json';

export type Role = 'admin' | 'operator' | 'viewer';
type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** An admin-api route as its OpenAPI document names it: a changed path fails the type check. */
export type Route = `${Method} ${Extract<keyof paths, string>}`;

const ROLES = routeRoles as Record<string, Role[] | undefined>;

/**
 * Whether `role` may call `route`, from the roles admin-api declares on each route (its OpenAPI
 * document): the console hides or disables what the API would refuse (and the API refuses it anyway).
 */
export function can(role: Role | undefined, route: Route): boolean {
  if (!role) return false;
  return ROLES[route]?.includes(role) ?? false;
}
