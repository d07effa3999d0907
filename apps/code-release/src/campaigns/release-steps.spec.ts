import { AppLogger, MetricsService } from '@wxop/observability';
import { WechatApiError, type WechatCodeApi } from '@wxop/wechat-api';

import type { CodeReleaseConfig } from '../config/code-release.config';
import type { ReleaseHistoryRepository } from '../history/release-history.repository';
import type { TokenClient } from '../shared/token.client';
import { WechatCalls } from '../shared/wechat-calls.service';
import type { CampaignOperationsRepository } from './campaign-operations.repository';
import type { CampaignRecord, ClaimedTarget } from './campaign.repository';
import { ReleaseSteps } from './release-steps';

const refused = (errcode: number, endpoint: string) => new WechatApiError(errcode, 'no', endpoint);

describe(ReleaseSteps.name, () => {
  const api = {
    grayRelease: jest.fn(),
    getGrayReleasePlan: jest.fn(),
    release: jest.fn(),
    revertGrayRelease: jest.fn(),
    revertCodeRelease: jest.fn(),
    getVersionInfo: jest.fn(),
    speedupAudit: jest.fn(),
    undoCodeAudit: jest.fn(),
    queryQuota: jest.fn(),
    getLatestAuditStatus: jest.fn(),
  };
  const tokens = { get: jest.fn(), invalidate: jest.fn() };
  const history = { record: jest.fn() };
  const operations = {
    markSpeedup: jest.fn(),
    unmarkSpeedup: jest.fn(),
    undosUsed: jest.fn(),
    withUndoLock: jest.fn(),
    historyRecorded: jest.fn(),
  };
  const config = { CODE_RELEASE_UNDO_PER_DAY: 5, CODE_RELEASE_UNDO_PER_MONTH: 10 } as CodeReleaseConfig;
  const logger = { pino: { info: jest.fn(), warn: jest.fn(), error: jest.fn() } };
  let steps: ReleaseSteps;

  const campaign = {
    campaignId: 'c-1',
    componentAppid: 'wxc0000000000000001',
    userVersion: '2.0.0',
    inputs: {
      releaseMode: 'gray',
      gray: {
        steps: [
          { percentage: 10, waitSeconds: 30 },
          { percentage: 100, waitSeconds: null },
        ],
        experiencerFirst: false,
        debuggerFirst: false,
      },
    },
  } as unknown as CampaignRecord;
  const target = {
    campaignId: 'c-1',
    authorizerAppid: 'wxa0000000000000001',
    state: 'releasing',
    attempt: 0,
    auditId: 42,
    grayStep: null,
    grayStepAt: null,
    speedupAt: null,
  } as unknown as ClaimedTarget;

  beforeEach(() => {
    jest.resetAllMocks();
    tokens.get.mockResolvedValue('token-1');
    history.record.mockResolvedValue('1');
    operations.withUndoLock.mockImplementation((_c: string, _a: string, run: () => Promise<unknown>) =>
      run(),
    );
    operations.historyRecorded.mockResolvedValue(false);
    steps = new ReleaseSteps(
      new WechatCalls(tokens as unknown as TokenClient),
      api as unknown as WechatCodeApi,
      history as unknown as ReleaseHistoryRepository,
      operations as unknown as CampaignOperationsRepository,
      logger as unknown as AppLogger,
      new MetricsService('code-release-test'),
      config,
    );
  });

  describe('grayMove', () => {
    it('sets the step, stamps it and waits its seconds, recorded with the actor', async () => {
      api.grayRelease.mockResolvedValue(undefined);
      const result = await steps.grayMove(campaign, target, { kind: 'step', index: 0 }, 'op:alice');
      expect(api.grayRelease).toHaveBeenCalledWith('token-1', {
        grayPercentage: 10,
        supportExperiencerFirst: false,
        supportDebugerFirst: false,
      });
      expect(result.change).toEqual({
        state: 'gray',
        grayStep: 0,
        grayStepSetNow: true,
        reason: null,
        dueInSeconds: 30,
      });
      expect(history.record).toHaveBeenCalledWith(
        expect.objectContaining({
          action: 'gray.set',
          actor: 'op:alice',
          outcome: 'succeeded',
          campaignId: 'c-1',
        }),
      );
    });

    it('counts a step at 100 % as released, with release.released', async () => {
      api.grayRelease.mockResolvedValue(undefined);
      const result = await steps.grayMove(
        campaign,
        { ...target, state: 'gray', grayStep: 0 },
        { kind: 'step', index: 1 },
        'w',
      );
      expect(result.change.state).toBe('released');
      expect(result.events?.map((event) => event.type)).toEqual(['release.gray.stepped', 'release.released']);
      expect(result.events?.[0]?.data).toEqual({
        campaignId: 'c-1',
        step: 1,
        percentage: 100,
        userVersion: '2.0.0',
      });
    });

    it('writes release.gray.stepped with the step and percentage, its id the same when the step is repeated', async () => {
      api.grayRelease.mockResolvedValue(undefined);
      const first = await steps.grayMove(campaign, target, { kind: 'step', index: 0 }, 'w');
      const repeated = await steps.grayMove(campaign, target, { kind: 'step', index: 0 }, 'w');
      expect(first.events).toHaveLength(1);
      expect(first.events?.[0]).toMatchObject({
        type: 'release.gray.stepped',
        authorizerAppid: 'wxa0000000000000001',
        componentAppid: 'wxc0000000000000001',
        data: { campaignId: 'c-1', step: 0, percentage: 10, userVersion: '2.0.0' },
      });
      expect(repeated.events?.[0]?.id).toBe(first.events?.[0]?.id);
    });

    it('gives step 0 a new event id when the plan starts again after a gray revert', async () => {
      api.grayRelease.mockResolvedValue(undefined);
      const first = await steps.grayMove(campaign, target, { kind: 'step', index: 0 }, 'w');
      const again = await steps.grayMove(
        campaign,
        { ...target, state: 'approved', grayStepAt: new Date('2026-12-01T00:00:00Z') },
        { kind: 'step', index: 0 },
        'w',
      );
      expect(again.events?.[0]?.id).not.toBe(first.events?.[0]?.id);
    });

    it('adopts a step WeChat already holds (85082 with the plan at its percentage), e.g. after a crash', async () => {
      api.grayRelease.mockRejectedValue(refused(85082, 'wxa/grayrelease'));
      api.getGrayReleasePlan.mockResolvedValue({ status: 1, grayPercentage: 10 });
      const result = await steps.grayMove(campaign, target, { kind: 'step', index: 0 }, 'w');
      expect(result.change.state).toBe('gray');
    });

    it('fails on 85082 when WeChat’s plan is below the step', async () => {
      api.grayRelease.mockRejectedValue(refused(85082, 'wxa/grayrelease'));
      api.getGrayReleasePlan.mockResolvedValue({ status: 1, grayPercentage: 20 });
      await expect(
        steps.grayMove(campaign, { ...target, state: 'gray', grayStep: 0 }, { kind: 'step', index: 1 }, 'w'),
      ).rejects.toMatchObject({ details: { errcode: 85082 } });
      expect(history.record).toHaveBeenCalledWith(
        expect.objectContaining({ outcome: 'failed', errcode: 85082 }),
      );
    });

    it('releases in full when there is no online version to phase against (85079 at the first step)', async () => {
      api.grayRelease.mockRejectedValue(refused(85079, 'wxa/grayrelease'));
      api.release.mockResolvedValue(undefined);
      const result = await steps.grayMove(campaign, target, { kind: 'step', index: 0 }, 'w');
      expect(api.release).toHaveBeenCalledTimes(1);
      expect(result.change).toEqual({ state: 'released', reason: 'gray_no_online_version' });
    });

    it('makes the full release after the last step; 85052 counts as released', async () => {
      api.release.mockRejectedValue(refused(85052, 'wxa/release'));
      const result = await steps.grayMove(campaign, target, { kind: 'release' }, 'w');
      expect(result.change.state).toBe('released');
    });
  });

  it('gray revert goes back to approved, held for approval', async () => {
    api.revertGrayRelease.mockResolvedValue(undefined);
    const result = await steps.revertGray(campaign, { ...target, state: 'gray', grayStep: 0 }, 'op:bob');
    expect(result.change).toEqual({
      state: 'approved',
      grayStep: null,
      approvedForRelease: false,
      reason: 'gray_reverted',
    });
  });

  it('gray revert resumed after a crash: a phased release WeChat no longer runs was reverted, the target goes back to approved', async () => {
    api.getGrayReleasePlan.mockResolvedValue({ status: 4, grayPercentage: 0 });
    const started = jest.fn().mockResolvedValue(true);
    const result = await steps.revertGray(campaign, { ...target, state: 'gray', grayStep: 1 }, 'op:bob', {
      resumed: true,
      started,
    });
    expect(api.revertGrayRelease).not.toHaveBeenCalled();
    expect(started).not.toHaveBeenCalled();
    expect(result.change).toMatchObject({ state: 'approved', reason: 'gray_reverted' });
    expect(history.record).toHaveBeenCalledWith(
      expect.objectContaining({ action: 'gray.revert', actor: 'op:bob', outcome: 'succeeded' }),
    );
    // Still running at WeChat (the call before the crash never reached it): reverted now.
    api.getGrayReleasePlan.mockResolvedValue({ status: 1, grayPercentage: 10 });
    await steps.revertGray(campaign, { ...target, state: 'gray', grayStep: 1 }, 'op:bob', {
      resumed: true,
      started,
    });
    expect(started).toHaveBeenCalledTimes(1);
    expect(api.revertGrayRelease).toHaveBeenCalledTimes(1);
  });

  describe('revert', () => {
    it('notes the start before revertcoderelease, and calls nothing when the operation is no longer ours', async () => {
      api.getVersionInfo.mockResolvedValue({ releaseInfo: { releaseVersion: '2.0.0' } });
      const order: string[] = [];
      const started = jest.fn(async () => {
        order.push('started');
        return true;
      });
      api.revertCodeRelease.mockImplementation(async () => void order.push('revertcoderelease'));
      await steps.revert(campaign, { ...target, state: 'released' }, 'op:carol', { started });
      expect(order).toEqual(['started', 'revertcoderelease']);
      started.mockResolvedValue(false);
      await expect(
        steps.revert(campaign, { ...target, state: 'released' }, 'op:carol', { started }),
      ).rejects.toThrow(/no longer this replica/);
      expect(api.revertCodeRelease).toHaveBeenCalledTimes(1);
    });

    it('resumed after a crash in its call: the version online no longer the campaign’s is that revert, written reverted with the same event and one history row', async () => {
      api.getVersionInfo.mockResolvedValue({ releaseInfo: { releaseVersion: '2.0.0' } });
      const first = await steps.revert(campaign, { ...target, state: 'released' }, 'op:carol');
      api.getVersionInfo.mockResolvedValue({ releaseInfo: { releaseVersion: '1.0.0' } });
      history.record.mockClear();
      const resumed = await steps.revert(campaign, { ...target, state: 'released' }, 'op:carol', {
        resumed: true,
      });
      expect(api.revertCodeRelease).toHaveBeenCalledTimes(1);
      expect(resumed?.change).toEqual(first?.change);
      expect(resumed?.events?.[0]?.id).toBe(first?.events?.[0]?.id);
      expect(history.record).toHaveBeenCalledWith(
        expect.objectContaining({ action: 'revert', outcome: 'succeeded', campaignId: 'c-1' }),
      );
      // Recorded before the crash: not a second time.
      history.record.mockClear();
      operations.historyRecorded.mockResolvedValue(true);
      await steps.revert(campaign, { ...target, state: 'released' }, 'op:carol', { resumed: true });
      expect(history.record).not.toHaveBeenCalled();
    });

    it('reverts while the campaign’s version is online, with release.reverted naming who asked', async () => {
      api.getVersionInfo.mockResolvedValue({ releaseInfo: { releaseVersion: '2.0.0' } });
      const result = await steps.revert(campaign, { ...target, state: 'released' }, 'op:carol');
      expect(api.revertCodeRelease).toHaveBeenCalledTimes(1);
      expect(result?.change.state).toBe('reverted');
      expect(result?.events?.[0]).toMatchObject({
        type: 'release.reverted',
        authorizerAppid: target.authorizerAppid,
        data: { campaignId: 'c-1', userVersion: '2.0.0', requestedBy: 'op:carol' },
      });
      expect(history.record).toHaveBeenCalledWith(
        expect.objectContaining({ action: 'revert', actor: 'op:carol', outcome: 'succeeded' }),
      );
    });

    it('leaves a mini program alone whose online version is no longer the campaign’s', async () => {
      api.getVersionInfo.mockResolvedValue({ releaseInfo: { releaseVersion: '3.0.0' } });
      expect(await steps.revert(campaign, { ...target, state: 'released' }, 'op:carol')).toBeNull();
      expect(api.revertCodeRelease).not.toHaveBeenCalled();
    });
  });

  describe('auditInFlight', () => {
    it('answers the audit id only for an audit of the campaign’s version still in audit', async () => {
      api.getLatestAuditStatus.mockResolvedValueOnce({ auditId: 9, status: 2, userVersion: '2.0.0' });
      expect(await steps.auditInFlight(campaign, target)).toBe(9);
      api.getLatestAuditStatus.mockResolvedValueOnce({ auditId: 9, status: 2, userVersion: '1.0.0' });
      expect(await steps.auditInFlight(campaign, target)).toBeNull();
      api.getLatestAuditStatus.mockResolvedValueOnce({ auditId: 9, status: 3, userVersion: '2.0.0' });
      expect(await steps.auditInFlight(campaign, target)).toBeNull();
      api.getLatestAuditStatus.mockRejectedValueOnce(refused(85058, 'wxa/get_latest_auditstatus'));
      expect(await steps.auditInFlight(campaign, target)).toBeNull();
    });
  });

  describe('speedup', () => {
    it('marks before it calls, and calls only when the mark was not set before', async () => {
      operations.markSpeedup.mockResolvedValueOnce(true).mockResolvedValueOnce(false);
      expect(await steps.speedup(campaign, target, 'owner', 'op')).toBe(true);
      expect(await steps.speedup(campaign, target, 'owner', 'op')).toBe(false);
      expect(api.speedupAudit).toHaveBeenCalledTimes(1);
      expect(api.speedupAudit).toHaveBeenCalledWith('token-1', { auditId: 42 });
    });

    it('takes the mark back when WeChat refuses, keeps it on a transient failure', async () => {
      operations.markSpeedup.mockResolvedValue(true);
      api.speedupAudit.mockRejectedValueOnce(refused(85012, 'speedupaudit'));
      await expect(steps.speedup(campaign, target, 'owner', 'op')).rejects.toThrow();
      expect(operations.unmarkSpeedup).toHaveBeenCalledWith('owner', target);
      operations.unmarkSpeedup.mockClear();
      api.speedupAudit.mockRejectedValueOnce(new Error('socket hang up'));
      await expect(steps.speedup(campaign, target, 'owner', 'op')).rejects.toThrow();
      expect(operations.unmarkSpeedup).not.toHaveBeenCalled();
    });

    it('never speeds up a target already sped up in this attempt', async () => {
      expect(await steps.speedup(campaign, { ...target, speedupAt: new Date() }, 'owner', 'op')).toBe(false);
      expect(operations.markSpeedup).not.toHaveBeenCalled();
      expect(api.speedupAudit).not.toHaveBeenCalled();
    });

    it('by policy: one speedup once afterSeconds passed and speedup_rest allows', async () => {
      const policy = {
        ...campaign,
        inputs: { ...campaign.inputs, speedup: { afterSeconds: 60 }, pollAfterSeconds: 600 },
      };
      const now = new Date('2026-12-02T10:00:00Z');
      const inAudit = {
        ...target,
        state: 'in_audit',
        submittedAt: new Date('2026-12-02T09:58:00Z'),
      } as ClaimedTarget;
      api.queryQuota.mockResolvedValue({ speedupRest: 1 });
      operations.markSpeedup.mockResolvedValue(true);
      // Submitted 120 s ago: sped up now; the poll is due 480 s later.
      expect(await steps.speedupByPolicy(policy, inAudit, 'owner', now)).toBe(480);
      expect(api.speedupAudit).toHaveBeenCalledTimes(1);
      // speedup_rest 0: no call.
      api.queryQuota.mockResolvedValue({ speedupRest: 0 });
      await steps.speedupByPolicy(policy, inAudit, 'owner', now);
      expect(api.speedupAudit).toHaveBeenCalledTimes(1);
      // Not due yet (30 s after the submit): waits until the speedup is due.
      const fresh = { ...inAudit, submittedAt: new Date('2026-12-02T09:59:30Z') } as ClaimedTarget;
      expect(await steps.speedupByPolicy(policy, fresh, 'owner', now)).toBe(30);
      expect(api.queryQuota).toHaveBeenCalledTimes(2);
    });
  });

  describe('undo', () => {
    it('counts and calls under the mini program’s undo lock, within the configured limits', async () => {
      config.CODE_RELEASE_UNDO_PER_DAY = 1;
      try {
        operations.undosUsed.mockResolvedValue({ today: 1, thisMonth: 1 });
        expect(await steps.undo(campaign, target, 'op')).toEqual({
          outcome: 'limit',
          reason: 'undo_daily_limit',
        });
        expect(operations.withUndoLock).toHaveBeenCalledWith(
          campaign.componentAppid,
          target.authorizerAppid,
          expect.any(Function),
        );
      } finally {
        config.CODE_RELEASE_UNDO_PER_DAY = 5;
      }
    });

    it('never calls undocodeaudit beyond 5 a day or 10 a month', async () => {
      operations.undosUsed.mockResolvedValue({ today: 5, thisMonth: 5 });
      expect(await steps.undo(campaign, target, 'op')).toEqual({
        outcome: 'limit',
        reason: 'undo_daily_limit',
      });
      operations.undosUsed.mockResolvedValue({ today: 0, thisMonth: 10 });
      expect(await steps.undo(campaign, target, 'op')).toEqual({
        outcome: 'limit',
        reason: 'undo_monthly_limit',
      });
      expect(api.undoCodeAudit).not.toHaveBeenCalled();
    });

    it('undoes within the limits, recorded so the next count includes it; 87013 reads as the limit', async () => {
      operations.undosUsed.mockResolvedValue({ today: 1, thisMonth: 3 });
      expect(await steps.undo(campaign, target, 'op:dave')).toEqual({
        outcome: 'done',
        reason: 'audit_undone',
      });
      expect(history.record).toHaveBeenCalledWith(
        expect.objectContaining({ action: 'undo', actor: 'op:dave', outcome: 'succeeded' }),
      );
      api.undoCodeAudit.mockRejectedValue(refused(87013, 'wxa/undocodeaudit'));
      expect(await steps.undo(campaign, target, 'op:dave')).toMatchObject({
        outcome: 'limit',
        errcode: 87013,
      });
    });
  });
});
