import { Injectable } from '@nestjs/common';
import { DomainEventTypes, type EventEnvelope, type ReleaseAction } from '@wxop/contracts';
import { AppLogger, MetricsService } from '@wxop/observability';
import { WechatApiError, WechatCodeApi } from '@wxop/wechat-api';
import type { Counter } from 'prom-client';

import { CodeReleaseConfig } from '../config/code-release.config';
import { ReleaseHistoryRepository, type NewHistoryEntry } from '../history/release-history.repository';
import { CodeReleaseError } from '../shared/code-release.errors';
import { WechatCalls } from '../shared/wechat-calls.service';
import { CampaignOperationsRepository } from './campaign-operations.repository';
import type { CampaignRecord, ClaimedTarget, TargetChange } from './campaign.repository';
import { targetEvent } from './campaign-events.util';
import { AuditStatusValues } from './reconcile.util';
import {
  grayCall,
  grayStepAlreadyMade,
  stepDueSeconds,
  type GrayMove,
  type GrayPlan,
} from './gray-plan.util';
import type { ReleaseInputs } from './release-inputs.util';
import {
  GRAY_REVERTED,
  secondsUntilSpeedup,
  speedupDue,
  undoDecision,
  undoLimitsOf,
  undoPeriods,
} from './release-operations.util';
import { TargetStates as S, type TargetState } from './target-state';

/** A target's next state and the events written with it (CampaignRepository.transition). */
export interface StepResult {
  from: TargetState;
  change: TargetChange;
  events?: EventEnvelope<unknown>[];
}

/**
 * How a background operation runs one target's step (ADR 0022, operations): `started` notes, before
 * the WeChat call, that it may reach WeChat (false: the operation is no longer ours, call nothing);
 * `resumed` says a previous owner did so and stopped before it wrote the result, so the step
 * reconciles with WeChat instead of taking the call's effect for someone else's.
 */
export interface StepRun {
  started?: () => Promise<boolean>;
  resumed?: boolean;
}

/** A step whose operation was taken over by another owner between its claim and its call. */
export class OperationLostError extends Error {
  constructor(authorizerAppid: string) {
    super(`the operation on ${authorizerAppid} is no longer this replica's`);
  }
}

/** getgrayreleaseplan `status` of a phased release still going on (1 running, 2 paused). */
const GRAY_IN_PROGRESS = new Set([1, 2]);

/** Who the history names for what the worker does by itself (gray steps, speedup by policy). */
export const WORKER_ACTOR = 'code-release:campaign-worker';

const GRAY_NO_ONLINE_VERSION = 85079;
const GRAY_NOT_HIGHER = 85082;
const ALREADY_RELEASED = 85052;
const UNDO_LIMIT = 87013;
/** get_latest_auditstatus: no audit known for the mini program. */
const NO_AUDIT = 85058;

/** When a target just submitted is first looked at again: the poll, or the speedup policy if sooner. */
export function auditDueSeconds(
  inputs: Pick<ReleaseInputs, 'speedup'> & { pollAfterSeconds: number },
): number {
  return Math.min(inputs.pollAfterSeconds, inputs.speedup?.afterSeconds ?? Number.MAX_SAFE_INTEGER);
}

/** WeChat's errcode of a refusal that retrying will not change; undefined for anything else (thrown on). */
export function refusalErrcode(error: unknown): number | undefined {
  if (!(error instanceof CodeReleaseError) || error.transient) return undefined;
  return error.details?.errcode;
}

/**
 * The release side of a campaign target (ADR 0022): gray steps, the full release after them,
 * gray revert, revert of a released version, speedup and undo of an audit. Shared by the worker
 * (steps it takes by itself) and the operator's operations, which hold the target's lease the same
 * way; every call is recorded in release_history with who asked and the campaign.
 */
@Injectable()
export class ReleaseSteps {
  private readonly calls: Counter<'endpoint' | 'outcome'>;

  constructor(
    private readonly wechat: WechatCalls,
    private readonly code: WechatCodeApi,
    private readonly history: ReleaseHistoryRepository,
    private readonly operations: CampaignOperationsRepository,
    private readonly logger: AppLogger,
    metrics: MetricsService,
    private readonly config: CodeReleaseConfig,
  ) {
    this.calls = metrics.counter(
      'wxop_code_release_campaign_wechat_calls_total',
      'WeChat calls of the campaign worker by endpoint and outcome (ok, the errcode, or error)',
      ['endpoint', 'outcome'],
    );
  }

  /** One WeChat call with the target's token, counted like the worker's. */
  private async call<T>(
    campaign: CampaignRecord,
    target: ClaimedTarget,
    endpoint: string,
    run: (token: string) => Promise<T>,
  ): Promise<T> {
    return this.wechat.asAuthorizer(
      { componentAppid: campaign.componentAppid, authorizerAppid: target.authorizerAppid },
      async (token) => {
        try {
          const result = await run(token);
          this.calls.inc({ endpoint, outcome: 'ok' });
          return result;
        } catch (error) {
          this.calls.inc({
            endpoint,
            outcome: error instanceof WechatApiError ? String(error.errcode) : 'error',
          });
          throw error;
        }
      },
    );
  }

  /** Records one action; a history that cannot be written does not undo what WeChat did. */
  private async record(
    campaign: CampaignRecord,
    target: ClaimedTarget,
    action: ReleaseAction,
    actor: string,
    outcome: NewHistoryEntry['outcome'],
    extra: Pick<NewHistoryEntry, 'input' | 'errcode' | 'message' | 'result'> = { input: {} },
  ): Promise<void> {
    await this.history
      .record({
        componentAppid: campaign.componentAppid,
        authorizerAppid: target.authorizerAppid,
        campaignId: campaign.campaignId,
        action,
        actor,
        outcome,
        ...extra,
      })
      .catch((error: unknown) =>
        this.logger.pino.error(
          { err: error, campaignId: campaign.campaignId, action },
          'release history not written',
        ),
      );
  }

  /** Runs a recorded call: WeChat's refusal is recorded as failed and thrown on. */
  private async recorded<T>(
    campaign: CampaignRecord,
    target: ClaimedTarget,
    action: ReleaseAction,
    actor: string,
    input: Record<string, unknown>,
    endpoint: string,
    run: (token: string) => Promise<T>,
  ): Promise<T> {
    try {
      const result = await this.call(campaign, target, endpoint, run);
      await this.record(campaign, target, action, actor, 'succeeded', { input });
      return result;
    } catch (error) {
      const errcode = refusalErrcode(error);
      if (errcode !== undefined && errcode !== ALREADY_RELEASED && errcode !== GRAY_NOT_HIGHER)
        await this.record(campaign, target, action, actor, 'failed', {
          input,
          errcode,
          message: (error as Error).message,
        });
      throw error;
    }
  }

  private ref(campaign: CampaignRecord, target: ClaimedTarget) {
    return {
      componentAppid: campaign.componentAppid,
      campaignId: campaign.campaignId,
      authorizerAppid: target.authorizerAppid,
      attempt: target.attempt,
    };
  }

  private released(
    campaign: CampaignRecord,
    target: ClaimedTarget,
    extra: Partial<TargetChange> = {},
  ): StepResult {
    return {
      from: target.state,
      change: { state: S.Released, ...extra },
      events: [
        targetEvent(DomainEventTypes.ReleaseReleased, this.ref(campaign, target), {
          campaignId: campaign.campaignId,
          userVersion: campaign.userVersion,
        }),
      ],
    };
  }

  /** The full release of the approved version (after the last gray step); 85052 counts as released. */
  async release(campaign: CampaignRecord, target: ClaimedTarget, actor: string): Promise<StepResult> {
    try {
      await this.recorded(campaign, target, 'release', actor, {}, 'release', (token) =>
        this.code.release(token),
      );
    } catch (error) {
      if (refusalErrcode(error) !== ALREADY_RELEASED) throw error;
      await this.record(campaign, target, 'release', actor, 'already', {
        input: {},
        errcode: ALREADY_RELEASED,
      });
    }
    return this.released(campaign, target);
  }

  /**
   * Makes one move of the gray plan: grayrelease at step `move.index` (a step at 100 % publishes
   * the version: released), or the full release after the last step. A step WeChat already holds
   * (85082 with the plan at or above its percentage, e.g. repeated after a crash) counts as made;
   * 85079 at the first step (no version online yet, nothing to phase against) releases in full.
   */
  async grayMove(
    campaign: CampaignRecord,
    target: ClaimedTarget,
    move: GrayMove,
    actor: string,
  ): Promise<StepResult> {
    const plan = (campaign.inputs as unknown as ReleaseInputs).gray as GrayPlan;
    if (move.kind === 'release') return this.release(campaign, target, actor);
    const input = grayCall(plan, move.index);
    try {
      await this.recorded(
        campaign,
        target,
        'gray.set',
        actor,
        { ...input, step: move.index },
        'grayrelease',
        (token) => this.code.grayRelease(token, input),
      );
    } catch (error) {
      const errcode = refusalErrcode(error);
      if (errcode === GRAY_NO_ONLINE_VERSION && move.index === 0) {
        const result = await this.release(campaign, target, actor);
        return { ...result, change: { ...result.change, reason: 'gray_no_online_version' } };
      }
      if (errcode !== GRAY_NOT_HIGHER) throw error;
      const current = await this.call(campaign, target, 'getgrayreleaseplan', (token) =>
        this.code.getGrayReleasePlan(token),
      );
      if (!grayStepAlreadyMade(plan, move.index, current)) {
        await this.record(campaign, target, 'gray.set', actor, 'failed', {
          input: { ...input, step: move.index },
          errcode,
          message: (error as Error).message,
        });
        throw error;
      }
    }
    // The step's id also carries the previous step's time: after a gray revert and approval the
    // plan starts again at step 0, a new event; a step repeated after a crash sees the same time.
    const stepped = targetEvent(
      DomainEventTypes.ReleaseGrayStepped,
      this.ref(campaign, target),
      {
        campaignId: campaign.campaignId,
        step: move.index,
        percentage: input.grayPercentage,
        userVersion: campaign.userVersion,
      },
      `${move.index}|${target.grayStepAt?.toISOString() ?? ''}`,
    );
    if (input.grayPercentage === 100) {
      const released = this.released(campaign, target, { grayStep: move.index });
      return { ...released, events: [stepped, ...(released.events ?? [])] };
    }
    return {
      from: target.state,
      change: {
        state: S.Gray,
        grayStep: move.index,
        grayStepSetNow: true,
        reason: null,
        dueInSeconds: stepDueSeconds(plan, move.index),
      },
      events: [stepped],
    };
  }

  /** Notes the start of a step's WeChat call, or throws when the operation is no longer ours. */
  private async start(target: ClaimedTarget, run: StepRun): Promise<void> {
    if (run.started && !(await run.started())) throw new OperationLostError(target.authorizerAppid);
  }

  /**
   * Writes the history row of a call that reached WeChat before a crash and was never recorded
   * (release_history counts it once: none is added when the call was recorded before the crash).
   */
  private async recordReconciled(
    campaign: CampaignRecord,
    target: ClaimedTarget,
    action: ReleaseAction,
    actor: string,
    input: Record<string, unknown>,
  ): Promise<void> {
    const recorded = await this.operations
      .historyRecorded(campaign.componentAppid, target.authorizerAppid, campaign.campaignId, action)
      .catch(() => false);
    if (!recorded)
      await this.record(campaign, target, action, actor, 'succeeded', {
        input: { ...input, reconciled: true },
      });
  }

  /**
   * revertgrayrelease: the target goes back to `approved`, held until the operator approves it again.
   * Resumed after a crash, it first asks getgrayreleaseplan: a phased release no longer in progress
   * was reverted by the call before the crash (a second call would fail and leave the target in
   * `gray`, where the worker would go on with the plan the operator reverted).
   */
  async revertGray(
    campaign: CampaignRecord,
    target: ClaimedTarget,
    actor: string,
    run: StepRun = {},
  ): Promise<StepResult> {
    const input = { step: target.grayStep };
    const plan = run.resumed
      ? await this.call(campaign, target, 'getgrayreleaseplan', (token) =>
          this.code.getGrayReleasePlan(token),
        )
      : undefined;
    if (plan && !GRAY_IN_PROGRESS.has(plan.status)) {
      await this.recordReconciled(campaign, target, 'gray.revert', actor, input);
    } else {
      await this.start(target, run);
      await this.recorded(campaign, target, 'gray.revert', actor, input, 'revertgrayrelease', (token) =>
        this.code.revertGrayRelease(token),
      );
    }
    return {
      from: target.state,
      change: { state: S.Approved, grayStep: null, approvedForRelease: false, reason: GRAY_REVERTED },
    };
  }

  /**
   * revertcoderelease to the previous version, only while the campaign's version is the one online
   * (a later release by hand or by another campaign is not ours to take back): `null` otherwise.
   * Resumed after a crash (our revert was started and its result never written), a version online
   * that is no longer the campaign's is that revert's doing: the target is reverted, with its event
   * (the same id) and, if it was not recorded before the crash, its history row.
   */
  async revert(
    campaign: CampaignRecord,
    target: ClaimedTarget,
    actor: string,
    run: StepRun = {},
  ): Promise<StepResult | null> {
    const info = await this.call(campaign, target, 'getversioninfo', (token) =>
      this.code.getVersionInfo(token),
    );
    const input = { userVersion: campaign.userVersion };
    if (info.releaseInfo?.releaseVersion !== campaign.userVersion) {
      if (!run.resumed) return null;
      await this.recordReconciled(campaign, target, 'revert', actor, input);
    } else {
      await this.start(target, run);
      await this.recorded(campaign, target, 'revert', actor, input, 'revertcoderelease', (token) =>
        this.code.revertCodeRelease(token),
      );
    }
    return {
      from: target.state,
      change: { state: S.Reverted, reason: `reverted_by:${actor}`.slice(0, 255) },
      events: [
        targetEvent(DomainEventTypes.ReleaseReverted, this.ref(campaign, target), {
          campaignId: campaign.campaignId,
          userVersion: campaign.userVersion,
          requestedBy: actor,
        }),
      ],
    };
  }

  /** The platform's speedups left this month (queryquota `speedup_rest`, read with this target's token). */
  async speedupRest(campaign: CampaignRecord, target: ClaimedTarget): Promise<number> {
    const quota = await this.call(campaign, target, 'queryquota', (token) => this.code.queryQuota(token));
    return quota.speedupRest;
  }

  /**
   * speedupaudit for the target's audit, at most once per attempt: the mark is written first
   * (fenced by `owner`'s lease), so a crash loses a speedup rather than making a second one.
   * A refusal by WeChat takes the mark back. Answers false when the target was sped up before.
   */
  async speedup(
    campaign: CampaignRecord,
    target: ClaimedTarget,
    owner: string,
    actor: string,
  ): Promise<boolean> {
    if (target.auditId === null || target.speedupAt !== null) return false;
    if (!(await this.operations.markSpeedup(owner, target))) return false;
    const auditId = target.auditId;
    try {
      await this.recorded(campaign, target, 'speedup', actor, { auditId }, 'speedupaudit', (token) =>
        this.code.speedupAudit(token, { auditId }),
      );
    } catch (error) {
      // WeChat refused (no speedup was made): the target may be sped up later. A transient failure
      // keeps the mark, as the call may have reached WeChat.
      if (refusalErrcode(error) !== undefined) await this.operations.unmarkSpeedup(owner, target);
      throw error;
    }
    return true;
  }

  /**
   * The campaign's speedup policy for a target in audit that came due: one speedupaudit when it
   * has waited `afterSeconds` since its submit and `speedup_rest` allows (a refusal is logged, not
   * retried: the mark is set). Answers the seconds until the target's poll is due (0: poll now).
   */
  async speedupByPolicy(
    campaign: CampaignRecord,
    target: ClaimedTarget,
    owner: string,
    now = new Date(),
  ): Promise<number> {
    const inputs = campaign.inputs as unknown as ReleaseInputs & { pollAfterSeconds: number };
    if (speedupDue(inputs.speedup, target, now)) {
      try {
        if ((await this.speedupRest(campaign, target)) > 0)
          await this.speedup(campaign, target, owner, WORKER_ACTOR);
        else this.logger.pino.info({ campaignId: campaign.campaignId }, 'speedup policy: speedup_rest is 0');
      } catch (error) {
        if (refusalErrcode(error) === undefined) throw error;
        this.logger.pino.warn(
          { err: error, campaignId: campaign.campaignId, authorizerAppid: target.authorizerAppid },
          'speedupaudit refused',
        );
      }
    }
    if (target.state !== S.InAudit || target.submittedAt === null) return 0;
    const poll = secondsUntilSpeedup({ afterSeconds: inputs.pollAfterSeconds }, target.submittedAt, now) ?? 0;
    const sped = target.speedupAt !== null || !inputs.speedup || speedupDue(inputs.speedup, target, now);
    const speedup = sped ? undefined : secondsUntilSpeedup(inputs.speedup, target.submittedAt, now);
    return Math.min(poll, speedup ?? poll);
  }

  /**
   * The audit of ours WeChat holds in flight for the target (get_latest_auditstatus: auditing or
   * delayed, of the campaign's version), or null: how a cancel learns whether a submit that was in
   * flight reached WeChat before it withdraws the audit.
   */
  async auditInFlight(campaign: CampaignRecord, target: ClaimedTarget): Promise<number | null> {
    try {
      const latest = await this.call(campaign, target, 'get_latest_auditstatus', (token) =>
        this.code.getLatestAuditStatus(token),
      );
      const auditing =
        latest.status === AuditStatusValues.Auditing || latest.status === AuditStatusValues.Delayed;
      const ours = (latest.userVersion ?? campaign.userVersion) === campaign.userVersion;
      return auditing && ours ? latest.auditId : null;
    } catch (error) {
      if (refusalErrcode(error) === NO_AUDIT) return null;
      throw error;
    }
  }

  /**
   * undocodeaudit within its limits (CODE_RELEASE_UNDO_PER_DAY, _PER_MONTH per mini program, counted
   * from every successful undo in release_history): never called beyond them; 87013 is read as the
   * limit too. Counted and called under the mini program's undo lock (by hand or a cancel's).
   */
  async undo(
    campaign: CampaignRecord,
    target: ClaimedTarget,
    actor: string,
    now = new Date(),
  ): Promise<{ outcome: 'done' | 'limit' | 'failed'; reason: string; errcode?: number; message?: string }> {
    return this.operations.withUndoLock(campaign.componentAppid, target.authorizerAppid, () =>
      this.undoLocked(campaign, target, actor, now),
    );
  }

  private async undoLocked(
    campaign: CampaignRecord,
    target: ClaimedTarget,
    actor: string,
    now: Date,
  ): Promise<{ outcome: 'done' | 'limit' | 'failed'; reason: string; errcode?: number; message?: string }> {
    const limits = undoLimitsOf(this.config);
    const periods = undoPeriods(now, limits);
    const used = await this.operations.undosUsed(
      campaign.componentAppid,
      target.authorizerAppid,
      periods.dayStart,
      periods.monthStart,
    );
    const decision = undoDecision(used, limits);
    if (!decision.allowed) return { outcome: 'limit', reason: decision.reason };
    try {
      await this.recorded(
        campaign,
        target,
        'undo',
        actor,
        { auditId: target.auditId },
        'undocodeaudit',
        (token) => this.code.undoCodeAudit(token),
      );
      return { outcome: 'done', reason: 'audit_undone' };
    } catch (error) {
      const errcode = refusalErrcode(error);
      if (errcode === undefined) throw error;
      return {
        outcome: errcode === UNDO_LIMIT ? 'limit' : 'failed',
        reason: errcode === UNDO_LIMIT ? 'undo_limit' : 'undo_failed',
        errcode,
        message: (error as Error).message,
      };
    }
  }
}
