import { describe, expect, it } from 'vitest';

import {
  draftsQuery,
  switchTab,
  templateAudit,
  templatesQuery,
  viewFromParams,
  viewToParams,
} from './library';

describe('viewFromParams', () => {
  it('defaults to the first page of templates', () => {
    expect(viewFromParams(new URLSearchParams())).toEqual({ tab: 'templates', page: 1 });
  });

  it('reads the tab, search, type and page', () => {
    expect(viewFromParams(new URLSearchParams('q=%20checkout%20&type=1&page=2'))).toEqual({
      tab: 'templates',
      q: 'checkout',
      templateType: 1,
      page: 2,
    });
  });

  it('ignores the template type on the drafts tab and bad values', () => {
    expect(viewFromParams(new URLSearchParams('tab=drafts&type=1&page=0'))).toEqual({
      tab: 'drafts',
      page: 1,
    });
    expect(viewFromParams(new URLSearchParams('tab=other&type=2'))).toEqual({ tab: 'templates', page: 1 });
  });
});

describe('viewToParams', () => {
  it('round-trips and leaves defaults out', () => {
    const view = { tab: 'templates', q: 'v1', templateType: 0, page: 3 } as const;
    expect(viewFromParams(viewToParams(view))).toEqual(view);
    expect(viewToParams({ tab: 'templates', page: 1 }).toString()).toBe('');
    expect(viewToParams({ tab: 'drafts', templateType: 1, page: 1 }).toString()).toBe('tab=drafts');
  });

  it('starts another tab afresh', () => {
    expect(viewToParams(switchTab('drafts')).toString()).toBe('tab=drafts');
  });
});

describe('queries', () => {
  it('pages, searches and filters the templates', () => {
    expect(templatesQuery({ tab: 'templates', q: 'pay', templateType: 1, page: 2 }, 20)).toEqual({
      limit: 20,
      offset: 20,
      order: 'desc',
      sort: 'createdAt',
      q: 'pay',
      templateType: 1,
    });
  });

  it('keeps the type filter out of the drafts query', () => {
    expect(draftsQuery({ tab: 'drafts', templateType: 1, page: 1 }, 20)).toEqual({
      limit: 20,
      offset: 0,
      order: 'desc',
      sort: 'createdAt',
    });
  });
});

describe('templateAudit', () => {
  it('maps the standard template audit states', () => {
    expect(templateAudit(null)).toBeUndefined();
    expect(templateAudit(3)).toEqual({ key: 'approved', color: 'success' });
    expect(templateAudit(2)?.key).toBe('rejected');
    expect(templateAudit(9)?.key).toBe('unknown');
  });
});
