import {
  APPID_PATTERN,
  AUTHORIZER_STATUSES,
  AUTHORIZER_TYPES,
  type AuthorizerRefRequest,
  type SearchAuthorizersRequest,
} from '@wxop/contracts';

import { AuthorizerError } from '../shared/authorizer.errors';
import type { AuthorizerFilter } from './authorizer-search.repository';

const FIELDS = new Set([
  'componentAppid',
  'authorizerType',
  'status',
  'bizRef',
  'bizRefs',
  'bizRefPrefix',
  'authorizerAppids',
  'funcInfo',
  'credentialStatus',
  'afterAuthorizerAppid',
  'countTotal',
  'name',
  'offset',
  'limit',
]);

export function componentOf(value: unknown, fallback: string | undefined, problems: string[]): string {
  const componentAppid = value ?? fallback;
  if (typeof componentAppid !== 'string' || !APPID_PATTERN.test(componentAppid)) {
    problems.push('componentAppid must be an appid (or WECHAT_COMPONENT_APPID be configured)');
    return '';
  }
  return componentAppid;
}

export function integer(
  value: unknown,
  name: string,
  min: number,
  max: number,
  problems: string[],
): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    problems.push(`${name} must be an integer from ${min} to ${max}`);
    return undefined;
  }
  return value;
}

/** Validates a search request, naming every problem at once (INVALID_REQUEST). */
export function parseSearchRequest(request: unknown, defaultComponent: string | undefined): AuthorizerFilter {
  if (typeof request !== 'object' || request === null || Array.isArray(request)) {
    throw AuthorizerError.invalid('the request must be an object');
  }
  const r = request as SearchAuthorizersRequest & Record<string, unknown>;
  const problems: string[] = [];
  for (const key of Object.keys(r)) if (!FIELDS.has(key)) problems.push(`unknown field ${key}`);
  const filter: AuthorizerFilter = {
    componentAppid: componentOf(r.componentAppid, defaultComponent, problems),
    offset: integer(r.offset, 'offset', 0, 1_000_000, problems) ?? 0,
    limit: integer(r.limit, 'limit', 1, 200, problems) ?? 50,
  };
  if (r.authorizerType !== undefined) {
    if (!(AUTHORIZER_TYPES as readonly unknown[]).includes(r.authorizerType)) {
      problems.push(`authorizerType must be one of ${AUTHORIZER_TYPES.join(', ')}`);
    } else filter.authorizerType = r.authorizerType;
  }
  if (r.status !== undefined) {
    if (!(AUTHORIZER_STATUSES as readonly unknown[]).includes(r.status)) {
      problems.push(`status must be one of ${AUTHORIZER_STATUSES.join(', ')}`);
    } else filter.status = r.status;
  }
  if (r.bizRef !== undefined) {
    if (typeof r.bizRef !== 'string' || r.bizRef.length === 0 || r.bizRef.length > 128) {
      problems.push('bizRef must be 1 to 128 characters');
    } else filter.bizRef = r.bizRef;
  }
  if (r.name !== undefined) {
    if (typeof r.name !== 'string' || r.name.trim().length === 0 || r.name.length > 64) {
      problems.push('name must be 1 to 64 characters');
    } else filter.name = r.name.trim();
  }
  readSetFilters(r, filter, problems);
  if (problems.length > 0) throw AuthorizerError.invalid(problems.join('; '));
  return filter;
}

/** The filters of callers selecting a set (campaign targets): bizRef list or prefix, permissions, credential, keyset. */
function readSetFilters(
  r: SearchAuthorizersRequest & Record<string, unknown>,
  filter: AuthorizerFilter,
  problems: string[],
): void {
  if ([r.bizRef, r.bizRefs, r.bizRefPrefix].filter((value) => value !== undefined).length > 1) {
    problems.push('bizRef, bizRefs and bizRefPrefix exclude each other');
  }
  if (r.bizRefs !== undefined) {
    if (
      !Array.isArray(r.bizRefs) ||
      r.bizRefs.length === 0 ||
      r.bizRefs.length > 1000 ||
      r.bizRefs.some((ref) => typeof ref !== 'string' || ref.length === 0 || ref.length > 128)
    ) {
      problems.push('bizRefs must be a list of 1 to 1000 references of 1 to 128 characters');
    } else filter.bizRefs = [...new Set(r.bizRefs)];
  }
  if (r.bizRefPrefix !== undefined) {
    if (typeof r.bizRefPrefix !== 'string' || r.bizRefPrefix.length === 0 || r.bizRefPrefix.length > 128) {
      problems.push('bizRefPrefix must be 1 to 128 characters');
    } else filter.bizRefPrefix = r.bizRefPrefix;
  }
  if (r.authorizerAppids !== undefined) {
    if (
      !Array.isArray(r.authorizerAppids) ||
      r.authorizerAppids.length === 0 ||
      r.authorizerAppids.length > 1000 ||
      r.authorizerAppids.some((appid) => typeof appid !== 'string' || !APPID_PATTERN.test(appid))
    ) {
      problems.push('authorizerAppids must be a list of 1 to 1000 appids');
    } else filter.authorizerAppids = [...new Set(r.authorizerAppids)];
  }
  if (r.funcInfo !== undefined) {
    if (
      !Array.isArray(r.funcInfo) ||
      r.funcInfo.length === 0 ||
      r.funcInfo.length > 50 ||
      r.funcInfo.some((id) => typeof id !== 'number' || !Number.isInteger(id) || id < 1 || id > 10_000)
    ) {
      problems.push('funcInfo must be a list of 1 to 50 permission-set ids');
    } else filter.funcInfo = [...new Set(r.funcInfo)];
  }
  if (r.credentialStatus !== undefined) {
    if (r.credentialStatus !== 'active' && r.credentialStatus !== 'invalid') {
      problems.push('credentialStatus must be active or invalid');
    } else filter.credentialStatus = r.credentialStatus;
  }
  if (r.afterAuthorizerAppid !== undefined) {
    if (
      typeof r.afterAuthorizerAppid !== 'string' ||
      (r.afterAuthorizerAppid !== '' && !APPID_PATTERN.test(r.afterAuthorizerAppid))
    ) {
      problems.push("afterAuthorizerAppid must be an appid, or '' for the first page");
    } else if (filter.offset !== 0) {
      problems.push('afterAuthorizerAppid pages by key: offset must be 0');
    } else filter.afterAuthorizerAppid = r.afterAuthorizerAppid;
  }
  if (r.countTotal !== undefined) {
    if (typeof r.countTotal !== 'boolean') problems.push('countTotal must be true or false');
    else filter.countTotal = r.countTotal;
  }
}

/** Validates `{ componentAppid?, authorizerAppid }`. */
export function parseAuthorizerRef(
  request: unknown,
  defaultComponent: string | undefined,
): { componentAppid: string; authorizerAppid: string } {
  const r = (typeof request === 'object' && request !== null ? request : {}) as Partial<AuthorizerRefRequest>;
  const problems: string[] = [];
  const componentAppid = componentOf(r.componentAppid, defaultComponent, problems);
  if (typeof r.authorizerAppid !== 'string' || !APPID_PATTERN.test(r.authorizerAppid)) {
    problems.push('authorizerAppid must be an appid');
  }
  if (problems.length > 0) throw AuthorizerError.invalid(problems.join('; '));
  return { componentAppid, authorizerAppid: r.authorizerAppid! };
}

/** Validates `{ componentAppid? }` (and an optional syncId). */
export function parseComponentRequest(
  request: unknown,
  defaultComponent: string | undefined,
): { componentAppid: string; syncId?: string } {
  const r = (typeof request === 'object' && request !== null ? request : {}) as {
    componentAppid?: unknown;
    syncId?: unknown;
  };
  const problems: string[] = [];
  const componentAppid = componentOf(r.componentAppid, defaultComponent, problems);
  if (r.syncId !== undefined && (typeof r.syncId !== 'string' || !/^[0-9a-f-]{36}$/.test(r.syncId))) {
    problems.push('syncId must be a sync run id');
  }
  if (problems.length > 0) throw AuthorizerError.invalid(problems.join('; '));
  return r.syncId === undefined ? { componentAppid } : { componentAppid, syncId: r.syncId as string };
}
