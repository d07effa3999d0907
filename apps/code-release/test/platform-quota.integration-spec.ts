import { MetricsService } from '@wxop/observability';
import { createTestDatabase, type TestDatabase } from '@wxop/testing';
import { WechatApiError, type WechatCodeApi } from '@wxop/wechat-api';

import { CampaignOperationsRepository } from '../src/campaigns/campaign-operations.repository';
import { PlatformQuotaRepository } from '../src/campaigns/platform-quota.repository';
import type { QuotaClaim } from '../src/campaigns/platform-quota.util';
import type { CodeReleaseConfig } from '../src/config/code-release.config';
import { CODE_RELEASE_MIGRATIONS } from '../src/database/migrations';
import { ReleaseHistoryRepository } from '../src/history/release-history.repository';
import type { TokenClient } from '../src/shared/token.client';
import { WechatCalls } from '../src/shared/wechat-calls.service';
import { VersionsService } from '../src/versions/versions.service';

let componentSequence = 0;
const nextComponent = () => `wx5555${String(++componentSequence).padStart(12, '0')}`;

/**
 * WeChat's side of the quota as the platform sees it: queryquota answers `rest`, and every accepted
 * submit_audit spends one (85085 when none is left). Counted here so the bound is checked on
 * what reached "WeChat", not on what the repository says it granted.
 */
class PlatformQuotaOnWechat {
  submits = 0;
  reads = 0;
  constructor(public rest: number) {}
  read = async () => {
    this.reads += 1;
    return { rest: this.rest, limit: 10, speedupRest: 0, speedupLimit: 0 };
  };
  async submit(): Promise<number> {
    await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20));
    if (this.rest <= 0) return 85085;
    this.rest -= 1;
    this.submits += 1;
    return 0;
  }
}

/** The platform-wide quota row shared by two replicas (two repository instances, one database). */
describe('PlatformQuotaRepository (real MariaDB, two replicas)', () => {
  let database: TestDatabase;
  let replicaA: PlatformQuotaRepository;
  let replicaB: PlatformQuotaRepository;

  beforeAll(async () => {
    database = await createTestDatabase({ prefix: 'quota', migrations: CODE_RELEASE_MIGRATIONS });
    replicaA = new PlatformQuotaRepository(database.dataSource);
    replicaB = new PlatformQuotaRepository(database.dataSource);
  });

  afterAll(async () => {
    await database?.drop();
  });

  /** One target's submit on one replica: claim, submit if granted, settle. */
  const submitOne = async (
    replica: PlatformQuotaRepository,
    component: string,
    wechat: PlatformQuotaOnWechat,
    reserve: number,
  ): Promise<QuotaClaim> => {
    const claim = await replica.claim(component, reserve, wechat.read);
    if (!claim.granted) return claim;
    const errcode = await wechat.submit();
    await replica.settle(component, errcode === 0 ? 'spent' : 'exhausted');
    return claim;
  };

  it('lets two replicas submitting 30 targets at once spend exactly rest − reserve (10 − 2 = 8)', async () => {
    const component = nextComponent();
    const wechat = new PlatformQuotaOnWechat(10);
    const claims = await Promise.all(
      Array.from({ length: 30 }, (_, index) =>
        submitOne(index % 2 === 0 ? replicaA : replicaB, component, wechat, 2),
      ),
    );
    expect(wechat.submits).toBe(8);
    expect(wechat.rest).toBe(2);
    expect(claims.filter((claim) => claim.granted)).toHaveLength(8);
    expect(
      claims.filter((claim) => !claim.granted).map((claim) => !claim.granted && claim.waitReason),
    ).toEqual(Array(22).fill('quota_reserve'));
    // One reading served both replicas: it was fresh and the later claims counted against it.
    expect(wechat.reads).toBe(1);
  });

  it('gives a refused submit its unit back and stops at the bound', async () => {
    const component = nextComponent();
    const wechat = new PlatformQuotaOnWechat(3);
    expect((await replicaA.claim(component, 0, wechat.read)).granted).toBe(true);
    expect((await replicaB.claim(component, 0, wechat.read)).granted).toBe(true);
    expect((await replicaA.claim(component, 0, wechat.read)).granted).toBe(true);
    expect(await replicaB.claim(component, 0, wechat.read)).toEqual({
      granted: false,
      waitReason: 'quota_exhausted',
    });
    await replicaA.settle(component, 'refunded'); // e.g. 85008: WeChat spent nothing
    expect((await replicaB.claim(component, 0, wechat.read)).granted).toBe(true);
    expect((await replicaA.claim(component, 0, wechat.read)).granted).toBe(false);
    expect(await replicaA.left(component)).toEqual({ rest: 3, usedSinceRead: 3 });
  });

  it('reads queryquota again only when no claimed submit is unanswered, and continues after the month rolls over', async () => {
    const component = nextComponent();
    const wechat = new PlatformQuotaOnWechat(1);
    const eager = { staleSeconds: 0, exhaustedRecheckSeconds: 0, inFlightSeconds: 30 };
    replicaA.timings = eager;
    replicaB.timings = eager;
    try {
      expect((await replicaA.claim(component, 0, wechat.read)).granted).toBe(true);
      expect(wechat.reads).toBe(1);
      // The submit is in flight: the stale reading is not replaced (WeChat's rest would not show it yet).
      expect(await replicaB.claim(component, 0, wechat.read)).toEqual({
        granted: false,
        waitReason: 'quota_exhausted',
      });
      expect(wechat.reads).toBe(1);
      wechat.rest -= 1;
      await replicaA.settle(component, 'spent');
      // Answered: the next claim reads again, still nothing left.
      expect((await replicaB.claim(component, 0, wechat.read)).granted).toBe(false);
      expect(wechat.reads).toBe(2);
      // The month rolls over.
      wechat.rest = 10;
      expect((await replicaB.claim(component, 0, wechat.read)).granted).toBe(true);
      expect(wechat.reads).toBe(3);
    } finally {
      replicaA.timings = replicaB.timings = {
        staleSeconds: 60,
        exhaustedRecheckSeconds: 5,
        inFlightSeconds: 30,
      };
    }
  });

  /** code-release.versions.* by hand over the same database, WeChat played by `wechat`. */
  const byHand = (wechat: PlatformQuotaOnWechat, undos = { count: 0 }) => {
    const api = {
      queryQuota: () => wechat.read(),
      submitAudit: async () => {
        const errcode = await wechat.submit();
        if (errcode !== 0) throw new WechatApiError(errcode, 'quota', 'wxa/submit_audit');
        return { auditId: 1000 + wechat.submits };
      },
      undoCodeAudit: async () => {
        undos.count += 1;
      },
    };
    return new VersionsService(
      new WechatCalls({ get: async () => 'token-1' } as unknown as TokenClient),
      api as unknown as WechatCodeApi,
      new ReleaseHistoryRepository(database.dataSource),
      {
        CODE_RELEASE_QRCODE_MAX_BYTES: 1024,
        CODE_RELEASE_UNDO_PER_DAY: 5,
        CODE_RELEASE_UNDO_PER_MONTH: 10,
      } as CodeReleaseConfig,
      new MetricsService('code-release-quota-test'),
      replicaA,
      new CampaignOperationsRepository(database.dataSource),
    );
  };
  const item = {
    address: 'pages/index/index',
    firstClass: '工具',
    secondClass: '备忘录',
    firstId: 1,
    secondId: 2,
  };

  it('counts by-hand submits in the row: campaigns beside them never go past rest − reserve, nothing reaches 85085', async () => {
    const component = nextComponent();
    const wechat = new PlatformQuotaOnWechat(10);
    const versions = byHand(wechat);
    const manual = Array.from({ length: 3 }, (_, index) =>
      versions.submit(
        {
          componentAppid: component,
          authorizerAppid: `wxhand${String(index).padStart(12, '0')}`,
          actor: 'op:alice',
        },
        { itemList: [item] },
      ),
    );
    await Promise.all(manual);
    const claims = await Promise.all(
      Array.from({ length: 30 }, (_, index) =>
        submitOne(index % 2 === 0 ? replicaA : replicaB, component, wechat, 2),
      ),
    );
    // 10 − 2 kept back: 3 by hand and 5 by campaigns; before, the campaigns took 8 and the last submit met 85085.
    expect(claims.filter((claim) => claim.granted)).toHaveLength(5);
    expect(wechat.submits).toBe(8);
    expect(wechat.rest).toBe(2);
    expect(await replicaA.left(component)).toEqual({ rest: 10, usedSinceRead: 8 });
  });

  it('refuses a by-hand submit the row has no unit for, without calling WeChat (85085)', async () => {
    const component = nextComponent();
    const wechat = new PlatformQuotaOnWechat(1);
    const versions = byHand(wechat);
    const ctx = { componentAppid: component, authorizerAppid: 'wxhand000000000001', actor: 'op:alice' };
    await expect(versions.submit(ctx, { itemList: [item] })).resolves.toMatchObject({ outcome: 'succeeded' });
    // The by-hand submit may use the campaigns' reserve, never more than rest.
    await expect(versions.submit(ctx, { itemList: [item] })).rejects.toMatchObject({
      details: { errcode: 85085 },
    });
    expect(wechat.submits).toBe(1);
  });

  it("counts by-hand undos with the campaigns' in release_history: the sixth of a Beijing day is not called", async () => {
    const component = nextComponent();
    const undos = { count: 0 };
    const versions = byHand(new PlatformQuotaOnWechat(10), undos);
    const ctx = { componentAppid: component, authorizerAppid: 'wxhand000000000002', actor: 'op:alice' };
    // Two by a campaign (release_history is every undo's record), three by hand.
    const history = new ReleaseHistoryRepository(database.dataSource);
    for (let i = 0; i < 2; i++)
      await history.record({
        ...ctx,
        action: 'undo',
        actor: 'operator:bob',
        campaignId: 'c-1',
        input: {},
        outcome: 'succeeded',
      });
    for (let i = 0; i < 3; i++) await versions.undo(ctx);
    await expect(versions.undo(ctx)).rejects.toMatchObject({ details: { errcode: 87013 } });
    expect(undos.count).toBe(3);
  });

  it('lets one of many undos at once through when one is left today (counted and called under a lock)', async () => {
    const component = nextComponent();
    const undos = { count: 0 };
    const versions = byHand(new PlatformQuotaOnWechat(10), undos);
    const ctx = { componentAppid: component, authorizerAppid: 'wxhand000000000003', actor: 'op:alice' };
    const history = new ReleaseHistoryRepository(database.dataSource);
    for (let i = 0; i < 4; i++)
      await history.record({ ...ctx, action: 'undo', input: {}, outcome: 'succeeded' });
    const outcomes = await Promise.allSettled(Array.from({ length: 4 }, () => versions.undo(ctx)));
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    expect(undos.count).toBe(1);
  });

  it('empties the quota on 85085 whatever the reading said', async () => {
    const component = nextComponent();
    const wechat = new PlatformQuotaOnWechat(5);
    expect((await replicaA.claim(component, 0, wechat.read)).granted).toBe(true);
    await replicaA.settle(component, 'exhausted');
    expect(await replicaB.claim(component, 0, wechat.read)).toEqual({
      granted: false,
      waitReason: 'quota_exhausted',
    });
  });
});
