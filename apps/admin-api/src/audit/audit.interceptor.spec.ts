import type { CallHandler, ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { firstValueFrom, from, defer } from 'rxjs';

import { UsersError, UsersErrorCodes } from '../users/users.errors';
import { AuditAction } from './audit-action.decorator';
import type { AuditLogRepository, AuditRow } from './audit-log.repository';
import { AuditLogService } from './audit-log.service';
import { AuditInterceptor } from './audit.interceptor';

class SampleController {
  @AuditAction('things.update')
  update(): string {
    return 'updated';
  }

  reveal(): string {
    return 'revealed';
  }
}

const user = { id: 3, username: 'alice', role: 'admin' as const, sessionId: 's' };

function contextFor(handler: keyof SampleController, method: string, body?: unknown): ExecutionContext {
  const request = {
    method,
    url: '/admin/v1/things/wx1?x=1',
    routeOptions: { url: '/admin/v1/things/:appid' },
    params: { appid: 'wx1' },
    headers: { 'user-agent': 'jest' },
    ip: '10.0.0.9',
    id: 'corr-9',
    body,
    user,
  };
  return {
    getType: () => 'http',
    getHandler: () => SampleController.prototype[handler],
    getClass: () => SampleController,
    switchToHttp: () => ({ getRequest: () => request }),
  } as unknown as ExecutionContext;
}

describe(AuditInterceptor.name, () => {
  let rows: AuditRow[];
  let audit: AuditLogService;
  let sut: AuditInterceptor;

  beforeEach(() => {
    rows = [];
    const repository = {
      insert: async (row: AuditRow) => void rows.push(row),
    } as unknown as AuditLogRepository;
    audit = new AuditLogService(repository);
    sut = new AuditInterceptor(new Reflector(), audit);
  });

  it('records a change with its action, target, actor, origin and redacted body', async () => {
    const next: CallHandler = { handle: () => from(['done']) };
    const result = await firstValueFrom(
      sut.intercept(contextFor('update', 'PATCH', { name: 'n', secret: 's3cr3t' }), next),
    );
    expect(result).toBe('done');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      action: 'things.update',
      target: 'appid=wx1',
      actorUsername: 'alice',
      actorRole: 'admin',
      ip: '10.0.0.9',
      userAgent: 'jest',
      method: 'PATCH',
      path: '/admin/v1/things/wx1',
      outcome: 'success',
      correlationId: 'corr-9',
      details: { body: { name: 'n', secret: '[REDACTED]' } },
    });
  });

  it('records a refused change with the error code, and passes the error on', async () => {
    const next: CallHandler = {
      handle: () => defer(async () => Promise.reject(new UsersError(UsersErrorCodes.UserNotFound, 'no'))),
    };
    await expect(firstValueFrom(sut.intercept(contextFor('update', 'DELETE'), next))).rejects.toBeInstanceOf(
      UsersError,
    );
    expect(rows[0]).toMatchObject({
      outcome: 'failure',
      errorCode: 'user_not_found',
      action: 'things.update',
    });
  });

  it('records nothing itself for a read, but gives a reveal inside it who and from where', async () => {
    const next: CallHandler = {
      handle: () =>
        defer(async () => {
          await new Promise((resolve) => setTimeout(resolve, 5));
          await audit.record({ action: 'credentials.token.reveal', target: 'appid=wx1', outcome: 'success' });
          return 'token';
        }),
    };
    await firstValueFrom(sut.intercept(contextFor('reveal', 'GET'), next));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      action: 'credentials.token.reveal',
      actorUsername: 'alice',
      ip: '10.0.0.9',
      method: 'GET',
    });
  });

  it('names an undecorated change by its method and route', async () => {
    await firstValueFrom(sut.intercept(contextFor('reveal', 'POST'), { handle: () => from([1]) }));
    expect(rows[0]!.action).toBe('POST /admin/v1/things/:appid');
  });
});
