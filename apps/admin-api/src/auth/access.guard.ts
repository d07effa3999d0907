import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';

import { AUDIT_ACTION_KEY, type AuditActionMetadata } from '../audit/audit-action.decorator';
import { runWithAuditContext } from '../audit/audit-context';
import { AuditLogService } from '../audit/audit-log.service';
import { AccessTokensService } from './access-tokens.service';
import type { AdminRequest } from './authenticated-user';
import { AuthError, AuthErrorCodes } from './auth.errors';
import { IS_PUBLIC_KEY } from './public.decorator';
import { ROLES_KEY, type AdminRole } from './roles.decorator';
import { SessionsRepository } from './sessions.repository';

/** Routes under this prefix are the API; the rest (health, metrics) are infrastructure. */
export const ADMIN_PATH_PREFIX = '/admin/';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Every /admin route needs a valid access token unless `@Public()`, and a role its `@Roles()`
 * names; a route with neither is refused (deny by default). The token must belong to a live
 * session of an enabled user (logout, password change and refresh-token reuse end sessions at
 * once), and the role checked is the user's role now, not the one in the token.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: AccessTokensService,
    private readonly sessions: SessionsRepository,
    private readonly audit: AuditLogService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<FastifyRequest & AdminRequest>();
    const route = request.routeOptions.url ?? request.url;
    if (!route.startsWith(ADMIN_PATH_PREFIX)) return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, targets)) return true;
    const roles = this.reflector.getAllAndOverride<AdminRole[] | undefined>(ROLES_KEY, targets);
    if (!roles || roles.length === 0)
      throw new AuthError(AuthErrorCodes.RouteWithoutRoles, 'this route declares no roles');
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(header) : null;
    const claims = match ? this.tokens.verify(match[1]!) : undefined;
    const live = claims ? await this.sessions.liveSessionUser(claims.sid) : undefined;
    if (!claims || !live || String(live.userId) !== claims.sub) throw AuthError.unauthenticated();
    request.user = { id: live.userId, username: live.username, role: live.role, sessionId: claims.sid };
    if (!roles.includes(live.role)) {
      if (MUTATING.has(request.method)) await this.recordForbidden(context, request, route);
      throw new AuthError(AuthErrorCodes.Forbidden, `the ${live.role} role may not do this`);
    }
    return true;
  }

  private async recordForbidden(
    context: ExecutionContext,
    request: FastifyRequest & AdminRequest,
    route: string,
  ): Promise<void> {
    const metadata = this.reflector.get<AuditActionMetadata | undefined>(
      AUDIT_ACTION_KEY,
      context.getHandler(),
    );
    const params = Object.entries((request.params as Record<string, string> | undefined) ?? {});
    const userAgent = request.headers['user-agent'];
    await runWithAuditContext(
      {
        user: request.user,
        ip: request.ip,
        userAgent: typeof userAgent === 'string' ? userAgent : undefined,
        method: request.method,
        path: request.url.split('?')[0],
        correlationId: request.id,
      },
      () =>
        this.audit.recordQuietly({
          action: metadata?.action ?? `${request.method} ${route}`,
          target: params.length > 0 ? params.map(([key, value]) => `${key}=${value}`).join(',') : undefined,
          outcome: 'failure',
          errorCode: AuthErrorCodes.Forbidden,
        }),
    );
  }
}
