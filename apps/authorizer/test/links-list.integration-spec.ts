import { createTestDatabase, type TestDatabase } from '@wxop/testing';
import type { DataSource } from 'typeorm';

import { AUTHORIZER_MIGRATIONS } from '../src/database/migrations';
import { LinkRepository, type LinkFilter } from '../src/links/link.repository';

const COMPONENT = 'wx6161616161616161';
const OTHER = 'wx6262626262626262';
const LINKS = 600;

interface Seeded {
  id: string;
  componentAppid: string;
  bizRef: string | null;
  createdAt: number;
  state: 'open' | 'expired' | 'used';
}

/**
 * `authorizer.links.list` on the real server: paging, the bizRef and state filters and the order
 * over a few hundred links of two components, and the plan MariaDB chooses for each statement
 * (the list index, no filesort, no full scan).
 */
describe('authorization links listing (real MariaDB)', () => {
  let database: TestDatabase;
  let sut: LinkRepository;
  const statements: { sql: string; parameters: unknown[] }[] = [];
  const seeded: Seeded[] = [];

  beforeAll(async () => {
    database = await createTestDatabase({ prefix: 'authorizer_links', migrations: AUTHORIZER_MIGRATIONS });
    // The repository's statements are recorded so the test can EXPLAIN exactly what it runs.
    const recording = {
      query: (sql: string, parameters: unknown[] = []) => {
        statements.push({ sql, parameters });
        return database.dataSource.query(sql, parameters);
      },
    } as unknown as DataSource;
    sut = new LinkRepository(recording);
    const base = Date.UTC(2026, 10, 1);
    const now = Date.now();
    const rows: unknown[][] = [];
    const grants: unknown[][] = [];
    for (let i = 0; i < LINKS; i += 1) {
      const componentAppid = i % 3 === 2 ? OTHER : COMPONENT;
      const bizRef = i % 5 === 0 ? null : `shop-${i % 4}`;
      const id = `link${String(i).padStart(6, '0')}`;
      // Some pairs share a creation time: the order falls back to the id.
      const createdAt = base + Math.floor(i / 2) * 1000;
      const state: Seeded['state'] = i % 7 === 0 ? 'used' : i % 2 === 0 ? 'expired' : 'open';
      const expiresAt = state === 'expired' ? now - 60_000 : now + 3_600_000;
      rows.push([
        id,
        componentAppid,
        'pc',
        bizRef,
        `hash${id}`,
        'https://example.invalid/x',
        new Date(expiresAt),
        new Date(createdAt),
      ]);
      if (state === 'used')
        grants.push([
          `code${id}`,
          componentAppid,
          `wxused${i}`,
          id,
          bizRef,
          '[]',
          'authorized',
          '00000000-0000-4000-8000-000000000000',
          'push',
          new Date(createdAt + 10),
        ]);
      seeded.push({ id, componentAppid, bizRef, createdAt, state });
    }
    await database.dataSource.query(
      `INSERT INTO authorization_links
         (id, component_appid, kind, biz_ref, pre_auth_code_hash, wechat_url, expires_at, created_at) VALUES ?`,
      [rows],
    );
    await database.dataSource.query(
      `INSERT INTO authorization_grants
         (code_hash, component_appid, authorizer_appid, link_id, biz_ref, func_info, event_type, event_id,
          recorded_by, created_at) VALUES ?`,
      [grants],
    );
    await database.dataSource.query('ANALYZE TABLE authorization_links, authorization_grants');
  });

  afterAll(async () => {
    await database?.drop();
  });

  const expected = (filter: Omit<LinkFilter, 'offset' | 'limit'>): string[] =>
    seeded
      .filter(
        (link) =>
          link.componentAppid === filter.componentAppid &&
          (filter.bizRef === undefined || link.bizRef === filter.bizRef) &&
          (filter.state === undefined || link.state === filter.state),
      )
      .sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1))
      .map((link) => link.id);

  /** Every page of a filter, walked with the given page size. */
  async function walk(filter: Omit<LinkFilter, 'offset' | 'limit'>, limit: number) {
    const ids: string[] = [];
    let total = -1;
    for (let offset = 0; ; offset += limit) {
      const page = await sut.list({ ...filter, offset, limit });
      total = page.total;
      ids.push(...page.items.map((item) => item.id));
      expect(page.items.length).toBeLessThanOrEqual(limit);
      if (page.items.length < limit) break;
    }
    return { ids, total };
  }

  it('pages through one component newest first (ties by id), with the right total and nothing of the other component', async () => {
    const { ids, total } = await walk({ componentAppid: COMPONENT }, 37);
    expect(ids).toEqual(expected({ componentAppid: COMPONENT }));
    expect(total).toBe(ids.length);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('filters by bizRef and by state, alone and together, and names the account of a used link', async () => {
    for (const filter of [
      { componentAppid: COMPONENT, bizRef: 'shop-1' },
      { componentAppid: COMPONENT, state: 'used' as const },
      { componentAppid: COMPONENT, state: 'expired' as const },
      { componentAppid: OTHER, state: 'open' as const },
      { componentAppid: COMPONENT, bizRef: 'shop-3', state: 'open' as const },
    ]) {
      const { ids, total } = await walk(filter, 50);
      expect({ filter, ids }).toEqual({ filter, ids: expected(filter) });
      expect(total).toBe(ids.length);
    }
    const used = await sut.list({ componentAppid: COMPONENT, state: 'used', offset: 0, limit: 3 });
    for (const link of used.items) {
      expect(link.state).toBe('used');
      expect(link.authorizerAppid).toBe(`wxused${Number(link.id.slice(4))}`);
    }
    const open = await sut.list({ componentAppid: COMPONENT, state: 'open', offset: 0, limit: 3 });
    expect(open.items.map((link) => link.state)).toEqual(['open', 'open', 'open']);
  });

  it('answers an empty page past the end, with the total', async () => {
    const page = await sut.list({ componentAppid: COMPONENT, bizRef: 'shop-2', offset: 10_000, limit: 10 });
    expect(page.items).toEqual([]);
    expect(page.total).toBe(expected({ componentAppid: COMPONENT, bizRef: 'shop-2' }).length);
  });

  it('reads the links through the list indexes: no full scan and no filesort', async () => {
    const plans: { filter: string; table: string; type: string; key: string | null; extra: string }[] = [];
    for (const filter of [{ componentAppid: COMPONENT }, { componentAppid: COMPONENT, bizRef: 'shop-1' }]) {
      statements.length = 0;
      await sut.list({ ...filter, offset: 0, limit: 50 });
      for (const { sql, parameters } of statements) {
        const rows = (await database.dataSource.query(`EXPLAIN ${sql}`, parameters)) as {
          table: string;
          type: string;
          key: string | null;
          Extra: string | null;
        }[];
        for (const row of rows.filter((r) => r.table === 'l'))
          plans.push({
            filter: JSON.stringify(filter),
            table: row.table,
            type: row.type,
            key: row.key,
            extra: row.Extra ?? '',
          });
      }
    }
    expect(plans.length).toBe(4);
    for (const plan of plans) {
      expect(plan.type).not.toBe('ALL');
      expect(plan.key).toMatch(/^idx_authorization_links_component_(created|biz_ref)$/);
      expect(plan.extra).not.toMatch(/filesort/i);
    }
  });
});
