import { describe, expect, it } from 'vitest';

import {
  draftsQuery,
  switchTab,
  syncAge,
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

describe('syncAge', () => {
  const now = Date.parse('2026-12-01T12:00:00.000Z');
  const ago = (ms: number) => new Date(now - ms).toISOString();

  it('says how long ago the library was synced, in whole minutes, hours or days', () => {
    expect(syncAge(ago(20_000), now)).toEqual({ key: 'syncedJustNow', count: 0 });
    expect(syncAge(ago(3 * 60_000 + 59_000), now)).toEqual({ key: 'syncedMinutesAgo', count: 3 });
    expect(syncAge(ago(2 * 3_600_000 + 1), now)).toEqual({ key: 'syncedHoursAgo', count: 2 });
    expect(syncAge(ago(3 * 86_400_000), now)).toEqual({ key: 'syncedDaysAgo', count: 3 });
  });

  it('says never for a library not synced yet, and just now for a clock a little behind', () => {
    expect(syncAge(null, now)).toEqual({ key: 'neverSynced', count: 0 });
    expect(syncAge(new Date(now + 5_000).toISOString(), now)).toEqual({ key: 'syncedJustNow', count: 0 });
  });
});
