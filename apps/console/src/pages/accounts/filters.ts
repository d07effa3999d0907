import type { paths } from '../../api/schema';

type SearchQuery = NonNullable<
  paths['/admin/v1/components/{componentAppid}/authorizers']['get']['parameters']['query']
>;

export type AuthorizerType = NonNullable<SearchQuery['authorizerType']>;
export type AuthorizerStatus = NonNullable<SearchQuery['status']>;

export const AUTHORIZER_TYPES: readonly AuthorizerType[] = ['official_account', 'mini_program'];
export const AUTHORIZER_STATUSES: readonly AuthorizerStatus[] = ['authorized', 'unauthorized'];
export const PAGE_SIZE = 20;

/** The search of the accounts page, as kept in the URL (so a reload or a shared link shows the same). */
export interface AccountFilters {
  /** Part of the nick name, the original id (gh_…) or the appid. */
  name?: string;
  /** Exact business reference. */
  bizRef?: string;
  status?: AuthorizerStatus;
  type?: AuthorizerType;
  /** 1-based. */
  page: number;
}

function oneOf<T extends string>(values: readonly T[], value: string | null): T | undefined {
  return values.find((candidate) => candidate === value);
}

function text(value: string | null, max: number): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed.slice(0, max) : undefined;
}

/** The filters a URL's search params hold; unknown or malformed values are dropped. */
export function filtersFromParams(params: URLSearchParams): AccountFilters {
  const page = Number(params.get('page'));
  const filters: AccountFilters = { page: Number.isInteger(page) && page >= 1 ? page : 1 };
  const name = text(params.get('q'), 64);
  const bizRef = text(params.get('bizRef'), 128);
  const status = oneOf(AUTHORIZER_STATUSES, params.get('status'));
  const type = oneOf(AUTHORIZER_TYPES, params.get('type'));
  if (name) filters.name = name;
  if (bizRef) filters.bizRef = bizRef;
  if (status) filters.status = status;
  if (type) filters.type = type;
  return filters;
}

/** The search params of the filters (empty ones and page 1 left out). */
export function filtersToParams(filters: AccountFilters): URLSearchParams {
  const params = new URLSearchParams();
  const name = filters.name?.trim();
  const bizRef = filters.bizRef?.trim();
  if (name) params.set('q', name);
  if (bizRef) params.set('bizRef', bizRef);
  if (filters.status) params.set('status', filters.status);
  if (filters.type) params.set('type', filters.type);
  if (filters.page > 1) params.set('page', String(filters.page));
  return params;
}

/**
 * Whether two searches ask for the same list: the same URL, so the same query key. Searching
 * again for the same must read the list again (the page refetches: the key does not change).
 */
export function sameSearch(a: AccountFilters, b: AccountFilters): boolean {
  return filtersToParams(a).toString() === filtersToParams(b).toString();
}

/**
 * What a search (Search, Enter, a filter chosen) does: a different one goes into the URL, on its
 * first page; the one already shown reads the list again.
 */
export function searchAction(
  current: AccountFilters,
  next: Partial<AccountFilters>,
): { kind: 'navigate'; params: URLSearchParams } | { kind: 'refetch' } {
  const wanted: AccountFilters = { ...current, page: 1, ...next };
  return sameSearch(wanted, current)
    ? { kind: 'refetch' }
    : { kind: 'navigate', params: filtersToParams(wanted) };
}

/** The query of GET …/authorizers for the filters. */
export function filtersToQuery(filters: AccountFilters, pageSize = PAGE_SIZE): SearchQuery {
  const query: SearchQuery = { limit: pageSize, offset: (Math.max(1, filters.page) - 1) * pageSize };
  if (filters.name) query.name = filters.name;
  if (filters.bizRef) query.bizRef = filters.bizRef;
  if (filters.status) query.status = filters.status;
  if (filters.type) query.authorizerType = filters.type;
  return query;
}
