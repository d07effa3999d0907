import { describe, expect, it } from 'vitest';

import { filtersFromParams, listQuery, paramsFromFilters } from './list-query';

describe('campaign list filters', () => {
  it('reads status, sort, order and page from the URL, ignoring unknown values', () => {
    expect(filtersFromParams(new URLSearchParams('status=paused&sort=status&order=asc&page=3'))).toEqual({
      status: 'paused',
      sort: 'status',
      order: 'asc',
      page: 3,
    });
    expect(filtersFromParams(new URLSearchParams('status=bogus&sort=x&order=up&page=-1'))).toEqual({
      status: undefined,
      sort: 'createdAt',
      order: 'desc',
      page: 1,
    });
  });

  it('writes only what differs from the defaults, and reads back the same', () => {
    const filters = {
      status: 'running' as const,
      sort: 'createdAt' as const,
      order: 'desc' as const,
      page: 2,
    };
    expect(paramsFromFilters(filters).toString()).toBe('status=running&page=2');
    expect(filtersFromParams(paramsFromFilters(filters))).toEqual(filters);
    expect(paramsFromFilters({ ...filters, status: undefined, page: 1 }).toString()).toBe('');
  });

  it('pages by offset for the chosen component', () => {
    expect(listQuery({ status: undefined, sort: 'createdAt', order: 'desc', page: 3 }, 'wxc')).toEqual({
      componentAppid: 'wxc',
      sort: 'createdAt',
      order: 'desc',
      limit: 20,
      offset: 40,
    });
  });
});
