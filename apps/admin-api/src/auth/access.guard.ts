import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';

import { AccessTokensService } from './access-tokens.service';
import type { AdminRequest } from './authenticated-user';
import { AuthError, AuthErrorCodes } from './auth.errors';
import { IS_PUBLIC_KEY } from './public.decorator';
import { ROLES_KEY, type AdminRole } from './roles.decorator';

/** Routes under this prefix are the API; the rest (health, metrics) are infrastructure. */
export const ADMIN_PATH_PREFIX = '/admin/';

/**
 * Every /admin route needs a valid access token unless `@Public()`, and a role its `@Roles()`
 * names; a route with neither is refused (deny by default).
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: AccessTokensService,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<FastifyRequest & AdminRequest>();
    if (!(request.routeOptions.url ?? request.url).startsWith(ADMIN_PATH_PREFIX)) return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, targets)) return true;
    const roles = this.reflector.getAllAndOverride<AdminRole[] | undefined>(ROLES_KEY, targets);
    if (!roles || roles.length === 0)
      throw new AuthError(AuthErrorCodes.RouteWithoutRoles, 'this route declares no roles');
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(header) : null;
    const claims = match ? this.tokens.verify(match[1]!) : undefined;
    if (!claims) throw AuthError.unauthenticated();
    request.user = {
      id: Number(claims.sub),
      username: claims.username,
      role: claims.role,
      sessionId: claims.sid,
    };
    if (!roles.includes(claims.role))
      throw new AuthError(AuthErrorCodes.Forbidden, `the ${claims.role} role may not do this`);
    return true;
  }
}
