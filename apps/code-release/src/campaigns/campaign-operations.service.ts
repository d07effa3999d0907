import { Injectable } from '@nestjs/common';
import {
  CodeReleaseRpcErrorCodes,
  type CampaignOperationReply,
  type CampaignSummary,
  type CampaignTargetOperationResult,
} from '@wxop/contracts';
import { AppLogger } from '@wxop/observability';
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';

import { CodeReleaseError } from '../shared/code-release.errors';
import { CampaignOperationsRepository } from './campaign-operations.repository';
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
import { refusalErrcode, ReleaseSteps, type StepResult } from './release-steps';
import { TargetStates } from './target-state';

/** Long enough for one target's WeChat calls. */
const LEASE_SECONDS = 30;
/** Targets an operation works on at once (each holds its lease meanwhile). */
const PARALLEL = 10;

type Run = (
  campaign: CampaignRecord,
  target: ClaimedTarget,
  owner: string,
) => Promise<StepResult | { outcome: CampaignTargetOperationResult['outcome']; message?: string } | null>;

/** Runs `each` on `size` items at a time; `before` sees the items still to do ahead of every batch after the first. */
async function inBatches<T>(
  items: T[],
  size: number,
  each: (item: T) => Promise<void>,
  before?: (remaining: T[]) => Promise<void>,
): Promise<void> {
  for (let start = 0; start < items.length; start += size) {
    if (start > 0 && before) await before(items.slice(start));
    await Promise.all(items.slice(start, start + size).map(each));
  }
}

/**
 * The operator's release operations on a campaign's targets (approve, gray.advance, gray.revert,
 * revert, speedup) and cancel with undoAudits. Each target is claimed under the worker's lease
 * model, acted on, and written back fenced by that lease; a target a worker holds this instant
 * answers `busy` and nothing is done to it.
 */
@Injectable()
export class CampaignOperationsService {
  /** Per process; each operation adds its own id to it, so concurrent operations never share leases. */
  private readonly ownerPrefix = `${OPERATION_OWNER_PREFIX}${hostname()}:${process.pid}`;

  constructor(
    private readonly campaigns: CampaignRepository,
    private readonly operations: CampaignOperationsRepository,
    private readonly steps: ReleaseSteps,
    private readonly summaries: CampaignsService,
    private readonly logger: AppLogger,
  ) {}

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
  ): Promise<CampaignOperationReply> {
    return this.onTargets(campaignId, 'gray.advance', authorizerAppids, (campaign, target) => {
      const plan = (campaign.inputs as unknown as ReleaseInputs).gray as GrayPlan;
      return this.steps.grayMove(campaign, target, nextGrayMove(plan, target.grayStep), by);
    });
  }

  /** revertgrayrelease; the target waits in `approved` for `approve`. */
  grayRevert(
    campaignId: string,
    authorizerAppids: string[] | undefined,
    by: string,
  ): Promise<CampaignOperationReply> {
    return this.onTargets(campaignId, 'gray.revert', authorizerAppids, (campaign, target) =>
      this.steps.revertGray(campaign, target, by),
    );
  }

  /** revertcoderelease of released targets whose online version is still the campaign's. */
  revert(
    campaignId: string,
    authorizerAppids: string[] | undefined,
    by: string,
  ): Promise<CampaignOperationReply> {
    return this.onTargets(campaignId, 'revert', authorizerAppids, async (campaign, target) => {
      const result = await this.steps.revert(campaign, target, by);
      return (
        result ?? {
          outcome: 'not_applicable',
          message: `the online version is no longer ${campaign.userVersion}`,
        }
      );
    });
  }

  /** speedupaudit, once per target and attempt, within the platform's speedup_rest (read once). */
  async speedup(
    campaignId: string,
    authorizerAppids: string[] | undefined,
    by: string,
  ): Promise<CampaignOperationReply> {
    let rest: number | undefined;
    let reading: Promise<number> | undefined;
    return this.onTargets(campaignId, 'speedup', authorizerAppids, async (campaign, target, owner) => {
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
    });
  }

  /**
   * Cancels the campaign; with `undoAudits`, then withdraws the audit of each target that was in
   * audit (undocodeaudit within 5 a day / 10 a month), noting on the cancelled target whether it was
   * (`audit_undone`) or why not (`undo_daily_limit`, `undo_monthly_limit`, `undo_failed`).
   */
  async cancel(campaignId: string, by: string, undoAudits: boolean): Promise<CampaignSummary> {
    const campaign = await this.require(campaignId);
    if (!undoAudits) {
      await this.campaigns.setStatus(campaignId, ['running', 'paused'], 'cancelled', `operator:${by}`);
      return this.summaries.get(campaignId);
    }
    // Read with the cancel, under its row locks: no target enters audit under the campaign after it.
    const { inFlight } = await this.campaigns.cancelWithAudits(campaignId, `operator:${by}`);
    await inBatches(inFlight, PARALLEL, async ({ authorizerAppid, auditId, state }) => {
      const target = { campaignId, authorizerAppid, auditId } as ClaimedTarget;
      try {
        if (state === TargetStates.Submitting) {
          // The submit may or may not have reached WeChat: ask before withdrawing anything.
          target.auditId = await this.steps.auditInFlight(campaign, target);
          if (target.auditId === null) return;
        }
        const undone = await this.steps.undo(campaign, target, by);
        await this.operations.noteCancelled(
          campaignId,
          authorizerAppid,
          undone.reason,
          undone.errcode ?? null,
        );
      } catch (error) {
        this.logger.pino.warn({ err: error, campaignId, authorizerAppid }, 'undo on cancel failed');
        await this.operations.noteCancelled(campaignId, authorizerAppid, 'undo_failed', null);
      }
    });
    return this.summaries.get(campaignId);
  }

  private refuseIfCancelled(campaign: CampaignRecord, operation: CampaignOperation): void {
    if (campaign.status === 'cancelled')
      throw new CodeReleaseError(
        CodeReleaseRpcErrorCodes.OperationNotAllowed,
        `${operation}: campaign ${campaign.campaignId} is cancelled`,
      );
  }

  /** Claims the chosen targets the operation applies to, runs it on each, writes each back under its lease. */
  private async onTargets(
    campaignId: string,
    operation: CampaignOperation,
    authorizerAppids: string[] | undefined,
    run: Run,
  ): Promise<CampaignOperationReply> {
    const campaign = await this.require(campaignId);
    const states = operationStates(operation, this.mode(campaign));
    if (operation !== 'revert') this.refuseIfCancelled(campaign, operation);
    const owner = `${this.ownerPrefix}:${randomUUID()}`;
    const chosen = await this.operations.claimChosen(
      campaignId,
      states,
      authorizerAppids,
      owner,
      LEASE_SECONDS,
    );
    const results: CampaignTargetOperationResult[] = [
      ...chosen.busy.map((target) => ({ ...target, outcome: 'busy' as const })),
      ...chosen.notApplicable.map((target) => ({ ...target, outcome: 'not_applicable' as const })),
    ];
    // Targets whose lease ran out before their batch (a worker may hold them now): answered busy.
    let lost = new Set<string>();
    const renew = async (remaining: ClaimedTarget[]): Promise<void> => {
      const appids = remaining.map((target) => target.authorizerAppid);
      const held = await this.operations.renewLeases(owner, campaignId, appids, LEASE_SECONDS);
      lost = new Set(appids.filter((appid) => !held.has(appid)));
    };
    const each = async (target: ClaimedTarget): Promise<void> => {
      if (lost.has(target.authorizerAppid)) {
        results.push({ authorizerAppid: target.authorizerAppid, outcome: 'busy', state: target.state });
        return;
      }
      try {
        const done = await run(campaign, target, owner);
        if (done && 'change' in done) {
          const written = await this.campaigns.transition(
            owner,
            target,
            done.from,
            done.change,
            done.events ?? [],
          );
          results.push({
            authorizerAppid: target.authorizerAppid,
            outcome: written ? 'done' : 'busy',
            state: written ? done.change.state : target.state,
          });
          if (written) return;
        } else {
          results.push({
            authorizerAppid: target.authorizerAppid,
            outcome: done?.outcome ?? 'not_applicable',
            state: target.state,
            ...(done?.message ? { message: done.message } : {}),
          });
        }
      } catch (error) {
        this.logger.pino.warn(
          { err: error, campaignId, operation, authorizerAppid: target.authorizerAppid },
          'campaign operation failed',
        );
        const errcode = refusalErrcode(error);
        results.push({
          authorizerAppid: target.authorizerAppid,
          outcome: 'failed',
          state: target.state,
          ...(errcode !== undefined ? { errcode } : {}),
          message: (error as Error).message,
        });
      }
      await this.operations.releaseOnly(owner, target);
    };
    await inBatches(chosen.claimed, PARALLEL, each, renew);
    return this.reply(campaignId, results);
  }
}
