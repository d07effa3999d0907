import { APPID_PATTERN, type ListAuthorizationOutcomesRequest } from '@wxop/contracts';

import { componentOf, integer } from '../authorizers/search-request.util';
import { AuthorizerError } from '../shared/authorizer.errors';
import type { OutcomeFilter } from './authorization-outcome.repository';

const FIELDS = new Set(['componentAppid', 'authorizerAppid', 'outcome', 'offset', 'limit']);

/** Validates an `authorizer.authorization-outcomes.list` request, naming every problem (INVALID_REQUEST). */
export function parseOutcomesRequest(request: unknown, defaultComponent: string | undefined): OutcomeFilter {
  if (typeof request !== 'object' || request === null || Array.isArray(request)) {
    throw AuthorizerError.invalid('the request must be an object');
  }
  const r = request as ListAuthorizationOutcomesRequest & Record<string, unknown>;
  const problems: string[] = [];
  for (const key of Object.keys(r)) if (!FIELDS.has(key)) problems.push(`unknown field ${key}`);
  const filter: OutcomeFilter = {
    componentAppid: componentOf(r.componentAppid, defaultComponent, problems),
    offset: integer(r.offset, 'offset', 0, 1_000_000, problems) ?? 0,
    limit: integer(r.limit, 'limit', 1, 200, problems) ?? 50,
  };
  if (r.authorizerAppid !== undefined) {
    if (typeof r.authorizerAppid !== 'string' || !APPID_PATTERN.test(r.authorizerAppid)) {
      problems.push('authorizerAppid must be an appid');
    } else filter.authorizerAppid = r.authorizerAppid;
  }
  if (r.outcome !== undefined) {
    if (r.outcome !== 'failed' && r.outcome !== 'recovered')
      problems.push('outcome must be failed or recovered');
    else filter.outcome = r.outcome;
  }
  if (problems.length > 0) throw AuthorizerError.invalid(problems.join('; '));
  return filter;
}
