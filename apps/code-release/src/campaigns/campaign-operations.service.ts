import { Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import {
  CodeReleaseRpcErrorCodes,
  type CampaignOperationPage,
  type CampaignOperationReply,
  type CampaignOperationSummary,
  type CampaignSummary,
  type CampaignTargetOperationResult,
} from '@wxop/contracts';
import { AppLogger } from '@wxop/observability';
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';

import { CodeReleaseConfig } from '../config/code-release.config';
import { CodeReleaseError } from '../shared/code-release.errors';
import {
  CampaignOperationsRepository,
  type OperationListQuery,
  type OperationRecord,
  type OperationTargetOutcome,
  type PendingOperationTarget,
} from './campaign-operations.repository';
import {
  CampaignRepository,
  OPERATION_OWNER_PREFIX,
  type CampaignRecord,
  type ClaimedTarget,
} from './campaign.repository';
import { CampaignsService } from './campaigns.service';
import { nextGrayMove, type GrayPlan } from './gray-plan.util';
import type { ReleaseInputs } from './release-inputs.util';
import { operationStates, type CampaignOperation } from './release-operations.util';
import {
  OperationLostError,
  refusalErrcode,
  ReleaseSteps,
  type StepResult,
  type StepRun,
} from './release-steps';
import { AUDIT_STATES, TargetStates, type TargetState } from './target-state';

/**
 * An operation's lease (and its targets'): renewed on its own timer every RENEW_EVERY_MS while the
 * operation runs, and longer than one target's worst case anyway — two WeChat calls (getversioninfo
 * then revertcoderelease, say) of WECHAT_ATTEMPTS attempts each at the configured timeout — so a
 * renewal that comes late never lets another replica run a target whose call is still in flight.
 */
export function operationLeaseSeconds(wechatTimeoutMs: number): number {
  return Math.max(30, Math.ceil((2 * WECHAT_ATTEMPTS * wechatTimeoutMs) / 1000) + 15);
}
/** WechatApiClient's attempts per call (maxAttempts). */
const WECHAT_ATTEMPTS = 3;
const RENEW_EVERY_MS = 10_000;
/** Targets an operation works on at once (each holds its lease meanwhile). */
const PARALLEL = 10;
/** How often a replica looks for background operations whose replica stopped. */
const TAKE_OVER_EVERY_MS = 5_000;
/** Longest a background operation sleeps for a held-back target before it looks again. */
const MAX_IDLE_MS = 2_000;
/** Cancel answers after this long at most (well inside the callers' RPC timeout, 5 s by default). */
const CANCEL_ANSWER_WITHIN_MS = 2_000;
/**
 * How long an operation on one batch of targets may take before it is answered `running` rather
 * than with every outcome: within admin-api's 30 s RPC timeout for code-release.
 */
const INLINE_ANSWER_WITHIN_MS = 20_000;
/** Kept from the caller's RPC deadline for reading the outcomes and sending the reply. */
const ANSWER_MARGIN_MS = 1_500;
/** A cancelled target that was submitting, held back until its submit can no longer be in flight. */
const LATE_SUBMIT = 'late_submit';

/** The operations that can run in the background: those on chosen targets, and cancel's undos. */
type BackgroundOperation = Exclude<CampaignOperation, 'approve'> | 'cancel.undo';

type Run = (
  campaign: CampaignRecord,
  target: ClaimedTarget,
  owner: string,
  step: StepRun,
) => Promise<StepResult | { outcome: CampaignTargetOperationResult['outcome']; message?: string } | null>;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/**
 * The operator's release operations on a campaign's targets (approve, gray.advance, gray.revert,
 * revert, speedup) and cancel with undoAudits. Each target is claimed under the worker's lease
 * model, acted on, and written back fenced by that lease; a target a worker holds this instant
 * answers `busy` and nothing is done to it. An operation that takes more targets than one batch
 * answers at once with what it accepted and goes on in the background (ADR 0022, amended): it is
 * recorded with its targets, its leases are renewed as it goes, and a replica that finds its lease
 * run out (the driving replica died or stopped) takes it over where it stopped.
 */
@Injectable()
export class CampaignOperationsService implements OnApplicationBootstrap, OnModuleDestroy {
  /** Per process; each operation adds its own id to it, so concurrent operations never share leases. */
  private readonly ownerPrefix = `${OPERATION_OWNER_PREFIX}${hostname()}:${process.pid}`;

  private readonly running = new Set<Promise<void>>();
  /** The operations this process drives now: never taken over by this process's own timer. */
  private readonly driving = new Set<string>();
  /** How often a running operation renews its lease (tests shorten it). */
  renewEveryMs = RENEW_EVERY_MS;
  inlineAnswerWithinMs = INLINE_ANSWER_WITHIN_MS;
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private takingOver = false;

  constructor(
    private readonly campaigns: CampaignRepository,
    private readonly operations: CampaignOperationsRepository,
    private readonly steps: ReleaseSteps,
    private readonly summaries: CampaignsService,
    private readonly logger: AppLogger,
    private readonly config: CodeReleaseConfig,
  ) {}

  private get leaseSeconds(): number {
    return operationLeaseSeconds(this.config.CODE_RELEASE_WECHAT_TIMEOUT_MS);
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.takeOver(), TAKE_OVER_EVERY_MS);
    this.timer.unref();
  }

  /** Stops this replica's background operations after their current batch and hands them over. */
  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await Promise.race([Promise.all([...this.running]), sleep(10_000)]);
  }

  /** A fresh lease owner for one operation on this replica (a take-over never reuses the old one). */
  private ownerOf(operationId: string): string {
    return `${this.ownerPrefix}:${operationId}:${randomUUID().slice(0, 8)}`;
  }

  private async require(campaignId: string): Promise<CampaignRecord> {
    const campaign = await this.campaigns.find(campaignId);
    if (!campaign)
      throw new CodeReleaseError(CodeReleaseRpcErrorCodes.CampaignNotFound, `no campaign ${campaignId}`);
    return campaign;
  }

  private mode(campaign: CampaignRecord): ReleaseInputs['releaseMode'] {
    return (campaign.inputs as unknown as ReleaseInputs).releaseMode ?? 'on_approval';
  }

  private async reply(
    campaignId: string,
    results: CampaignTargetOperationResult[],
  ): Promise<CampaignOperationReply> {
    const campaign: CampaignSummary = await this.summaries.get(campaignId);
    return { done: results.filter((result) => result.outcome === 'done').length, results, campaign };
  }

  /** Approval in `manual` mode (any target not yet released) or after a gray revert (`gray` mode). */
  async approve(
    campaignId: string,
    authorizerAppids: string[] | undefined,
    by: string,
  ): Promise<CampaignOperationReply> {
    const campaign = await this.require(campaignId);
    const states = operationStates('approve', this.mode(campaign));
    this.refuseIfCancelled(campaign, 'approve');
    const { approved, others } = await this.operations.approve(campaignId, states, authorizerAppids);
    this.logger.pino.info({ campaignId, approved: approved.length, by }, 'campaign targets approved');
    return this.reply(campaignId, [
      ...approved.map((target) => ({
        authorizerAppid: target.authorizerAppid,
        outcome: target.already ? ('already' as const) : ('done' as const),
        state: target.state,
      })),
      ...others.map((target) => ({ ...target, outcome: 'not_applicable' as const })),
    ]);
  }

  /** The next gray step now (after the last: the full release). */
  grayAdvance(
    campaignId: string,
    authorizerAppids: string[] | undefined,
    by: string,
    answerBy?: number,
  ): Promise<CampaignOperationReply> {
    return this.onTargets(campaignId, 'gray.advance', authorizerAppids, by, answerBy);
  }

  /** revertgrayrelease; the target waits in `approved` for `approve`. */
  grayRevert(
    campaignId: string,
    authorizerAppids: string[] | undefined,
    by: string,
    answerBy?: number,
  ): Promise<CampaignOperationReply> {
    return this.onTargets(campaignId, 'gray.revert', authorizerAppids, by, answerBy);
  }

  /** revertcoderelease of released targets whose online version is still the campaign's. */
  revert(
    campaignId: string,
    authorizerAppids: string[] | undefined,
    by: string,
    answerBy?: number,
  ): Promise<CampaignOperationReply> {
    return this.onTargets(campaignId, 'revert', authorizerAppids, by, answerBy);
  }

  /** speedupaudit, once per target and attempt, within the platform's speedup_rest (read once). */
  speedup(
    campaignId: string,
    authorizerAppids: string[] | undefined,
    by: string,
    answerBy?: number,
  ): Promise<CampaignOperationReply> {
    return this.onTargets(campaignId, 'speedup', authorizerAppids, by, answerBy);
  }

  /**
   * What one operation does to one target. Made once per run of the operation: speedup reads
   * speedup_rest once and counts it down across the targets of that run.
   */
  private runnerFor(operation: Exclude<BackgroundOperation, 'cancel.undo'>, by: string): Run {
    switch (operation) {
      case 'gray.advance':
        return (campaign, target) => {
          const plan = (campaign.inputs as unknown as ReleaseInputs).gray as GrayPlan;
          return this.steps.grayMove(campaign, target, nextGrayMove(plan, target.grayStep), by);
        };
      case 'gray.revert':
        return (campaign, target, _owner, step) => this.steps.revertGray(campaign, target, by, step);
      case 'revert':
        return async (campaign, target, _owner, step) => {
          const result = await this.steps.revert(campaign, target, by, step);
          return (
            result ?? {
              outcome: 'not_applicable',
              message: `the online version is no longer ${campaign.userVersion}`,
            }
          );
        };
      case 'speedup': {
        let rest: number | undefined;
        let reading: Promise<number> | undefined;
        return async (campaign, target, owner) => {
          if (target.speedupAt !== null) return { outcome: 'already' };
          reading ??= this.steps.speedupRest(campaign, target);
          // Await first, then take the reading once: the targets of a batch run in parallel, and
          // `rest ??= await reading` would write the fresh reading back over the others' decrements.
          const read = await reading;
          rest ??= read;
          if (rest <= 0) return { outcome: 'limit', message: 'speedup_rest is 0 this month' };
          rest -= 1;
          const sped = await this.steps.speedup(campaign, target, owner, by);
          return { outcome: sped ? 'done' : 'already' };
        };
      }
    }
  }

  /**
   * Cancels the campaign; with `undoAudits`, then withdraws the audit of each target that was in
   * audit (undocodeaudit within 5 a day / 10 a month), noting on the cancelled target whether it was
   * (`audit_undone`) or why not (`undo_daily_limit`, `undo_monthly_limit`, `undo_failed`). The
   * undos run as a background operation: the answer comes once they are made or after
   * CANCEL_ANSWER_WITHIN_MS, whichever is first. A target that was submitting and shows no audit
   * yet is looked at again CODE_RELEASE_CANCEL_SETTLE_SECONDS later: its submit may still have
   * been on its way to WeChat, answered after the cancel, and that audit is withdrawn too.
   */
  async cancel(campaignId: string, by: string, undoAudits: boolean): Promise<CampaignSummary> {
    await this.require(campaignId);
    if (!undoAudits) {
      await this.campaigns.setStatus(campaignId, ['running', 'paused'], 'cancelled', `operator:${by}`);
      return this.summaries.get(campaignId);
    }
    const operationId = randomUUID();
    const record: OperationRecord = {
      operationId,
      campaignId,
      operation: 'cancel.undo',
      requestedBy: by,
      owner: this.ownerOf(operationId),
    };
    // Read with the cancel, under its row locks: no target enters audit under the campaign after it.
    // The undos are recorded in the cancel's transaction: a crash after it leaves them to a takeover.
    const { inFlight } = await this.campaigns.cancelWithAudits(
      campaignId,
      `operator:${by}`,
      (manager, audits) => this.operations.recordCancelUndos(manager, record, audits, this.leaseSeconds),
    );
    if (inFlight.length > 0) await Promise.race([this.start(record), sleep(CANCEL_ANSWER_WITHIN_MS)]);
    return this.summaries.get(campaignId);
  }

  /** A background operation and how far it got (OPERATION_NOT_FOUND when there is none). */
  async getOperation(operationId: string): Promise<CampaignOperationSummary> {
    const summary = await this.operations.summary(operationId);
    if (!summary)
      throw new CodeReleaseError(CodeReleaseRpcErrorCodes.OperationNotFound, `no operation ${operationId}`);
    return summary;
  }

  /** A page of the campaign's background operations by creation time. */
  async listOperations(query: OperationListQuery): Promise<CampaignOperationPage> {
    await this.require(query.campaignId);
    return this.operations.summariesOf(query);
  }

  private refuseIfCancelled(campaign: CampaignRecord, operation: CampaignOperation): void {
    if (campaign.status === 'cancelled')
      throw new CodeReleaseError(
        CodeReleaseRpcErrorCodes.OperationNotAllowed,
        `${operation}: campaign ${campaign.campaignId} is cancelled`,
      );
  }

  /**
   * Claims the chosen targets the operation applies to and records the operation: every operation
   * is one (`code_release_operations`), so a replica that dies midway leaves it to a takeover that
   * reconciles a started revert with WeChat, and `operations.list` shows it. One batch or less is
   * answered with every outcome once done (within INLINE_ANSWER_WITHIN_MS); more, or a batch that
   * takes longer, is answered with what was accepted (`running`), the rest going on in the background.
   */
  private async onTargets(
    campaignId: string,
    operation: Exclude<BackgroundOperation, 'cancel.undo'>,
    authorizerAppids: string[] | undefined,
    by: string,
    answerBy?: number,
  ): Promise<CampaignOperationReply> {
    const campaign = await this.require(campaignId);
    const states = operationStates(operation, this.mode(campaign));
    if (operation !== 'revert') this.refuseIfCancelled(campaign, operation);
    const operationId = randomUUID();
    const owner = this.ownerOf(operationId);
    const chosen = await this.operations.claimChosen(
      campaignId,
      states,
      authorizerAppids,
      owner,
      this.leaseSeconds,
    );
    const results: CampaignTargetOperationResult[] = [
      ...chosen.busy.map((target) => ({ ...target, outcome: 'busy' as const })),
      ...chosen.notApplicable.map((target) => ({ ...target, outcome: 'not_applicable' as const })),
    ];
    const accepted = chosen.claimed.length;
    if (accepted === 0) return { ...(await this.reply(campaignId, results)), accepted, running: false };
    const record: OperationRecord = { operationId, campaignId, operation, requestedBy: by, owner };
    await this.operations.recordOperation(
      record,
      chosen.claimed.map((target) => ({ authorizerAppid: target.authorizerAppid, state: target.state })),
      this.leaseSeconds,
    );
    const driving = this.start(record);
    if (accepted <= PARALLEL) {
      // Answered within the caller's deadline (the RPC's, less a margin for the reply), at most
      // inlineAnswerWithinMs: past it the caller gets `running` and the operationId, not a timeout.
      const wait = Math.min(
        this.inlineAnswerWithinMs,
        answerBy === undefined ? Number.POSITIVE_INFINITY : answerBy - Date.now() - ANSWER_MARGIN_MS,
      );
      const settled = await Promise.race([
        driving.then(() => true),
        sleep(Math.max(0, wait)).then(() => false),
      ]);
      const outcomes = settled ? await this.operations.outcomesOf(operationId) : [];
      if (settled && outcomes.length === accepted && outcomes.every((target) => target.outcome !== null)) {
        results.push(
          ...outcomes.map(({ authorizerAppid, outcome, state, errcode, message }) => ({
            authorizerAppid,
            outcome: outcome as CampaignTargetOperationResult['outcome'],
            state: state ?? '',
            ...(errcode !== null ? { errcode } : {}),
            ...(message !== null ? { message } : {}),
          })),
        );
        return { ...(await this.reply(campaignId, results)), accepted, running: false, operationId };
      }
    }
    this.logger.pino.info(
      { campaignId, operation, operationId, accepted, by },
      'campaign operation accepted',
    );
    return { ...(await this.reply(campaignId, results)), accepted, running: true, operationId };
  }

  /** Runs the operation on one target it holds and writes the result back under that lease. */
  private async one(
    campaign: CampaignRecord,
    target: ClaimedTarget,
    owner: string,
    run: Run,
    operation: string,
    step: StepRun,
  ): Promise<CampaignTargetOperationResult> {
    let result: CampaignTargetOperationResult;
    try {
      const done = await run(campaign, target, owner, step);
      if (done && 'change' in done) {
        const written = await this.campaigns.transition(
          owner,
          target,
          done.from,
          done.change,
          done.events ?? [],
        );
        result = {
          authorizerAppid: target.authorizerAppid,
          outcome: written ? 'done' : 'busy',
          state: written ? done.change.state : target.state,
        };
        if (written) return result;
      } else {
        result = {
          authorizerAppid: target.authorizerAppid,
          outcome: done?.outcome ?? 'not_applicable',
          state: target.state,
          ...(done?.message ? { message: done.message } : {}),
        };
      }
    } catch (error) {
      if (error instanceof OperationLostError)
        return { authorizerAppid: target.authorizerAppid, outcome: 'busy', state: target.state };
      this.logger.pino.warn(
        { err: error, campaignId: campaign.campaignId, operation, authorizerAppid: target.authorizerAppid },
        'campaign operation failed',
      );
      const errcode = refusalErrcode(error);
      result = {
        authorizerAppid: target.authorizerAppid,
        outcome: 'failed',
        state: target.state,
        ...(errcode !== undefined ? { errcode } : {}),
        message: (error as Error).message,
      };
    }
    await this.operations.releaseOnly(owner, target);
    return result;
  }

  /** Drives a background operation on this replica; settles when it is done, lost or handed over. */
  private start(record: OperationRecord): Promise<void> {
    this.driving.add(record.operationId);
    const driving: Promise<void> = this.drive(record)
      .catch((error: unknown) =>
        // Its lease runs out and a replica (this one too) takes it over where it stopped.
        this.logger.pino.error(
          { err: error, campaignId: record.campaignId, operationId: record.operationId },
          'campaign operation stopped',
        ),
      )
      .finally(() => {
        this.running.delete(driving);
        this.driving.delete(record.operationId);
      });
    this.running.add(driving);
    return driving;
  }

  /** Takes over, one at a time, the background operations whose replica stopped. */
  async takeOver(): Promise<void> {
    if (this.takingOver || this.stopped) return;
    this.takingOver = true;
    try {
      for (;;) {
        const record = await this.operations.takeOverStale((id) => this.ownerOf(id), this.leaseSeconds, [
          ...this.driving,
        ]);
        if (!record) return;
        this.logger.pino.info(
          { campaignId: record.campaignId, operation: record.operation, operationId: record.operationId },
          'campaign operation taken over',
        );
        void this.start(record);
      }
    } catch (error) {
      this.logger.pino.warn({ err: error }, 'campaign operations not taken over');
    } finally {
      this.takingOver = false;
    }
  }

  private async drive(record: OperationRecord): Promise<void> {
    const campaign = await this.campaigns.find(record.campaignId);
    const operation = record.operation as BackgroundOperation;
    const run =
      operation === 'cancel.undo' || !campaign ? null : this.runnerFor(operation, record.requestedBy);
    // Renewed on its own timer, not between batches: one batch can take longer than the lease.
    let lost = false;
    const renew = async () => {
      try {
        if (!lost && !(await this.operations.renewOperation(record, this.leaseSeconds))) lost = true;
      } catch (error) {
        this.logger.pino.warn(
          { err: error, campaignId: record.campaignId, operationId: record.operationId },
          'campaign operation lease not renewed',
        );
      }
    };
    let renewing = Promise.resolve();
    const renewer = setInterval(() => {
      renewing = renewing.then(renew);
    }, this.renewEveryMs);
    renewer.unref();
    try {
      if (!campaign) await this.endWithoutCampaign(record);
      while (campaign && !this.stopped && !lost) {
        const { due, nextInSeconds } = await this.operations.pendingTargets(record.operationId, PARALLEL);
        if (nextInSeconds === null) break;
        if (due.length === 0) {
          await sleep(Math.min(nextInSeconds * 1000, MAX_IDLE_MS));
          continue;
        }
        const outcomes = run
          ? await this.targetsBatch(campaign, record, due, run)
          : await this.undoBatch(campaign, record, due);
        // Every due target had no outcome: fewer written means another replica holds the operation.
        if ((await this.operations.noteOutcomes(record, outcomes)) < outcomes.length) lost = true;
      }
    } finally {
      clearInterval(renewer);
      await renewing;
    }
    if (lost) {
      this.logger.pino.warn(
        { campaignId: record.campaignId, operationId: record.operationId },
        'campaign operation lease lost: another replica goes on with it',
      );
      return;
    }
    if (this.stopped) {
      await this.operations.handOver(record);
      return;
    }
    if (await this.operations.finishOperation(record))
      this.logger.pino.info(
        { campaignId: record.campaignId, operation, operationId: record.operationId },
        'campaign operation finished',
      );
  }

  /** The campaign is gone (never, today: campaigns are not deleted): its targets end not_applicable. */
  private async endWithoutCampaign(record: OperationRecord): Promise<void> {
    for (;;) {
      const { due, nextInSeconds } = await this.operations.pendingTargets(record.operationId, 200);
      if (nextInSeconds === null || due.length === 0) return;
      const outcomes = due.map((target) => ({
        authorizerAppid: target.authorizerAppid,
        outcome: 'not_applicable',
        state: target.initialState,
        message: `campaign ${record.campaignId} not found`,
      }));
      if ((await this.operations.noteOutcomes(record, outcomes)) < outcomes.length) return;
    }
  }

  /** One batch of an operation on chosen targets: those whose lease it lost are answered busy. */
  private async targetsBatch(
    campaign: CampaignRecord,
    record: OperationRecord,
    due: PendingOperationTarget[],
    run: Run,
  ): Promise<OperationTargetOutcome[]> {
    const rows = await this.operations.targetsOf(
      campaign.campaignId,
      due.map((target) => target.authorizerAppid),
    );
    const byAppid = new Map(rows.map((row) => [row.authorizerAppid, row]));
    return Promise.all(
      due.map(async (pending) => {
        const target = byAppid.get(pending.authorizerAppid);
        if (!target || target.leaseOwner !== record.owner)
          return {
            authorizerAppid: pending.authorizerAppid,
            outcome: 'busy',
            state: target?.state ?? pending.initialState,
          };
        return this.one(campaign, target, record.owner, run, record.operation, {
          resumed: pending.started,
          started: () => this.operations.markStarted(record, pending.authorizerAppid),
        });
      }),
    );
  }

  /**
   * One batch of cancel's undos; a submitting target without an audit yet is held back once. Every
   * target's audit in flight is read first (get_latest_auditstatus) and withdrawn only if it is the
   * one the target knows of: a re-run after a crash finds a withdrawn audit gone and leaves the
   * target's `audit_undone` alone, and an audit that is not ours is not withdrawn.
   */
  private async undoBatch(
    campaign: CampaignRecord,
    record: OperationRecord,
    due: PendingOperationTarget[],
  ): Promise<OperationTargetOutcome[]> {
    const outcomes = await Promise.all(
      due.map(async ({ authorizerAppid, auditId, initialState }): Promise<OperationTargetOutcome | null> => {
        const target = { campaignId: campaign.campaignId, authorizerAppid, auditId } as ClaimedTarget;
        const cancelled = TargetStates.Cancelled;
        const none = (message: string): OperationTargetOutcome => ({
          authorizerAppid,
          outcome: 'not_applicable',
          state: cancelled,
          message,
        });
        try {
          // The submit may or may not have reached WeChat, and an audit may have ended or been
          // withdrawn already: ask before withdrawing anything.
          const inFlight = await this.steps.auditInFlight(campaign, target);
          if (inFlight === null) {
            if (initialState !== TargetStates.Submitting) return none('no audit in flight');
            await this.operations.deferTarget(
              record,
              authorizerAppid,
              this.config.CODE_RELEASE_CANCEL_SETTLE_SECONDS,
              LATE_SUBMIT,
            );
            return null;
          }
          if (AUDIT_STATES.has(initialState as TargetState) && auditId !== null && inFlight !== auditId)
            return none(`the audit in flight (${inFlight}) is not the target's (${auditId})`);
          target.auditId = inFlight;
          const undone = await this.steps.undo(campaign, target, record.requestedBy);
          await this.operations.noteCancelled(record, authorizerAppid, undone.reason, undone.errcode ?? null);
          return {
            authorizerAppid,
            outcome: undone.outcome,
            state: cancelled,
            ...(undone.errcode !== undefined ? { errcode: undone.errcode } : {}),
            message: undone.reason,
          };
        } catch (error) {
          this.logger.pino.warn(
            { err: error, campaignId: campaign.campaignId, authorizerAppid },
            'undo on cancel failed',
          );
          await this.operations.noteCancelled(record, authorizerAppid, 'undo_failed', null);
          return { authorizerAppid, outcome: 'failed', state: cancelled, message: (error as Error).message };
        }
      }),
    );
    return outcomes.filter((outcome): outcome is OperationTargetOutcome => outcome !== null);
  }
}
