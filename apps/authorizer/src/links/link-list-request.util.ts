import { AUTHORIZATION_LINK_STATES, type AuthorizationLinkState } from '@wxop/contracts';

import { componentOf, integer } from '../authorizers/search-request.util';
import { AuthorizerError } from '../shared/authorizer.errors';
import type { LinkFilter } from './link.repository';

const FIELDS = new Set(['componentAppid', 'bizRef', 'state', 'offset', 'limit']);

/** Validates an `authorizer.links.list` request, naming every problem (INVALID_REQUEST). */
export function parseLinkListRequest(request: unknown, defaultComponent: string | undefined): LinkFilter {
  if (typeof request !== 'object' || request === null || Array.isArray(request)) {
    throw AuthorizerError.invalid('the request must be an object');
  }
  const r = request as Record<string, unknown>;
  const problems: string[] = [];
  for (const key of Object.keys(r)) if (!FIELDS.has(key)) problems.push(`unknown field ${key}`);
  const filter: LinkFilter = {
    componentAppid: componentOf(r['componentAppid'], defaultComponent, problems),
    offset: integer(r['offset'], 'offset', 0, 1_000_000, problems) ?? 0,
    limit: integer(r['limit'], 'limit', 1, 200, problems) ?? 50,
  };
  const bizRef = r['bizRef'];
  if (bizRef !== undefined) {
    if (typeof bizRef !== 'string' || bizRef.length === 0 || bizRef.length > 128)
      problems.push('bizRef must be 1–128 characters');
    else filter.bizRef = bizRef;
  }
  const state = r['state'];
  if (state !== undefined) {
    if (!(AUTHORIZATION_LINK_STATES as readonly unknown[]).includes(state))
      problems.push(`state must be one of ${AUTHORIZATION_LINK_STATES.join(', ')}`);
    else filter.state = state as AuthorizationLinkState;
  }
  if (problems.length > 0) throw AuthorizerError.invalid(problems.join('; '));
  return filter;
}
