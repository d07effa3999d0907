import { createTestDatabase, type TestDatabase } from '@wxop/testing';

import { AuthorizationRepository, type AuthorizedState } from '../src/authorizers/authorization.repository';
import { AuthorizerCredentialRepository } from '../src/authorizers/authorizer-credential.repository';
import { AuthorizerHistoryRepository } from '../src/authorizers/authorizer-history.repository';
import { AuthorizerSearchRepository } from '../src/authorizers/authorizer-search.repository';
import { parseAuthorizerInfo } from '../src/authorizers/profile.util';
import { AUTHORIZER_MIGRATIONS } from '../src/database/migrations';
import { SyncRepository } from '../src/sync/sync.repository';

const COMPONENT = 'wx5555555555555555';
const PROFILE = parseAuthorizerInfo({ nick_name: 'Sync 同步', user_name: 'gh_sync', account_status: 1 });

/**
 * The statements whose correctness rests on MariaDB/MySQL semantics (ON DUPLICATE KEY UPDATE
 * assignments evaluated left to right, leases on the database clock), on the real server.
 */
describe('authorizer repositories (real MariaDB)', () => {
  let database: TestDatabase;
  let sut: AuthorizationRepository;
  let search: AuthorizerSearchRepository;
  let syncs: SyncRepository;

  const discovered = (authorizerAppid: string, authorizedAt: Date, eventId: string): AuthorizedState => ({
    componentAppid: COMPONENT,
    authorizerAppid,
    funcInfo: [17, 18],
    authorizedAt,
    authorizedVia: 'sync',
    announcedEventId: eventId,
    profile: PROFILE,
  });
  const row = async (authorizerAppid: string) =>
    (
      (await database.dataSource.query(
        `SELECT status, authorized_via, announced_event_id, nick_name, credential_status FROM authorizers
         WHERE component_appid = ? AND authorizer_appid = ?`,
        [COMPONENT, authorizerAppid],
      )) as Record<string, string | null>[]
    )[0];

  beforeAll(async () => {
    database = await createTestDatabase({ prefix: 'authorizer_repo', migrations: AUTHORIZER_MIGRATIONS });
    sut = new AuthorizationRepository(
      database.dataSource,
      new AuthorizerCredentialRepository(database.dataSource),
    );
    search = new AuthorizerSearchRepository(
      database.dataSource,
      new AuthorizerHistoryRepository(database.dataSource),
    );
    syncs = new SyncRepository(database.dataSource);
  });

  afterAll(async () => {
    await database?.drop();
  });

  describe('storeDiscovered', () => {
    it('records new accounts, revives an older unauthorization, and leaves what a push recorded or a newer unauthorization alone', async () => {
      const now = Date.now();
      // Recorded by a push meanwhile: authorized, announced by its own event.
      await sut.storeAuthorized(database.dataSource, {
        componentAppid: COMPONENT,
        authorizerAppid: 'wxbypush',
        funcInfo: [1],
        authorizedAt: new Date(now - 10_000),
        authorizedVia: 'push',
        announcedEventId: '11111111-1111-5111-8111-111111111111',
        profile: PROFILE,
      });
      await sut.storeUnauthorized(database.dataSource, COMPONENT, 'wxrevived', new Date(now - 60_000));
      await sut.storeUnauthorized(database.dataSource, COMPONENT, 'wxstillgone', new Date(now));

      const ours = await database.dataSource.transaction((manager) =>
        sut.storeDiscovered(manager, [
          discovered('wxnew', new Date(now - 5_000), '22222222-2222-5222-8222-222222222222'),
          discovered('wxbypush', new Date(now - 5_000), '33333333-3333-5333-8333-333333333333'),
          discovered('wxrevived', new Date(now - 5_000), '44444444-4444-5444-8444-444444444444'),
          discovered('wxstillgone', new Date(now - 5_000), '55555555-5555-5555-8555-555555555555'),
        ]),
      );

      expect([...ours].sort()).toEqual(['wxnew', 'wxrevived']);
      expect(await row('wxnew')).toMatchObject({
        status: 'authorized',
        authorized_via: 'sync',
        announced_event_id: '22222222-2222-5222-8222-222222222222',
        credential_status: 'active',
      });
      expect(await row('wxbypush')).toMatchObject({
        status: 'authorized',
        authorized_via: 'push',
        announced_event_id: '11111111-1111-5111-8111-111111111111',
      });
      expect(await row('wxrevived')).toMatchObject({
        status: 'authorized',
        authorized_via: 'sync',
        announced_event_id: '44444444-4444-5444-8444-444444444444',
      });
      expect(await row('wxstillgone')).toMatchObject({ status: 'unauthorized', announced_event_id: null });
    });
  });

  describe('storeUnauthorized', () => {
    it('keeps the latest unauthorization time, so an older authorized push cannot revive the row', async () => {
      const now = Date.now();
      await sut.storeUnauthorized(database.dataSource, COMPONENT, 'wxlate', new Date(now));
      await sut.storeUnauthorized(database.dataSource, COMPONENT, 'wxlate', new Date(now - 120_000));
      await sut.storeAuthorized(database.dataSource, {
        componentAppid: COMPONENT,
        authorizerAppid: 'wxlate',
        funcInfo: [1],
        authorizedAt: new Date(now - 60_000),
        authorizedVia: 'push',
        announcedEventId: '66666666-6666-5666-8666-666666666666',
        profile: PROFILE,
      });
      expect(await row('wxlate')).toMatchObject({ status: 'unauthorized' });
    });
  });

  describe('search', () => {
    it('finds by part of a name with LIKE wildcards taken literally', async () => {
      const byName = await search.search({
        componentAppid: COMPONENT,
        name: 'Sync 同',
        offset: 0,
        limit: 50,
      });
      expect(byName.total).toBeGreaterThan(0);
      const literal = await search.search({ componentAppid: COMPONENT, name: '%', offset: 0, limit: 50 });
      expect(literal.total).toBe(0);
    });

    describe('the set filters of campaign targets', () => {
      const SETS = 'wx5555555555550000';
      const put = async (
        appid: string,
        values: {
          type?: string;
          status?: string;
          bizRef?: string | null;
          funcInfo?: number[];
          credential?: string | null;
        },
      ) =>
        database.dataSource.query(
          `INSERT INTO authorizers (component_appid, authorizer_appid, status, biz_ref, func_info, authorizer_type,
             nick_name, credential_status, authorized_at, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3), UTC_TIMESTAMP(3))`,
          [
            SETS,
            appid,
            values.status ?? 'authorized',
            values.bizRef === undefined ? `shop-${appid.slice(-2)}` : values.bizRef,
            JSON.stringify(values.funcInfo ?? [17, 18, 19]),
            values.type ?? 'mini_program',
            `店 ${appid.slice(-2)}`,
            values.credential === undefined ? 'active' : values.credential,
          ],
        );
      const campaignSet = {
        componentAppid: SETS,
        authorizerType: 'mini_program',
        status: 'authorized',
        funcInfo: [18],
        credentialStatus: 'active' as const,
        offset: 0,
      };
      const appids = (page: { items: { authorizerAppid: string }[] }) =>
        page.items.map((item) => item.authorizerAppid);

      beforeAll(async () => {
        for (let index = 1; index <= 7; index++)
          await put(`wx55550000000000${String(index).padStart(2, '0')}`, {});
        await put('wx5555000000000020', { type: 'official_account' });
        await put('wx5555000000000021', { funcInfo: [17, 19, 180] });
        await put('wx5555000000000022', { status: 'unauthorized' });
        await put('wx5555000000000023', { credential: 'invalid' });
        await put('wx5555000000000024', { bizRef: 'shop_x' });
        await put('wx5555000000000025', { bizRef: 'other-25' });
        await put('wx5555000000000026', { bizRef: null });
      });

      it('selects mini programs, authorized, with an active credential and permission set 18, by bizRef prefix', async () => {
        const page = await search.search({ ...campaignSet, bizRefPrefix: 'shop-', limit: 50 });
        expect(appids(page)).toHaveLength(7);
        expect(page.total).toBe(7);
        expect(appids(page).every((appid) => appid.startsWith('wx55550000000000'))).toBe(true);
        // The prefix is literal: shop_x is not shop-%, and `_` is no wildcard.
        expect(appids(await search.search({ ...campaignSet, bizRefPrefix: 'shop_', limit: 50 }))).toEqual([
          'wx5555000000000024',
        ]);
      });

      it('selects by a list of bizRefs, and pages the set by key after an appid without counting', async () => {
        const listed = await search.search({
          ...campaignSet,
          bizRefs: ['shop-02', 'shop-05', 'other-25', 'shop-21', 'missing'],
          limit: 50,
        });
        expect(appids(listed).sort()).toEqual([
          'wx5555000000000002',
          'wx5555000000000005',
          'wx5555000000000025',
        ]);
        // By appids (a campaign's explicit targets): only those, and only the ones in the set.
        const chosen = await search.search({
          componentAppid: campaignSet.componentAppid,
          authorizerAppids: ['wx5555000000000003', 'wx5555000000000024', 'wx5555999999999999'],
          afterAuthorizerAppid: '',
          countTotal: false,
          offset: 0,
          limit: 200,
        });
        expect(appids(chosen)).toEqual(['wx5555000000000003', 'wx5555000000000024']);

        const seen: string[] = [];
        let after: string | undefined = '';
        let pages = 0;
        while (after !== undefined) {
          const page = await search.search({
            ...campaignSet,
            afterAuthorizerAppid: after,
            countTotal: false,
            limit: 3,
          });
          expect(page.total).toBe(-1);
          seen.push(...appids(page));
          after = page.nextAfterAuthorizerAppid;
          pages += 1;
        }
        // 10 of the set (the 7 shops, shop_x, other-25 and the one without a bizRef): 3 + 3 + 3 + 1.
        expect(pages).toBe(4);
        expect(seen).toEqual([
          ...Array.from({ length: 7 }, (_, i) => `wx55550000000000${String(i + 1).padStart(2, '0')}`),
          'wx5555000000000024',
          'wx5555000000000025',
          'wx5555000000000026',
        ]);
      });
    });
  });

  describe('SyncRepository leases', () => {
    it('one run per component: a live lease is kept, an expired one is taken over, a lost one cannot be renewed', async () => {
      expect(await syncs.acquireLease(COMPONENT, 'run-a', 'replica-a', 60)).toBe('run-a');
      expect(await syncs.acquireLease(COMPONENT, 'run-b', 'replica-b', 60)).toBe('run-a');
      await database.dataSource.query(
        `UPDATE authorizer_sync_leases SET lease_until = UTC_TIMESTAMP(3) - INTERVAL 1 SECOND WHERE component_appid = ?`,
        [COMPONENT],
      );
      expect(await syncs.acquireLease(COMPONENT, 'run-b', 'replica-b', 60)).toBe('run-b');
      expect(await syncs.renewLease(COMPONENT, 'run-a', 60)).toBe(false);
      expect(await syncs.renewLease(COMPONENT, 'run-b', 60)).toBe(true);
      await syncs.releaseLease(COMPONENT, 'run-a');
      expect(await syncs.acquireLease(COMPONENT, 'run-c', 'replica-c', 60)).toBe('run-b');
      await syncs.releaseLease(COMPONENT, 'run-b');
      expect(await syncs.acquireLease(COMPONENT, 'run-c', 'replica-c', 60)).toBe('run-c');
    });

    it('reports a running run whose lease is gone as failed (abandoned)', async () => {
      await syncs.insertRun({
        syncId: 'abandoned-run',
        componentAppid: 'wx6666666666666666',
        trigger: 'start',
        owner: 'x',
      });
      expect(await syncs.find('abandoned-run')).toMatchObject({
        status: 'failed',
        error: expect.stringContaining('abandoned') as unknown,
      });
    });
  });
});
