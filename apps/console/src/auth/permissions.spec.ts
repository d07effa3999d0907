// @vitest-environment node
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// @ts-expect-error -- a plain ES module script, without types
import { routeRoles } from '../../scripts/route-roles.mjs';
import routeRolesJson from '../api/route-roles.json';
import { can } from './permissions';

const openapi = JSON.parse(
  readFileSync(fileURLToPath(new URL('../api/openapi.json', import.meta.url)), 'utf8'),
) as unknown;

describe('can', () => {
  it('reads the roles from the current OpenAPI document (else: npm run console:api)', () => {
    expect(routeRolesJson).toEqual((routeRoles as (document: unknown) => unknown)(openapi));
  });

  it('lets each role do what admin-api declares, and nothing without a role', () => {
    expect(can('viewer', 'GET /admin/v1/pushes')).toBe(true);
    expect(can('viewer', 'POST /admin/v1/pushes/{id}/replay')).toBe(false);
    expect(can('operator', 'POST /admin/v1/pushes/{id}/replay')).toBe(true);
    expect(can('operator', 'GET /admin/v1/users')).toBe(false);
    expect(
      can(
        'operator',
        'POST /admin/v1/components/{componentAppid}/authorizers/{authorizerAppid}/access-token/reveal',
      ),
    ).toBe(false);
    expect(
      can(
        'admin',
        'POST /admin/v1/components/{componentAppid}/authorizers/{authorizerAppid}/access-token/reveal',
      ),
    ).toBe(true);
    expect(can(undefined, 'GET /admin/v1/pushes')).toBe(false);
  });

  it('allows nothing on a route the document does not declare roles for (login is public, not a role grant)', () => {
    expect(can('admin', 'POST /admin/v1/auth/login')).toBe(false);
  });
});
