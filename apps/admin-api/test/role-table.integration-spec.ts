import { ADMIN_ROLES, ROLES_EXTENSION, type AdminRole } from '../src/auth/roles.decorator';
import { PUBLIC_EXTENSION } from '../src/auth/public.decorator';
import { AUDIT_ACTION_EXTENSION } from '../src/audit/audit-action.decorator';
import {
  adminCall,
  createUser,
  login,
  startAdminApi,
  type AdminApiProcess,
  type TestUser,
} from './admin-test.util';

interface Route {
  method: string;
  /** OpenAPI path, e.g. /admin/v1/users/{userId}. */
  path: string;
  roles?: AdminRole[];
  isPublic: boolean;
  action?: string;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** Routes a viewer may call although they are not reads: their own session and password. */
const SELF_SERVICE = new Set(['POST /admin/v1/auth/logout', 'POST /admin/v1/me/password']);

/** Which roles the product rules allow on a route (the expectation the declared @Roles must meet). */
function allowedByRules(route: Route, role: AdminRole): boolean {
  const key = `${route.method} ${route.path}`;
  const mutating = route.method !== 'GET';
  const managesUsers = route.path === '/admin/v1/users' || route.path.startsWith('/admin/v1/users/');
  const revealsSecret = /reveal|secret/i.test(`${route.path} ${route.action ?? ''}`);
  if (role === 'admin') return true;
  if (managesUsers || revealsSecret) return false;
  if (role === 'viewer') return !mutating || SELF_SERVICE.has(key);
  return true;
}

function concretePath(path: string): string {
  // A value no resource has: the call reaches the handler (or its param validation), changes nothing.
  return path.replace(/\{[^}]+\}/g, '0');
}

/**
 * Every route of the running app (from its OpenAPI document, so routes added later are covered),
 * every role: a route without @Roles or @Public fails; declared roles must keep the product rules
 * (viewers change nothing, operators neither manage users nor reveal secrets); and the app must
 * refuse exactly the roles a route does not declare (403) and every call without a token (401).
 */
describe('role table over every route (admin-api)', () => {
  let api: AdminApiProcess;
  const users = {} as Record<AdminRole, TestUser>;
  let routes: Route[];

  beforeAll(async () => {
    api = await startAdminApi({ env: { RABBITMQ_RPC_TIMEOUT_MS: '300' } });
    for (const role of ADMIN_ROLES) users[role] = await createUser(api, role);
    const { body } = await adminCall<{ paths: Record<string, Record<string, Record<string, unknown>>> }>(
      api.url,
      'GET',
      '/admin/docs/openapi.json',
    );
    routes = Object.entries(body.paths).flatMap(([path, operations]) =>
      METHODS.filter((method) => operations[method]).map((method) => {
        const operation = operations[method]!;
        return {
          method: method.toUpperCase(),
          path,
          roles: operation[ROLES_EXTENSION] as AdminRole[] | undefined,
          isPublic: operation[PUBLIC_EXTENSION] === true,
          action: operation[AUDIT_ACTION_EXTENSION] as string | undefined,
        };
      }),
    );
  });

  afterAll(async () => {
    await api?.close();
  });

  it('finds the routes of the app, all under /admin/v1', () => {
    const keys = routes.map((route) => `${route.method} ${route.path}`);
    expect(keys).toEqual(
      expect.arrayContaining([
        'POST /admin/v1/auth/login',
        'GET /admin/v1/me',
        'GET /admin/v1/users',
        'DELETE /admin/v1/users/{userId}',
        'GET /admin/v1/audit-log',
        'GET /admin/v1/campaigns',
        'POST /admin/v1/campaigns',
        'GET /admin/v1/campaigns/{campaignId}',
        'GET /admin/v1/campaigns/{campaignId}/targets',
        'GET /admin/v1/campaigns/{campaignId}/operations',
        'GET /admin/v1/campaigns/{campaignId}/operations/{operationId}',
        'POST /admin/v1/campaigns/{campaignId}/pause',
        'POST /admin/v1/campaigns/{campaignId}/resume',
        'POST /admin/v1/campaigns/{campaignId}/cancel',
        'POST /admin/v1/campaigns/{campaignId}/retry',
        'POST /admin/v1/campaigns/{campaignId}/approve',
        'POST /admin/v1/campaigns/{campaignId}/gray/advance',
        'POST /admin/v1/campaigns/{campaignId}/gray/revert',
        'POST /admin/v1/campaigns/{campaignId}/revert',
        'POST /admin/v1/campaigns/{campaignId}/speedup',
        'GET /admin/v1/dashboard',
      ]),
    );
    for (const route of routes) expect(route.path.startsWith('/admin/v1/')).toBe(true);
  });

  it('has @Roles or @Public on every route, and declared roles that keep the rules', () => {
    const problems: string[] = [];
    for (const route of routes) {
      const key = `${route.method} ${route.path}`;
      if (route.isPublic) continue;
      if (!route.roles || route.roles.length === 0) {
        problems.push(`${key}: no @Roles`);
        continue;
      }
      for (const role of route.roles)
        if (!allowedByRules(route, role)) problems.push(`${key}: ${role} allowed against the rules`);
    }
    expect(problems).toEqual([]);
  });

  it('answers 401 without a token on every non-public route', async () => {
    const wrong: string[] = [];
    for (const route of routes.filter((r) => !r.isPublic)) {
      const { status, body } = await adminCall<{ error: string }>(
        api.url,
        route.method,
        concretePath(route.path),
        {
          body: route.method === 'GET' ? undefined : {},
        },
      );
      if (status !== 401 || body.error !== 'unauthenticated')
        wrong.push(`${route.method} ${route.path}: ${status}`);
    }
    expect(wrong).toEqual([]);
  });

  it('lets each role call exactly the routes that declare it', async () => {
    const wrong: string[] = [];
    for (const route of routes.filter((r) => !r.isPublic)) {
      for (const role of ADMIN_ROLES) {
        // A fresh session per call: some routes end the caller's session (logout, password change).
        const { accessToken } = await login(api.url, users[role].username, users[role].password);
        const { status, body } = await adminCall<{ error: string }>(
          api.url,
          route.method,
          concretePath(route.path),
          {
            token: accessToken,
            body: route.method === 'GET' ? undefined : {},
          },
        );
        const declared = route.roles?.includes(role) ?? false;
        const refused = status === 403 && body.error === 'forbidden';
        if (declared === refused || status === 401)
          wrong.push(`${route.method} ${route.path} as ${role}: ${status} ${body.error}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('records a refused change by a signed-in operator in the audit log', async () => {
    const admin = await login(api.url, users.admin.username, users.admin.password);
    const { body } = await adminCall<{
      items: { actor: { username: string }; outcome: string; errorCode: string }[];
    }>(
      api.url,
      'GET',
      `/admin/v1/audit-log?actor=${users.viewer.username}&action=users.delete&outcome=failure`,
      { token: admin.accessToken },
    );
    expect(body.items.length).toBeGreaterThan(0);
    expect(body.items[0]).toMatchObject({
      actor: { username: users.viewer.username },
      errorCode: 'forbidden',
    });
  });
});
