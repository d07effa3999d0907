import { CodeReleaseRpcErrorCodes } from '@wxop/contracts';
import { MetricsService } from '@wxop/observability';
import { AuditStatus, WechatApiError, type WechatCodeApi } from '@wxop/wechat-api';

import type { CodeReleaseConfig } from '../config/code-release.config';
import type { CampaignOperationsRepository } from '../campaigns/campaign-operations.repository';
import type { PlatformQuotaRepository } from '../campaigns/platform-quota.repository';
import type { ReleaseHistoryRepository } from '../history/release-history.repository';
import { CodeReleaseError } from '../shared/code-release.errors';
import type { TokenClient } from '../shared/token.client';
import { WechatCalls } from '../shared/wechat-calls.service';
import { VersionsService } from './versions.service';

const ctx = {
  componentAppid: 'wxc0000000000000001',
  authorizerAppid: 'wxa0000000000000001',
  actor: 'op:alice',
};
const rejected = (errcode: number, endpoint = 'wxa/submit_audit') =>
  new WechatApiError(errcode, 'no', endpoint);

describe(VersionsService.name, () => {
  const api = {
    commit: jest.fn(),
    submitAudit: jest.fn(),
    getCategory: jest.fn(),
    getPage: jest.fn(),
    release: jest.fn(),
    getVersionInfo: jest.fn(),
    getLatestAuditStatus: jest.fn(),
    getHistoryVersion: jest.fn(),
    getGrayReleasePlan: jest.fn(),
    getQrcode: jest.fn(),
    speedupAudit: jest.fn(),
    undoCodeAudit: jest.fn(),
    queryQuota: jest.fn(),
  };
  const quotaRow = { claim: jest.fn(), settle: jest.fn() };
  const undoCounts = { undosUsed: jest.fn(), withUndoLock: jest.fn() };
  const config = {
    CODE_RELEASE_QRCODE_MAX_BYTES: 1024,
    CODE_RELEASE_UNDO_PER_DAY: 5,
    CODE_RELEASE_UNDO_PER_MONTH: 10,
  } as CodeReleaseConfig;
  const tokens = { get: jest.fn(), invalidate: jest.fn() };
  const history = { record: jest.fn() };
  let sut: VersionsService;

  beforeEach(() => {
    jest.resetAllMocks();
    tokens.get.mockResolvedValue('token-1');
    tokens.invalidate.mockResolvedValue('token-2');
    history.record.mockResolvedValue('17');
    api.getCategory.mockResolvedValue({
      categories: [{ firstClass: '工具', secondClass: '备忘录', firstId: 1, secondId: 2 }],
    });
    api.getPage.mockResolvedValue({ pages: ['pages/index/index', 'pages/list/list'] });
    quotaRow.claim.mockResolvedValue({ granted: true, left: 5 });
    quotaRow.settle.mockResolvedValue(undefined);
    undoCounts.undosUsed.mockResolvedValue({ today: 0, thisMonth: 0 });
    undoCounts.withUndoLock.mockImplementation((_c: string, _a: string, run: () => Promise<unknown>) =>
      run(),
    );
    sut = new VersionsService(
      new WechatCalls(tokens as unknown as TokenClient),
      api as unknown as WechatCodeApi,
      history as unknown as ReleaseHistoryRepository,
      config,
      new MetricsService('code-release-test'),
      quotaRow as unknown as PlatformQuotaRepository,
      undoCounts as unknown as CampaignOperationsRepository,
    );
  });

  describe('submit', () => {
    it('builds its one item from the first category and the first page when none is given', async () => {
      api.submitAudit.mockResolvedValue({ auditId: 99 });
      await expect(sut.submit(ctx, { versionDesc: 'test account: qa/secret-pass' })).resolves.toEqual({
        historyId: '17',
        action: 'submit',
        outcome: 'succeeded',
        auditId: 99,
      });
      const item = {
        address: 'pages/index/index',
        firstClass: '工具',
        secondClass: '备忘录',
        firstId: 1,
        secondId: 2,
      };
      expect(api.submitAudit).toHaveBeenCalledWith('token-1', {
        versionDesc: 'test account: qa/secret-pass',
        itemList: [item],
      });
      const entry = history.record.mock.calls[0][0];
      expect(entry).toMatchObject({ action: 'submit', actor: 'op:alice', outcome: 'succeeded' });
      expect(entry.result).toEqual({ auditId: 99, itemList: [item] });
      // The description may hold the reviewer's test account: only its length is kept.
      expect(JSON.stringify(entry)).not.toContain('secret-pass');
    });

    it('submits without items when the mini program has no category, so WeChat names what is missing', async () => {
      api.getCategory.mockResolvedValue({ categories: [] });
      api.submitAudit.mockRejectedValue(rejected(85008));
      await expect(sut.submit(ctx, {})).rejects.toMatchObject({
        code: CodeReleaseRpcErrorCodes.WechatRejected,
        details: { errcode: 85008 },
      });
      expect(api.submitAudit.mock.calls[0][1].itemList).toBeUndefined();
    });

    it('reports 61039 as "privacy scan running, retry later" and records the refusal', async () => {
      api.submitAudit.mockRejectedValue(rejected(61039));
      const error = await sut.submit(ctx, {}).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CodeReleaseError);
      expect(error).toMatchObject({ code: CodeReleaseRpcErrorCodes.PrivacyScanRunning, transient: true });
      expect((error as Error).message).toContain('privacy scan running, retry later');
      expect(history.record).toHaveBeenCalledWith(
        expect.objectContaining({ action: 'submit', outcome: 'failed', errcode: 61039 }),
      );
    });

    it('still answers the WeChat error when the history cannot be written', async () => {
      api.submitAudit.mockRejectedValue(rejected(85009));
      history.record.mockRejectedValue(new Error('database down'));
      await expect(sut.submit(ctx, {})).rejects.toMatchObject({ details: { errcode: 85009 } });
    });
  });

  describe('submit and the platform quota row', () => {
    it('claims one unit from the row campaigns share (no reserve kept back) and settles it as spent', async () => {
      api.submitAudit.mockResolvedValue({ auditId: 99 });
      await sut.submit(ctx, {});
      expect(quotaRow.claim).toHaveBeenCalledWith(ctx.componentAppid, 0, expect.any(Function));
      expect(quotaRow.settle).toHaveBeenCalledWith(ctx.componentAppid, 'spent');
      // The claim's reading, when one is due, is queryquota with this mini program's token.
      api.queryQuota.mockResolvedValue({ rest: 7, limit: 20, speedupRest: 1, speedupLimit: 2 });
      await expect(quotaRow.claim.mock.calls[0][2]()).resolves.toMatchObject({ rest: 7 });
    });

    it('refuses without calling WeChat when the row has nothing left, as WeChat would (85085), and records it', async () => {
      quotaRow.claim.mockResolvedValue({ granted: false, waitReason: 'quota_exhausted' });
      await expect(sut.submit(ctx, {})).rejects.toMatchObject({
        code: CodeReleaseRpcErrorCodes.WechatRejected,
        details: { errcode: 85085 },
      });
      expect(api.submitAudit).not.toHaveBeenCalled();
      expect(quotaRow.settle).not.toHaveBeenCalled();
      expect(history.record).toHaveBeenCalledWith(
        expect.objectContaining({ action: 'submit', outcome: 'failed', errcode: 85085, actor: 'op:alice' }),
      );
    });

    it('gives the unit back when WeChat refuses without spending, empties the row on 85085, keeps it on no answer', async () => {
      api.submitAudit.mockRejectedValueOnce(rejected(85009));
      await expect(sut.submit(ctx, {})).rejects.toBeDefined();
      expect(quotaRow.settle).toHaveBeenLastCalledWith(ctx.componentAppid, 'refunded');
      api.submitAudit.mockRejectedValueOnce(rejected(85085));
      await expect(sut.submit(ctx, {})).rejects.toBeDefined();
      expect(quotaRow.settle).toHaveBeenLastCalledWith(ctx.componentAppid, 'exhausted');
      api.submitAudit.mockRejectedValueOnce(new Error('socket hang up'));
      await expect(sut.submit(ctx, {})).rejects.toBeDefined();
      expect(quotaRow.settle).toHaveBeenLastCalledWith(ctx.componentAppid, 'unknown');
    });

    it('gives the unit back when the submit never left (get_category failed)', async () => {
      api.getCategory.mockRejectedValue(rejected(-1, 'wxa/get_category'));
      await expect(sut.submit(ctx, {})).rejects.toBeDefined();
      expect(api.submitAudit).not.toHaveBeenCalled();
      expect(quotaRow.settle).toHaveBeenCalledWith(ctx.componentAppid, 'refunded');
    });
  });

  describe('undo', () => {
    it('withdraws the audit within the limits, counted on Beijing days from release_history', async () => {
      api.undoCodeAudit.mockResolvedValue(undefined);
      // 2026-12-01 17:00 UTC is 2026-12-02 01:00 in Beijing: the day began at 2026-12-01 16:00 UTC.
      sut.now = () => new Date('2026-12-01T17:00:00Z');
      undoCounts.undosUsed.mockResolvedValue({ today: 4, thisMonth: 9 });
      await expect(sut.undo(ctx)).resolves.toMatchObject({ action: 'undo', outcome: 'succeeded' });
      expect(undoCounts.undosUsed).toHaveBeenCalledWith(
        ctx.componentAppid,
        ctx.authorizerAppid,
        new Date('2026-12-01T16:00:00Z'),
        new Date('2026-11-30T16:00:00Z'),
      );
    });

    it('counts and calls under the mini program’s undo lock, within the configured limits', async () => {
      api.undoCodeAudit.mockResolvedValue(undefined);
      let held = false;
      undoCounts.withUndoLock.mockImplementation(
        async (_c: string, _a: string, run: () => Promise<unknown>) => {
          held = true;
          try {
            return await run();
          } finally {
            held = false;
          }
        },
      );
      undoCounts.undosUsed.mockImplementation(async () => {
        expect(held).toBe(true);
        return { today: 1, thisMonth: 1 };
      });
      api.undoCodeAudit.mockImplementation(async () => expect(held).toBe(true));
      await expect(sut.undo(ctx)).resolves.toMatchObject({ outcome: 'succeeded' });
      expect(undoCounts.withUndoLock).toHaveBeenCalledWith(
        ctx.componentAppid,
        ctx.authorizerAppid,
        expect.any(Function),
      );
      config.CODE_RELEASE_UNDO_PER_DAY = 1;
      try {
        await expect(sut.undo(ctx)).rejects.toMatchObject({ details: { errcode: 87013 } });
        expect(api.undoCodeAudit).toHaveBeenCalledTimes(1);
      } finally {
        config.CODE_RELEASE_UNDO_PER_DAY = 5;
      }
    });

    it.each([
      [{ today: 5, thisMonth: 5 }, 'undo_daily_limit'],
      [{ today: 0, thisMonth: 10 }, 'undo_monthly_limit'],
    ])('never calls undocodeaudit beyond the limits (%j): 87013, recorded', async (used, reason) => {
      undoCounts.undosUsed.mockResolvedValue(used);
      const error = await sut.undo(ctx).catch((e: unknown) => e);
      expect(error).toMatchObject({
        code: CodeReleaseRpcErrorCodes.WechatRejected,
        details: { errcode: 87013 },
      });
      expect((error as Error).message).toContain(reason);
      expect(api.undoCodeAudit).not.toHaveBeenCalled();
      expect(history.record).toHaveBeenCalledWith(
        expect.objectContaining({ action: 'undo', outcome: 'failed', errcode: 87013 }),
      );
    });
  });

  describe('release', () => {
    it('counts 85052 (already online) as done, recorded as already', async () => {
      api.release.mockRejectedValue(rejected(85052, 'wxa/release'));
      await expect(sut.release(ctx)).resolves.toEqual({
        historyId: '17',
        action: 'release',
        outcome: 'already',
      });
      expect(history.record).toHaveBeenCalledWith(
        expect.objectContaining({ action: 'release', outcome: 'already', errcode: 85052 }),
      );
    });

    it('passes other refusals on with errcode and errmsg', async () => {
      api.release.mockRejectedValue(new WechatApiError(85020, 'status not allowed', 'wxa/release'));
      await expect(sut.release(ctx)).rejects.toMatchObject({
        code: CodeReleaseRpcErrorCodes.WechatRejected,
        details: { errcode: 85020, errmsg: 'status not allowed' },
      });
    });

    it('reads -1 as UNAVAILABLE (worth retrying)', async () => {
      api.release.mockRejectedValue(rejected(-1, 'wxa/release'));
      await expect(sut.release(ctx)).rejects.toMatchObject({
        code: CodeReleaseRpcErrorCodes.Unavailable,
        transient: true,
      });
    });
  });

  describe('commit', () => {
    it('retries once with the token the token service hands back after WeChat rejects one (40001)', async () => {
      api.commit.mockRejectedValueOnce(rejected(40001, 'wxa/commit')).mockResolvedValueOnce(undefined);
      const order = {
        templateId: 4,
        extJson: { extAppid: ctx.authorizerAppid, ext: { shopId: '42' } },
        userVersion: '1.0.0',
        userDesc: 'd',
      };
      await expect(sut.commit(ctx, order)).resolves.toMatchObject({ outcome: 'succeeded' });
      expect(tokens.invalidate).toHaveBeenCalledTimes(1);
      expect(tokens.invalidate).toHaveBeenCalledWith(ctx.componentAppid, ctx.authorizerAppid, 'token-1');
      expect(api.commit.mock.calls.map((call) => call[0])).toEqual(['token-1', 'token-2']);
      // ext_json values are the merchant's configuration: the history keeps its keys only.
      expect(history.record.mock.calls[0][0].input).toEqual({
        templateId: 4,
        userVersion: '1.0.0',
        userDesc: 'd',
        extJsonKeys: ['ext', 'extAppid'],
        extKeys: ['shopId'],
      });
    });

    it('does not retry a second rejection', async () => {
      api.commit.mockRejectedValue(rejected(40001, 'wxa/commit'));
      await expect(
        sut.commit(ctx, { templateId: 4, extJson: {}, userVersion: '1', userDesc: '' }),
      ).rejects.toMatchObject({ details: { errcode: 40001 } });
      expect(api.commit).toHaveBeenCalledTimes(2);
      expect(tokens.invalidate).toHaveBeenCalledTimes(1);
    });
  });

  describe('qrcode', () => {
    it('answers the image as base64', async () => {
      api.getQrcode.mockResolvedValue({ contentType: 'image/jpeg', image: Buffer.from([0xff, 0xd8, 1]) });
      await expect(sut.qrcode(ctx, 'pages/index/index')).resolves.toEqual({
        contentType: 'image/jpeg',
        imageBase64: Buffer.from([0xff, 0xd8, 1]).toString('base64'),
      });
      expect(api.getQrcode).toHaveBeenCalledWith('token-1', { path: 'pages/index/index' });
    });

    it('refuses an image larger than CODE_RELEASE_QRCODE_MAX_BYTES', async () => {
      api.getQrcode.mockResolvedValue({ contentType: 'image/jpeg', image: Buffer.alloc(2048) });
      await expect(sut.qrcode(ctx)).rejects.toThrow(/CODE_RELEASE_QRCODE_MAX_BYTES/);
    });
  });

  describe('speedup', () => {
    it('speeds up the latest audit when no audit id is given', async () => {
      api.getLatestAuditStatus.mockResolvedValue({
        auditId: 5,
        status: AuditStatus.Auditing,
        screenshots: [],
      });
      await sut.speedup(ctx);
      expect(api.speedupAudit).toHaveBeenCalledWith('token-1', { auditId: 5 });
      expect(history.record.mock.calls[0][0].result).toEqual({ auditId: 5 });
    });
  });

  describe('get', () => {
    it('reads the trial, audit, online versions, history and gray plan as one view', async () => {
      api.getVersionInfo.mockResolvedValue({
        expInfo: { expTime: 1_700_000_000, expVersion: '1.1.0', expDesc: 'trial' },
        releaseInfo: { releaseTime: 1_690_000_000, releaseVersion: '1.0.0', releaseDesc: 'online' },
      });
      api.getLatestAuditStatus.mockResolvedValue({
        auditId: 7,
        status: AuditStatus.Rejected,
        reason: 'blurry',
        screenshots: ['m1', 'm2'],
        userVersion: '1.1.0',
        submitAuditTime: 1_700_000_100,
      });
      api.getHistoryVersion.mockResolvedValue({
        versions: [{ appVersion: 3, userVersion: '0.9.0', userDesc: 'old', commitTime: 1_680_000_000 }],
      });
      api.getGrayReleasePlan.mockResolvedValue({
        status: 1,
        createTimestamp: 1_690_000_500,
        grayPercentage: 10,
        supportExperiencerFirst: true,
        supportDebugerFirst: false,
      });
      const view = await sut.get(ctx);
      expect(view).toMatchObject({
        trial: { userVersion: '1.1.0', committedAt: new Date(1_700_000_000_000).toISOString() },
        audit: { auditId: 7, statusName: 'rejected', reason: 'blurry', screenshots: ['m1', 'm2'] },
        online: { userVersion: '1.0.0' },
        history: [{ appVersion: 3, userVersion: '0.9.0' }],
        grayPlan: { status: 1, grayPercentage: 10, supportExperiencerFirst: true },
      });
    });

    it('shows no audit when none was ever submitted (85058) and no plan when there never was one', async () => {
      api.getVersionInfo.mockResolvedValue({});
      api.getLatestAuditStatus.mockRejectedValue(rejected(85058, 'wxa/get_latest_auditstatus'));
      api.getHistoryVersion.mockResolvedValue({ versions: [] });
      api.getGrayReleasePlan.mockResolvedValue({
        status: 0,
        createTimestamp: 0,
        grayPercentage: 0,
        supportExperiencerFirst: false,
        supportDebugerFirst: false,
      });
      await expect(sut.get(ctx)).resolves.toMatchObject({
        trial: null,
        audit: null,
        online: null,
        history: [],
        grayPlan: null,
      });
    });

    it('passes any other failure of the audit read on', async () => {
      api.getVersionInfo.mockResolvedValue({});
      api.getLatestAuditStatus.mockRejectedValue(rejected(86000, 'wxa/get_latest_auditstatus'));
      api.getHistoryVersion.mockResolvedValue({ versions: [] });
      api.getGrayReleasePlan.mockResolvedValue({ status: 0, createTimestamp: 0, grayPercentage: 0 });
      await expect(sut.get(ctx)).rejects.toMatchObject({ details: { errcode: 86000 } });
    });
  });
});
