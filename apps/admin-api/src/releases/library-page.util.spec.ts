import { pageOfLibrary } from './library-page.util';

const rows = [
  { templateId: 3, userVersion: '1.10.0', userDesc: 'checkout', createdAt: '2026-01-03T00:00:00.000Z' },
  { templateId: 1, userVersion: '1.2.0', userDesc: 'Checkout fix', createdAt: '2026-01-01T00:00:00.000Z' },
  { templateId: 2, userVersion: '1.9.0', userDesc: 'menu', createdAt: '2026-01-03T00:00:00.000Z' },
];

describe('pageOfLibrary', () => {
  it('sorts newest first by default, ties by the tie-break field', () => {
    const page = pageOfLibrary(rows, { limit: 50, offset: 0, order: 'desc' }, 'createdAt', 'templateId');
    expect(page.items.map((r) => r.templateId)).toEqual([3, 2, 1]);
    expect(page).toMatchObject({ total: 3, limit: 50, offset: 0 });
  });

  it('compares versions numerically and honours asc', () => {
    const page = pageOfLibrary(
      rows,
      { limit: 50, offset: 0, order: 'asc', sort: 'userVersion' },
      'createdAt',
      'templateId',
    );
    expect(page.items.map((r) => r.userVersion)).toEqual(['1.2.0', '1.9.0', '1.10.0']);
  });

  it('filters by text in version or description (case-insensitive) before counting, then pages', () => {
    const filtered = pageOfLibrary(
      rows,
      { limit: 1, offset: 1, order: 'desc', q: 'CHECKOUT' },
      'createdAt',
      'templateId',
    );
    expect(filtered.total).toBe(2);
    expect(filtered.items.map((r) => r.templateId)).toEqual([1]);
  });
});
