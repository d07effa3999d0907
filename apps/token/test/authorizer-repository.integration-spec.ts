import { SecretBox } from '@wxop/secrets';
import type { TestDatabase } from '@wxop/testing';

import { AuthorizerRepository, type CompletedRefresh } from '../src/authorizers/authorizer.repository';
import { createDatabase, SECRETS_KEYS } from './token-test.util';

const COMPONENT = 'wx7777777777777777';

/** The fenced writes of a refresh, on the real server (multi-table UPDATE, affected rows, the clock). */
describe('AuthorizerRepository (real MariaDB)', () => {
  let database: TestDatabase;
  let sut: AuthorizerRepository;
  const box = SecretBox.fromConfig(SECRETS_KEYS, 'k1');

  const insertDue = async (appids: string[]) => {
    await database.dataSource.query(
      `INSERT INTO token_authorizers
         (component_appid, authorizer_appid, status, refresh_token, refresh_due_at, status_changed_at, created_at, updated_at)
       VALUES ${appids.map(() => "(?, ?, 'active', ?, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3), UTC_TIMESTAMP(3), UTC_TIMESTAMP(3))").join(', ')}`,
      appids.flatMap((appid) => [
        COMPONENT,
        appid,
        box.encrypt(`refresh-${appid}`, `token_authorizers:${COMPONENT}:${appid}:refresh_token`),
      ]),
    );
  };
  const completed = (appid: string): CompletedRefresh => ({
    componentAppid: COMPONENT,
    authorizerAppid: appid,
    credentials: {
      accessToken: `access-new-${appid}`,
      refreshToken: `refresh-new-${appid}`,
      expiresIn: 7200,
      refreshInSeconds: 6000,
    },
  });
  const row = async (appid: string) =>
    (
      (await database.dataSource.query(
        `SELECT refresh_token, access_token, lease_owner, failures,
           TIMESTAMPDIFF(SECOND, UTC_TIMESTAMP(3), refresh_due_at) AS due_in,
           TIMESTAMPDIFF(SECOND, UTC_TIMESTAMP(3), access_token_expires_at) AS expires_in
         FROM token_authorizers WHERE component_appid = ? AND authorizer_appid = ?`,
        [COMPONENT, appid],
      )) as {
        refresh_token: string | null;
        access_token: string | null;
        lease_owner: string | null;
        failures: number;
        due_in: number | string;
        expires_in: number | string;
      }[]
    )[0]!;
  const open = (appid: string, column: string, value: string | null) =>
    value === null ? null : box.decrypt(value, `token_authorizers:${COMPONENT}:${appid}:${column}`);

  beforeAll(async () => {
    database = await createDatabase();
    sut = new AuthorizerRepository(database.dataSource, box);
  });

  afterAll(async () => {
    await database?.drop();
  });

  describe('completeRefreshes', () => {
    it('stores every refresh of a batch in one statement when all leases are still ours', async () => {
      const appids = ['wxbatch00000000001', 'wxbatch00000000002', 'wxbatch00000000003'];
      await insertDue(appids);
      expect(await sut.claimDue('replica-a', 10, 30)).toHaveLength(3);

      await expect(sut.completeRefreshes('replica-a', appids.map(completed))).resolves.toEqual([
        true,
        true,
        true,
      ]);
      for (const appid of appids) {
        const stored = await row(appid);
        expect(open(appid, 'refresh_token', stored.refresh_token)).toBe(`refresh-new-${appid}`);
        expect(open(appid, 'access_token', stored.access_token)).toBe(`access-new-${appid}`);
        expect(stored.lease_owner).toBeNull();
        expect(Number(stored.due_in)).toBeGreaterThanOrEqual(5990);
        expect(Number(stored.due_in)).toBeLessThanOrEqual(6000);
        expect(Number(stored.expires_in)).toBeGreaterThanOrEqual(7190);
      }
    });

    it('stores only the rows whose lease is still ours, and says which', async () => {
      const appids = ['wxfence00000000001', 'wxfence00000000002', 'wxfence00000000003'];
      await insertDue(appids);
      expect(await sut.claimDue('replica-a', 10, 30)).toHaveLength(3);
      // The second lease lapsed and another replica took it; the third was revoked meanwhile.
      await database.dataSource.query(
        `UPDATE token_authorizers SET lease_owner = 'replica-b' WHERE authorizer_appid = ?`,
        [appids[1]],
      );
      await database.dataSource.query(
        `UPDATE token_authorizers SET status = 'revoked', lease_owner = NULL, refresh_token = NULL
         WHERE authorizer_appid = ?`,
        [appids[2]],
      );

      await expect(sut.completeRefreshes('replica-a', appids.map(completed))).resolves.toEqual([
        true,
        false,
        false,
      ]);
      expect(open(appids[0]!, 'refresh_token', (await row(appids[0]!)).refresh_token)).toBe(
        `refresh-new-${appids[0]}`,
      );
      const taken = await row(appids[1]!);
      expect(open(appids[1]!, 'refresh_token', taken.refresh_token)).toBe(`refresh-${appids[1]}`);
      expect(taken.lease_owner).toBe('replica-b');
      expect((await row(appids[2]!)).refresh_token).toBeNull();
    });

    it('stores an authorizer named twice one entry at a time: the first releases the lease, so the second is refused', async () => {
      const appid = 'wxtwice00000000001';
      await insertDue([appid]);
      expect(await sut.claimDue('replica-a', 10, 30)).toHaveLength(1);
      const later = completed(appid);
      later.credentials = { ...later.credentials, refreshToken: 'refresh-later' };

      // The first entry releases the lease, so the second is no longer ours.
      await expect(sut.completeRefreshes('replica-a', [completed(appid), later])).resolves.toEqual([
        true,
        false,
      ]);
      expect(open(appid, 'refresh_token', (await row(appid)).refresh_token)).toBe(`refresh-new-${appid}`);
    });
  });
});
