import { describe, expect, it } from 'vitest';

import {
  auditFiltersFromParams,
  auditFiltersToParams,
  auditQuery,
  hasFilters,
  prettyDetails,
} from './audit-logic';

describe('audit filters in the URL', () => {
  it('round-trip', () => {
    const filters = {
      actor: 'alice',
      action: 'users.',
      target: 'userId=7',
      outcome: 'failure' as const,
      from: '2025-01-01T00:00:00.000Z',
      to: '2025-01-02T00:00:00.000Z',
      text: 'wx123',
      page: 4,
    };
    expect(auditFiltersFromParams(auditFiltersToParams(filters))).toEqual(filters);
  });

  it('leave out blanks and page 1', () => {
    expect(auditFiltersToParams({ actor: '  ', page: 1 }).toString()).toBe('');
  });

  it('drop values the API would refuse, and trim and cap text', () => {
    const params = new URLSearchParams({
      outcome: 'maybe',
      from: 'last week',
      page: 'x',
      actor: ` ${'a'.repeat(80)} `,
    });
    expect(auditFiltersFromParams(params)).toEqual({ actor: 'a'.repeat(64), page: 1 });
  });
});

describe('auditQuery', () => {
  it('maps the filters and the page to the API query, newest first', () => {
    expect(auditQuery({ action: 'forwarding.', outcome: 'success', page: 3 }, 50)).toEqual({
      actor: undefined,
      action: 'forwarding.',
      target: undefined,
      outcome: 'success',
      from: undefined,
      to: undefined,
      text: undefined,
      limit: 50,
      offset: 100,
      sort: 'at',
      order: 'desc',
    });
  });
});

describe('hasFilters', () => {
  it('ignores the page', () => {
    expect(hasFilters({ page: 5 })).toBe(false);
    expect(hasFilters({ text: 'x', page: 1 })).toBe(true);
  });
});

describe('prettyDetails', () => {
  it('pretty prints objects and is undefined when empty', () => {
    expect(prettyDetails({ a: 1, b: { c: 'd' } })).toBe('{\n  "a": 1,\n  "b": {\n    "c": "d"\n  }\n}');
    expect(prettyDetails(null)).toBeUndefined();
    expect(prettyDetails(undefined)).toBeUndefined();
    expect(prettyDetails({})).toBeUndefined();
  });
});
