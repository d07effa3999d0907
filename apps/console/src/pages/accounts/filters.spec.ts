import { describe, expect, it } from 'vitest';

import { filtersFromParams, filtersToParams, filtersToQuery } from './filters';

describe('filtersFromParams', () => {
  it('reads every filter of the URL', () => {
    const params = new URLSearchParams('q=shop&bizRef=M-42&status=authorized&type=mini_program&page=3');
    expect(filtersFromParams(params)).toEqual({
      name: 'shop',
      bizRef: 'M-42',
      status: 'authorized',
      type: 'mini_program',
      page: 3,
    });
  });

  it('drops unknown enums, blank text and bad pages', () => {
    const params = new URLSearchParams('q=%20%20&status=gone&type=app&page=-2');
    expect(filtersFromParams(params)).toEqual({ page: 1 });
    expect(filtersFromParams(new URLSearchParams('page=1.5')).page).toBe(1);
  });

  it('trims text and caps it at what the API accepts', () => {
    const filters = filtersFromParams(new URLSearchParams({ q: `  ${'a'.repeat(80)} ` }));
    expect(filters.name).toHaveLength(64);
  });
});

describe('filtersToParams', () => {
  it('round-trips through the URL', () => {
    const filters = {
      name: 'shop',
      bizRef: 'M-42',
      status: 'unauthorized',
      type: 'official_account',
      page: 2,
    } as const;
    expect(filtersFromParams(filtersToParams(filters))).toEqual(filters);
  });

  it('leaves empty filters and the first page out', () => {
    expect(filtersToParams({ name: ' ', page: 1 }).toString()).toBe('');
  });
});

describe('filtersToQuery', () => {
  it('maps the filters to the API query with the page offset', () => {
    expect(
      filtersToQuery({ name: 'shop', type: 'mini_program', status: 'authorized', bizRef: 'M', page: 3 }, 20),
    ).toEqual({
      limit: 20,
      offset: 40,
      name: 'shop',
      authorizerType: 'mini_program',
      status: 'authorized',
      bizRef: 'M',
    });
    expect(filtersToQuery({ page: 1 }, 20)).toEqual({ limit: 20, offset: 0 });
  });
});
