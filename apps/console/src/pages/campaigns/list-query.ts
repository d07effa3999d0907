/** The campaigns list's filters, kept in the URL's search params (a reload shows the same page). */

export const CAMPAIGN_STATUSES = ['running', 'paused', 'cancelled', 'finished'] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

export const LIST_SORTS = ['createdAt', 'finishedAt', 'status', 'userVersion', 'templateId'] as const;
export type ListSort = (typeof LIST_SORTS)[number];

export const PAGE_SIZE = 20;

export interface ListFilters {
  status: CampaignStatus | undefined;
  sort: ListSort;
  order: 'asc' | 'desc';
  page: number;
}

const oneOf = <T extends string>(list: readonly T[], value: string | null): T | undefined =>
  list.includes(value as T) ? (value as T) : undefined;

/** The filters a URL names; anything unknown falls back to the default (newest first, page 1). */
export function filtersFromParams(params: URLSearchParams): ListFilters {
  const page = Number(params.get('page'));
  return {
    status: oneOf(CAMPAIGN_STATUSES, params.get('status')),
    sort: oneOf(LIST_SORTS, params.get('sort')) ?? 'createdAt',
    order: params.get('order') === 'asc' ? 'asc' : 'desc',
    page: Number.isInteger(page) && page > 0 ? page : 1,
  };
}

/** The filters as search params, defaults left out (so the plain list has a plain URL). */
export function paramsFromFilters(filters: ListFilters): URLSearchParams {
  const params = new URLSearchParams();
  if (filters.status) params.set('status', filters.status);
  if (filters.sort !== 'createdAt') params.set('sort', filters.sort);
  if (filters.order !== 'desc') params.set('order', filters.order);
  if (filters.page > 1) params.set('page', String(filters.page));
  return params;
}

/** The query of `GET /admin/v1/campaigns` for these filters and component. */
export function listQuery(filters: ListFilters, componentAppid: string) {
  return {
    componentAppid,
    ...(filters.status ? { status: filters.status } : {}),
    sort: filters.sort,
    order: filters.order,
    limit: PAGE_SIZE,
    offset: (filters.page - 1) * PAGE_SIZE,
  };
}
