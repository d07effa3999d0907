import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { Observable, catchError, from, mergeMap, throwError } from 'rxjs';

import { ADMIN_PATH_PREFIX } from '../auth/access.guard';
import type { AdminRequest } from '../auth/authenticated-user';
import { refusalOf } from '../shared/admin-api-error.filter';
import { AUDIT_ACTION_KEY, type AuditActionMetadata } from './audit-action.decorator';
import { runWithAuditContext, type AuditContext } from './audit-context';
import { AuditLogService } from './audit-log.service';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** `componentAppid=wx1,ruleId=7`: the route parameters, in route order. */
export function targetOf(params: Record<string, string> | undefined): string | undefined {
  const entries = Object.entries(params ?? {});
  return entries.length === 0 ? undefined : entries.map(([key, value]) => `${key}=${value}`).join(',');
}

export function auditContextOf(request: FastifyRequest & AdminRequest): AuditContext {
  const userAgent = request.headers['user-agent'];
  return {
    user: request.user,
    ip: request.ip,
    userAgent: typeof userAgent === 'string' ? userAgent : undefined,
    method: request.method,
    path: request.url.split('?')[0],
    correlationId: request.id,
  };
}

/**
 * Runs each /admin handler inside its audit context (who, from where) and records every mutating
 * call, succeeded or refused, with its body redacted (redactFields). Refusals by the guard happen
 * before interceptors: AccessGuard records a signed-in operator's forbidden mutating call itself.
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly audit: AuditLogService,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<FastifyRequest & AdminRequest>();
    const route = request.routeOptions.url ?? request.url;
    if (!route.startsWith(ADMIN_PATH_PREFIX)) return next.handle();
    const auditContext = auditContextOf(request);
    const metadata = this.reflector.get<AuditActionMetadata | undefined>(
      AUDIT_ACTION_KEY,
      context.getHandler(),
    );
    const audited = MUTATING.has(request.method) && !metadata?.recordedByHandler;
    const action = metadata?.action ?? `${request.method} ${route}`;
    const target = targetOf(request.params as Record<string, string> | undefined);
    const details =
      request.body && typeof request.body === 'object'
        ? { body: request.body as Record<string, unknown> }
        : undefined;
    const handled = new Observable<unknown>((subscriber) =>
      runWithAuditContext(auditContext, () => next.handle().subscribe(subscriber)),
    );
    if (!audited) return handled;
    return handled.pipe(
      mergeMap((value) =>
        from(
          runWithAuditContext(auditContext, () =>
            this.audit.recordQuietly({ action, target, outcome: 'success', details }),
          ).then(() => value),
        ),
      ),
      catchError((error: unknown) =>
        from(
          runWithAuditContext(auditContext, () =>
            this.audit.recordQuietly({
              action,
              target,
              outcome: 'failure',
              errorCode: refusalOf(error, request.id, false).body.error,
              details,
            }),
          ),
        ).pipe(mergeMap(() => throwError(() => error))),
      ),
    );
  }
}
