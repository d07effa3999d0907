import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';

import type { AuditLogService } from '../audit/audit-log.service';
import { AccessGuard } from './access.guard';
import type { AccessClaims, AccessTokensService } from './access-tokens.service';
import type { AdminRequest } from './authenticated-user';
import { AuthError } from './auth.errors';
import { Public } from './public.decorator';
import { Roles } from './roles.decorator';
import type { SessionsRepository, SessionUser } from './sessions.repository';

class SampleController {
  @Roles('admin', 'operator')
  change(): string {
    return 'changed';
  }

  @Public()
  open(): string {
    return 'open';
  }

  undeclared(): string {
    return 'undeclared';
  }
}

const claims: AccessClaims = { sub: '7', username: 'ops', role: 'admin', sid: 'session-1' };

function contextFor(
  handler: keyof SampleController,
  request: { url?: string; method?: string; authorization?: string },
): { context: ExecutionContext; req: AdminRequest } {
  const req = {
    url: request.url ?? '/admin/v1/things/1',
    method: request.method ?? 'POST',
    routeOptions: { url: request.url ?? '/admin/v1/things/:thingId' },
    headers: request.authorization ? { authorization: request.authorization } : {},
    params: { thingId: '1' },
    ip: '10.1.1.1',
    id: 'corr-1',
  };
  const context = {
    getType: () => 'http',
    getHandler: () => SampleController.prototype[handler],
    getClass: () => SampleController,
    switchToHttp: () => ({ getRequest: () => req }),
  } as unknown as ExecutionContext;
  return { context, req: req as AdminRequest };
}

describe(AccessGuard.name, () => {
  let verify: jest.Mock<AccessClaims | undefined, [string]>;
  let liveSessionUser: jest.Mock<Promise<SessionUser | undefined>, [string]>;
  let recordQuietly: jest.Mock<Promise<void>, [unknown]>;
  let sut: AccessGuard;

  beforeEach(() => {
    verify = jest.fn<AccessClaims | undefined, [string]>(() => claims);
    liveSessionUser = jest.fn<Promise<SessionUser | undefined>, [string]>(async () => ({
      userId: 7,
      username: 'ops',
      role: 'operator',
    }));
    recordQuietly = jest.fn<Promise<void>, [unknown]>(async () => undefined);
    sut = new AccessGuard(
      new Reflector(),
      { verify } as unknown as AccessTokensService,
      { liveSessionUser } as unknown as SessionsRepository,
      { recordQuietly } as unknown as AuditLogService,
    );
  });

  it('lets a live session of a declared role through, with the role as stored now', async () => {
    const { context, req } = contextFor('change', { authorization: 'Bearer a.b.c' });
    await expect(sut.canActivate(context)).resolves.toBe(true);
    expect(verify).toHaveBeenCalledWith('a.b.c');
    expect(liveSessionUser).toHaveBeenCalledWith('session-1');
    expect(req.user).toEqual({ id: 7, username: 'ops', role: 'operator', sessionId: 'session-1' });
  });

  it('refuses a missing or bad token, and a token whose session is over', async () => {
    await expect(sut.canActivate(contextFor('change', {}).context)).rejects.toMatchObject({
      code: 'unauthenticated',
    });
    await expect(
      sut.canActivate(contextFor('change', { authorization: 'Basic abc' }).context),
    ).rejects.toBeInstanceOf(AuthError);
    verify.mockReturnValueOnce(undefined);
    await expect(
      sut.canActivate(contextFor('change', { authorization: 'Bearer x' }).context),
    ).rejects.toMatchObject({
      status: 401,
    });
    liveSessionUser.mockResolvedValueOnce(undefined);
    await expect(
      sut.canActivate(contextFor('change', { authorization: 'Bearer x' }).context),
    ).rejects.toMatchObject({
      status: 401,
    });
  });

  it('refuses a role the route does not declare, and audits a refused change', async () => {
    liveSessionUser.mockResolvedValue({ userId: 7, username: 'ops', role: 'viewer' });
    await expect(
      sut.canActivate(contextFor('change', { authorization: 'Bearer x' }).context),
    ).rejects.toMatchObject({
      code: 'forbidden',
      status: 403,
    });
    expect(recordQuietly).toHaveBeenCalledWith(
      expect.objectContaining({ outcome: 'failure', errorCode: 'forbidden', target: 'thingId=1' }),
    );
    recordQuietly.mockClear();
    await expect(
      sut.canActivate(contextFor('change', { authorization: 'Bearer x', method: 'GET' }).context),
    ).rejects.toMatchObject({ status: 403 });
    expect(recordQuietly).not.toHaveBeenCalled();
  });

  it('refuses a route that declares no roles (deny by default), lets public and non-API routes through', async () => {
    await expect(
      sut.canActivate(contextFor('undeclared', { authorization: 'Bearer x' }).context),
    ).rejects.toMatchObject({ code: 'route_without_roles' });
    await expect(sut.canActivate(contextFor('open', {}).context)).resolves.toBe(true);
    await expect(sut.canActivate(contextFor('undeclared', { url: '/health/ready' }).context)).resolves.toBe(
      true,
    );
    expect(verify).not.toHaveBeenCalled();
  });
});
