import { describe, expect, it } from 'vitest';

import { filtersFromParams, filtersToParams, filtersToQuery, sameSearch, searchAction } from './filters';

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

describe('sameSearch', () => {
  it('is true for the same search, whitespace around the text aside (Search then refetches)', () => {
    expect(sameSearch({ name: 'shop', page: 1 }, { name: ' shop ', page: 1 })).toBe(true);
    expect(sameSearch({ page: 1 }, { name: '  ', page: 1 })).toBe(true);
    expect(
      sameSearch(
        { name: 'shop', bizRef: 'M', status: 'authorized', type: 'mini_program', page: 1 },
        { type: 'mini_program', status: 'authorized', bizRef: 'M', name: 'shop', page: 1 },
      ),
    ).toBe(true);
  });

  it('is false when any filter or the page differs (the URL changes and the list is read)', () => {
    expect(sameSearch({ name: 'shop', page: 1 }, { name: 'shop2', page: 1 })).toBe(false);
    expect(sameSearch({ name: 'shop', page: 1 }, { name: 'shop', page: 2 })).toBe(false);
    expect(sameSearch({ page: 1 }, { bizRef: 'M', page: 1 })).toBe(false);
    expect(sameSearch({ page: 1, status: 'authorized' }, { page: 1, status: 'unauthorized' })).toBe(false);
    expect(sameSearch({ page: 1, type: 'official_account' }, { page: 1 })).toBe(false);
  });
});

describe('searchAction', () => {
  it('reads the list again when Search is pressed with the search already shown', () => {
    expect(searchAction({ name: 'shop', page: 1 }, { name: 'shop', bizRef: '' })).toEqual({
      kind: 'refetch',
    });
    expect(searchAction({ page: 1 }, { name: '', bizRef: '' })).toEqual({ kind: 'refetch' });
  });

  it('puts a different search in the URL, back on its first page', () => {
    const changed = searchAction({ name: 'shop', page: 1 }, { name: 'mall' });
    expect(changed.kind).toBe('navigate');
    expect(changed.kind === 'navigate' && changed.params.toString()).toBe('q=mall');
    // the same text from page 3: to page 1, which is a new URL
    const fromPage3 = searchAction({ name: 'shop', status: 'authorized', page: 3 }, { name: 'shop' });
    expect(fromPage3.kind === 'navigate' && fromPage3.params.toString()).toBe('q=shop&status=authorized');
    // a filter cleared
    const cleared = searchAction({ type: 'mini_program', page: 1 }, { type: undefined });
    expect(cleared.kind === 'navigate' && cleared.params.toString()).toBe('');
  });
});
