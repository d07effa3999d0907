import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DomainEventTypes, type CampaignPreflight } from '@wxop/contracts';
import { TransactionalOutbox } from '@wxop/messaging';
import { AppLogger, MetricsService } from '@wxop/observability';
import { WechatApiError, WechatCodeApi } from '@wxop/wechat-api';
import { hostname } from 'node:os';
import type { Counter, Gauge } from 'prom-client';
import { randomUUID } from 'node:crypto';

import { defaultAuditItems } from '../shared/audit-items.util';
import { CodeReleaseError } from '../shared/code-release.errors';
import { WechatCalls } from '../shared/wechat-calls.service';
import {
  canaryDecision,
  inReleaseWindow,
  nextWindowOpening,
  shouldAutoPause,
  type CanaryPolicy,
  type AutoPausePolicy,
  type ReleaseWindow,
} from './campaign-policy.util';
import {
  CampaignRepository,
  type CampaignRecord,
  type ClaimedTarget,
  type TargetChange,
} from './campaign.repository';
import {
  campaignEvent,
  finishedDiscriminator,
  pauseDiscriminator,
  targetEvent,
} from './campaign-events.util';
import { ExtJsonTemplateError, renderExtJson } from './ext-json-template.util';
import { finalCounts, isCampaignFinished, stateCounts, COUNTED_AS_SUBMITTED } from './progress.util';
import { PlatformQuotaRepository } from './platform-quota.repository';
import { PreflightSteps } from './preflight.steps';
import { settlementOf, type QuotaClaim } from './platform-quota.util';
import { submitInput, type CampaignSubmit } from './submit-input.util';
import { reconcile, type WechatVersionView } from './reconcile.util';
import { CampaignOperationsRepository } from './campaign-operations.repository';
import { autoAdvance, nextGrayMove } from './gray-plan.util';
import type { ReleaseInputs } from './release-inputs.util';
import { heldForApproval } from './release-operations.util';
import { auditDueSeconds, ReleaseSteps, WORKER_ACTOR } from './release-steps';
import { TargetStates as S, type TargetState } from './target-state';
import { commitOutcome, releaseOutcome, submitOutcome, type StepOutcome } from './wechat-outcome.util';

/** The frozen inputs a worker reads (validated at creation by campaign-request.util). */
export interface CampaignInputs extends ReleaseInputs {
  extJson: Record<string, unknown>;
  submit: CampaignSubmit;
  /** Settings made on each target before its commit (preflight.steps.ts); absent on older campaigns. */
  preflight?: CampaignPreflight;
  releaseWindow: ReleaseWindow | null;
  canary: CanaryPolicy;
  autoPause: AutoPausePolicy;
  /** Poll get_auditstatus for a target without a result after this many seconds. */
  pollAfterSeconds: number;
}

/** Long enough for one step's WeChat calls; renewed at each step a holder goes on with. */
const LEASE_SECONDS = 20;
const TICK_MS = 250;
/** How long one wave keeps claiming targets as leases free up (then it drains, and the next reads the quota afresh). */
const WAVE_MS = 3000;
/** While a wave's drives run, due targets (an approval, a retry) are looked for this often besides each drive's end. */
const CLAIM_RECHECK_MS = 100;
const RETRY_SECONDS = 5;
const PRIVACY_SCAN_RETRY_SECONDS = 2;
const QUOTA_RETRY_SECONDS = 5;
/** A target held for the operator's approval is looked at again this often (an approval makes it due at once). */
const APPROVAL_RECHECK_SECONDS = 600;

/**
 * What a drive learned from WeChat for its later steps, in memory only: the category read at the
 * preflight and the page read after the commit make the default audit item of the submit. A later
 * drive (after a wait or a crash) reads them again.
 */
interface Carried {
  category?: Awaited<ReturnType<WechatCodeApi['getCategory']>>;
  page?: Awaited<ReturnType<WechatCodeApi['getPage']>>;
  /** The submit's claim, asked while `submitting` is being written (refunded if it is not used). */
  submitClaim?: Promise<SubmitClaim>;
  /** The quota row's settlement of the submit, written beside the target's next state. */
  settling?: Promise<void>;
}

/** The canary allowance and platform quota for one submit (`claim` null: the canary held it back). */
type SubmitClaim = { claim: QuotaClaim | null; error?: undefined } | { claim?: undefined; error: unknown };

type Step = { from: TargetState; change: TargetChange; events?: ReturnType<typeof targetEvent>[] };

interface Wave {
  /** The wave's one quota read, in progress or done. */
  reading?: Promise<void>;
  /** Submits this tick may still make for the campaign under its canary (the quota is claimed per submit). */
  allowance?: number;
  waitReason?: string;
  canary?: ReturnType<typeof canaryDecision>;
}

/** A failed step's code for `failed` targets, from a WeChat answer or our own refusal. */
function errcodeOf(error: unknown): number | undefined {
  return error instanceof CodeReleaseError ? error.details?.errcode : undefined;
}

/**
 * Moves campaign targets through their state machine. Every replica runs one; targets are claimed
 * under leases (CampaignRepository.claimDue) and every write is fenced by the lease, so replicas
 * share the work and a killed one's targets are taken over and reconciled with WeChat first.
 */
@Injectable()
export class CampaignWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  /** One id per process: a restarted process must not mistake its predecessor's leases for its own. */
  readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;
  /**
   * The drives in flight per campaign. A wave of a campaign without a canary leaves its drives
   * running for the next wave (no barrier between waves: the slots never idle while the slowest
   * drive ends); with a canary each wave drains, so the next one's allowance sees every submit.
   */
  private readonly drives = new Map<string, Set<Promise<void>>>();

  constructor(
    private readonly campaigns: CampaignRepository,
    private readonly quota: PlatformQuotaRepository,
    private readonly preflight: PreflightSteps,
    private readonly wechat: WechatCalls,
    private readonly code: WechatCodeApi,
    private readonly outbox: TransactionalOutbox,
    private readonly logger: AppLogger,
    metrics: MetricsService,
    private readonly releaseSteps: ReleaseSteps,
    private readonly operations: CampaignOperationsRepository,
  ) {
    this.targetsGauge = metrics.gauge(
      'wxop_code_release_campaign_targets',
      'Targets of each running campaign by state (refreshed every worker pass)',
      ['campaign_id', 'state'],
    );
    this.wechatCalls = metrics.counter(
      'wxop_code_release_campaign_wechat_calls_total',
      'WeChat calls of the campaign worker by endpoint and outcome (ok, the errcode, or error)',
      ['endpoint', 'outcome'],
    );
  }

  private readonly targetsGauge: Gauge<'campaign_id' | 'state'>;
  private readonly wechatCalls: Counter<'endpoint' | 'outcome'>;

  /** One WeChat call of the worker, counted by endpoint and outcome (a retried call counts twice). */
  private async counted<T>(endpoint: string, call: Promise<T>): Promise<T> {
    try {
      const result = await call;
      this.wechatCalls.inc({ endpoint, outcome: 'ok' });
      return result;
    } catch (error) {
      this.wechatCalls.inc({
        endpoint,
        outcome: error instanceof WechatApiError ? String(error.errcode) : 'error',
      });
      throw error;
    }
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.tick(), TICK_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
    await Promise.all([...this.drives.values()].flatMap((drives) => [...drives]));
  }

  /**
   * One pass over every running campaign; overlapping calls share the pass in progress. A pass that
   * found work is followed by the next at once, not at the next tick.
   */
  tick(): Promise<void> {
    if (this.running) return this.running;
    this.running = this.pass()
      .catch((error: unknown) => {
        this.logger.pino.error({ err: error }, 'campaign pass failed');
        return false;
      })
      .then((busy) => {
        this.running = undefined;
        if (busy && !this.stopped) setImmediate(() => void this.tick());
      });
    return this.running;
  }

  /** Runs a wave of every running campaign side by side; answers whether any claimed a target. */
  private async pass(): Promise<boolean> {
    const busy = await Promise.all(
      (await this.campaigns.runningCampaignIds()).map(async (campaignId) => {
        if (this.stopped) return false;
        const campaign = await this.campaigns.find(campaignId);
        if (!campaign || campaign.status !== 'running') return false;
        const claimed = await this.wave(campaign);
        await this.checkCampaign(campaign);
        return claimed > 0 || (this.drives.get(campaignId)?.size ?? 0) > 0;
      }),
    );
    await this.outbox.relay();
    return busy.some(Boolean);
  }

  /**
   * One wave of a campaign: targets are claimed as leases free up (a finished drive, an approval
   * that made one due) for up to WAVE_MS, all sharing the wave's quota read and canary allowance.
   * With a canary the wave then waits for its drives, so the next wave's read sees every submit of
   * this one; without, they run on into the next wave. Answers how many targets it claimed.
   */
  private async wave(campaign: CampaignRecord): Promise<number> {
    const wave: Wave = {};
    let drives = this.drives.get(campaign.campaignId);
    if (!drives) this.drives.set(campaign.campaignId, (drives = new Set()));
    const barrier = (campaign.inputs as unknown as CampaignInputs).canary?.size > 0;
    const endsAt = Date.now() + WAVE_MS;
    let claimedTotal = 0;
    for (;;) {
      // As many drives as the concurrency hold as many live leases: a claim could take none.
      const claimed =
        drives.size >= campaign.concurrency
          ? []
          : await this.campaigns.claimDue(campaign.campaignId, this.owner, LEASE_SECONDS);
      claimedTotal += claimed.length;
      for (const target of claimed) {
        const drive: Promise<void> = this.drive(campaign, target, wave)
          .catch((error: unknown) =>
            this.logger.pino.error(
              { err: error, campaignId: campaign.campaignId, authorizerAppid: target.authorizerAppid },
              'campaign drive failed',
            ),
          )
          .finally(() => drives.delete(drive));
        drives.add(drive);
      }
      if (drives.size === 0 || this.stopped || Date.now() >= endsAt) break;
      await Promise.race([...drives, new Promise((resolve) => setTimeout(resolve, CLAIM_RECHECK_MS))]);
    }
    if (barrier || this.stopped) await Promise.all(drives);
    return claimedTotal;
  }

  /** Pauses on the rejection threshold, finishes when no target can move. */
  private async checkCampaign(campaign: CampaignRecord): Promise<void> {
    const counts = stateCounts(await this.campaigns.countsByState(campaign.campaignId));
    for (const [state, count] of Object.entries(counts))
      this.targetsGauge.set({ campaign_id: campaign.campaignId, state }, count);
    const inputs = campaign.inputs as unknown as CampaignInputs;
    const tally = {
      submitted: COUNTED_AS_SUBMITTED.reduce((n, s) => n + counts[s], 0),
      approved: counts.approved + counts.releasing + counts.gray + counts.released + counts.reverted,
      rejected: counts.rejected,
    };
    const canary = canaryDecision(inputs.canary, tally);
    const pauseReason =
      canary.kind === 'stop'
        ? 'canary_rejections'
        : shouldAutoPause(inputs.autoPause, tally)
          ? 'rejection_threshold'
          : null;
    if (pauseReason) {
      await this.campaigns.setStatus(campaign.campaignId, ['running'], 'paused', pauseReason, [
        campaignEvent(
          DomainEventTypes.ReleaseCampaignPaused,
          campaign.componentAppid,
          campaign.campaignId,
          {
            campaignId: campaign.campaignId,
            templateId: campaign.templateId,
            targets: campaign.targetCount,
            counts,
            reason: pauseReason,
          },
          pauseDiscriminator(pauseReason, tally.rejected, campaign.generation),
        ),
      ]);
      return;
    }
    if (isCampaignFinished(counts)) {
      await this.campaigns.setStatus(
        campaign.campaignId,
        ['running'],
        'finished',
        null,
        [
          campaignEvent(
            DomainEventTypes.ReleaseCampaignFinished,
            campaign.componentAppid,
            campaign.campaignId,
            { campaignId: campaign.campaignId, counts: finalCounts(counts) },
            finishedDiscriminator(campaign.generation),
          ),
          // Only at the generation the counts were read under: a retry committed since then left
          // pending targets that must not end up in a finished campaign.
        ],
        campaign.generation,
      );
    }
  }

  /** Runs one target's steps while it holds the lease, until it must wait for something. */
  private async drive(campaign: CampaignRecord, claimed: ClaimedTarget, wave: Wave): Promise<void> {
    const carried: Carried = {};
    try {
      await this.steps(campaign, claimed, wave, carried);
    } finally {
      await this.dropSubmitClaim(campaign, wave, carried);
      await carried.settling;
    }
  }

  private async steps(
    campaign: CampaignRecord,
    claimed: ClaimedTarget,
    wave: Wave,
    carried: Carried,
  ): Promise<void> {
    let target = claimed;
    for (let steps = 0; steps < 12 && !this.stopped; steps++) {
      let next: Step | null;
      try {
        next = await this.step(campaign, target, wave, carried);
      } catch (error) {
        const errcode = errcodeOf(error);
        const transient = !(error instanceof CodeReleaseError) || error.transient;
        this.logger.pino.warn(
          {
            campaignId: campaign.campaignId,
            authorizerAppid: target.authorizerAppid,
            state: target.state,
            errcode,
            err: error,
          },
          'campaign step failed',
        );
        if (transient) {
          await this.campaigns.releaseLease(this.owner, target, RETRY_SECONDS);
        } else {
          await this.campaigns.transition(this.owner, target, target.state, {
            state: S.Failed,
            step: target.state,
            errcode: errcode ?? null,
            message: (error as Error).message,
          });
        }
        return;
      }
      if (!next) return;
      const change = next.change.keepLease ? { ...next.change, leaseSeconds: LEASE_SECONDS } : next.change;
      // The submit's claim runs beside the write of `submitting` (the submit waits for both), and a
      // submit's settlement beside the write of its outcome: two round trips fewer under the lease.
      if (change.state === S.Submitting && change.keepLease)
        carried.submitClaim = this.claimSubmit(campaign, target, wave);
      const settling = carried.settling;
      carried.settling = undefined;
      const [ok] = await Promise.all([
        this.campaigns.transition(this.owner, target, next.from, change, next.events ?? []),
        settling,
      ]);
      if (!ok || !next.change.keepLease) return;
      target = {
        ...target,
        state: next.change.state,
        mustReconcile: false,
        auditId: next.change.auditId ?? target.auditId,
      };
    }
    await this.campaigns.releaseLease(this.owner, target);
  }

  private ids(campaign: CampaignRecord, target: ClaimedTarget) {
    return { componentAppid: campaign.componentAppid, authorizerAppid: target.authorizerAppid };
  }

  private ref(campaign: CampaignRecord, target: ClaimedTarget) {
    return {
      componentAppid: campaign.componentAppid,
      campaignId: campaign.campaignId,
      authorizerAppid: target.authorizerAppid,
      attempt: target.attempt,
    };
  }

  /** What WeChat holds for this mini program (getversioninfo + get_latest_auditstatus). */
  private async view(campaign: CampaignRecord, target: ClaimedTarget): Promise<WechatVersionView> {
    return this.wechat.asAuthorizer(this.ids(campaign, target), (token) => this.viewWith(token));
  }

  private async viewWith(token: string): Promise<WechatVersionView> {
    // Both are reads: asked side by side, one WeChat round trip instead of two.
    const [info, latest] = await Promise.all([
      this.counted('getversioninfo', this.code.getVersionInfo(token)),
      this.counted('get_latest_auditstatus', this.code.getLatestAuditStatus(token)).catch(
        (error: unknown) => {
          if (errcodeOf(error) === 85058 || (error as { errcode?: number }).errcode === 85058) return null;
          throw error;
        },
      ),
    ]);
    return {
      trialVersion: info.expInfo?.expVersion ?? null,
      onlineVersion: info.releaseInfo?.releaseVersion ?? null,
      latestAudit: latest
        ? {
            auditId: latest.auditId,
            status: latest.status,
            userVersion: latest.userVersion ?? null,
            reason: latest.reason,
            screenshots: latest.screenshots,
          }
        : null,
    };
  }

  private async reconciled(campaign: CampaignRecord, target: ClaimedTarget) {
    const found = reconcile(target.state, campaign.userVersion, await this.view(campaign, target));
    this.logger.pino.info(
      {
        campaignId: campaign.campaignId,
        authorizerAppid: target.authorizerAppid,
        state: target.state,
        found,
      },
      'campaign target reconciled',
    );
    if (found.kind === 'repeat') return null;
    const events = [];
    if (found.state === S.InAudit && found.auditId !== undefined) {
      events.push(
        targetEvent(
          DomainEventTypes.ReleaseAuditSubmitted,
          this.ref(campaign, target),
          { campaignId: campaign.campaignId, auditId: found.auditId },
          String(found.auditId),
        ),
      );
    }
    const inputs = campaign.inputs as unknown as CampaignInputs;
    return {
      from: target.state,
      change: {
        state: found.state,
        auditId: found.auditId,
        reason: found.reason ?? null,
        screenshots: found.screenshots ?? null,
        keepLease: found.state !== S.InAudit,
        dueInSeconds: found.state === S.InAudit ? auditDueSeconds(inputs) : 0,
      },
      events,
    };
  }

  /** One step; null when the target waits (its lease is given back with a due time). */
  private async step(
    campaign: CampaignRecord,
    target: ClaimedTarget,
    wave: Wave,
    carried: Carried,
  ): Promise<Step | null> {
    const inputs = campaign.inputs as unknown as CampaignInputs;
    const ids = this.ids(campaign, target);
    const ref = this.ref(campaign, target);
    const from = target.state;
    if (target.mustReconcile) {
      const found = await this.reconciled(campaign, target);
      if (found) return found;
    }
    const outcome = (
      decided: StepOutcome,
      onAdvance: (to: TargetState) => { change: TargetChange; events?: ReturnType<typeof targetEvent>[] },
      errcode: number,
      message: string,
    ) => {
      switch (decided.kind) {
        case 'advance':
          return { from, ...onAdvance(decided.to) };
        case 'wait':
          return {
            from,
            change: {
              state: decided.to,
              reason: decided.reason,
              dueInSeconds:
                decided.to === S.WaitingQuota
                  ? QUOTA_RETRY_SECONDS
                  : decided.to === S.WaitingPrivacyScan
                    ? PRIVACY_SCAN_RETRY_SECONDS
                    : RETRY_SECONDS,
            },
          };
        case 'fail':
          return { from, change: { state: S.Failed, step: from, errcode, message, reason: decided.reason } };
        case 'reconcile':
          return null;
      }
    };
    switch (from) {
      case S.Pending:
      case S.Preflight: {
        // Run from pending, `preflight` never written: the step reads, and sets only what is
        // missing, so after a crash it is repeated from pending as it would be from preflight.
        // get_category is a read the submit's default item needs too: asked once, beside the view.
        // One token for the three reads: asked apart, a drive's first calls each asked the token service.
        const [view, category] = await this.wechat.asAuthorizer(ids, (token) =>
          Promise.all([this.viewWith(token), this.counted('get_category', this.code.getCategory(token))]),
        );
        if (view.onlineVersion === campaign.userVersion)
          return { from, change: { state: S.Skipped, reason: 'already_at_version' } };
        const refused = await this.preflight.run(
          { ...ids, campaignId: campaign.campaignId },
          inputs.preflight,
        );
        if (refused)
          return {
            from,
            change: {
              state: S.Failed,
              step: S.Preflight,
              errcode: refused.errcode ?? null,
              reason: refused.reason,
              message: refused.message,
            },
          };
        if (category.categories.length === 0)
          return {
            from,
            change: {
              state: S.Failed,
              step: S.Preflight,
              errcode: 85008,
              reason: 'no_category',
              message: 'no category is configured on the mini program',
            },
          };
        carried.category = category;
        return { from, change: { state: S.Committing, keepLease: true } };
      }
      case S.Committing: {
        let extJson: Record<string, unknown>;
        try {
          extJson = renderExtJson(inputs.extJson, {
            authorizerAppid: target.authorizerAppid,
            bizRef: target.bizRef,
            nickName: target.nickName,
            values: target.variables ?? undefined,
          });
        } catch (error) {
          if (!(error instanceof ExtJsonTemplateError)) throw error;
          return {
            from,
            change: {
              state: S.Failed,
              step: from,
              reason: 'ext_json_variables_missing',
              message: error.message,
            },
          };
        }
        const errcode = await this.errcodeOf(() =>
          this.wechat.asAuthorizer(ids, (token) =>
            this.counted(
              'commit',
              this.code.commit(token, {
                templateId: campaign.templateId,
                extJson,
                userVersion: campaign.userVersion,
                userDesc: campaign.userDesc,
              }),
            ),
          ),
        );
        const decided = commitOutcome(errcode.code);
        if (decided.kind !== 'advance')
          return (
            outcome(decided, (to) => ({ change: { state: to } }), errcode.code, errcode.message) ??
            (await this.reconciled(campaign, { ...target, mustReconcile: true }))
          );
        // The privacy scan is asked in the same step, `waiting_privacy_scan` written only when it
        // must wait: committing → submitting is one write. A crash before it finds the trial
        // version ours and resumes at the scan (reconcile.util), so no commit is lost or repeated.
        let scanned: TargetChange;
        try {
          scanned = await this.privacyScan(campaign, target, carried);
        } catch (error) {
          this.logger.pino.warn(
            { campaignId: campaign.campaignId, authorizerAppid: target.authorizerAppid, err: error },
            'privacy scan read failed after the commit',
          );
          scanned = { state: S.WaitingPrivacyScan, reason: null, dueInSeconds: RETRY_SECONDS };
        }
        return {
          from,
          change: scanned,
          events: [
            targetEvent(DomainEventTypes.ReleaseCommitted, ref, {
              campaignId: campaign.campaignId,
              templateId: campaign.templateId,
              userVersion: campaign.userVersion,
            }),
          ],
        };
      }
      case S.WaitingPrivacyScan:
        return { from, change: await this.privacyScan(campaign, target, carried) };
      case S.Submitting:
      case S.WaitingQuota: {
        const taken = await (carried.submitClaim ?? this.claimSubmit(campaign, target, wave));
        carried.submitClaim = undefined;
        if (taken.error !== undefined) throw taken.error;
        const claim = taken.claim;
        if (!claim?.granted) {
          const reason = claim?.granted === false ? claim.waitReason : (wave.waitReason ?? 'quota_reserve');
          return from === S.WaitingQuota && target.auditId === null
            ? (await this.campaigns.releaseLease(this.owner, target, QUOTA_RETRY_SECONDS), null)
            : { from, change: { state: S.WaitingQuota, reason, dueInSeconds: QUOTA_RETRY_SECONDS } };
        }
        let auditId = 0;
        const errcode = await this.settled(campaign.componentAppid, carried, () =>
          this.errcodeOf(async () => {
            auditId = (
              await this.wechat.asAuthorizer(ids, async (token) =>
                this.counted(
                  'submit_audit',
                  this.code.submitAudit(
                    token,
                    await submitInput(inputs.submit, () =>
                      defaultAuditItems(
                        {
                          // What this drive read at the preflight and after the commit, else asked now.
                          getCategory: (t) =>
                            carried.category
                              ? Promise.resolve(carried.category)
                              : this.counted('get_category', this.code.getCategory(t)),
                          getPage: (t) =>
                            carried.page
                              ? Promise.resolve(carried.page)
                              : this.counted('get_page', this.code.getPage(t)),
                        },
                        token,
                      ),
                    ),
                  ),
                ),
              )
            ).auditId;
          }),
        );
        return (
          outcome(
            submitOutcome(errcode.code),
            (to) => ({
              change: { state: to, auditId, reason: null, dueInSeconds: auditDueSeconds(inputs) },
              events: [
                targetEvent(
                  DomainEventTypes.ReleaseAuditSubmitted,
                  ref,
                  { campaignId: campaign.campaignId, auditId },
                  String(auditId),
                ),
              ],
            }),
            errcode.code,
            errcode.message,
          ) ?? (await this.reconciled(campaign, { ...target, mustReconcile: true }))
        );
      }
      case S.InAudit:
      case S.Delayed: {
        // No push within pollAfterSeconds: ask WeChat (the fallback of §5.3).
        if (target.auditId === null) return this.reconciled(campaign, { ...target, mustReconcile: true });
        // The speedup policy's turn first; then poll only once pollAfterSeconds have passed.
        const notYet = await this.releaseSteps.speedupByPolicy(campaign, target, this.owner);
        if (notYet > 0) return (await this.campaigns.releaseLease(this.owner, target, notYet), null);
        const auditId = target.auditId;
        const status = await this.wechat.asAuthorizer(ids, (token) =>
          this.counted('get_auditstatus', this.code.getAuditStatus(token, { auditId })),
        );
        return this.auditResult(campaign, target, status.status, status.reason, status.screenshots);
      }
      case S.Approved: {
        if (heldForApproval(inputs.releaseMode, target)) {
          await this.operations.holdForApproval(this.owner, target, APPROVAL_RECHECK_SECONDS);
          return null;
        }
        const now = new Date();
        if (!inReleaseWindow(now, inputs.releaseWindow)) {
          const wait = Math.ceil(
            (nextWindowOpening(now, inputs.releaseWindow).getTime() - now.getTime()) / 1000,
          );
          await this.campaigns.releaseLease(this.owner, target, wait);
          return null;
        }
        return { from, change: { state: S.Releasing, keepLease: true } };
      }
      case S.Releasing: {
        if (inputs.releaseMode === 'gray' && inputs.gray)
          return this.releaseSteps.grayMove(campaign, target, nextGrayMove(inputs.gray, null), WORKER_ACTOR);
        const errcode = await this.errcodeOf(() =>
          this.wechat.asAuthorizer(ids, (token) => this.counted('release', this.code.release(token))),
        );
        return (
          outcome(
            releaseOutcome(errcode.code),
            (to) => ({
              change: { state: to },
              events: [
                targetEvent(DomainEventTypes.ReleaseReleased, ref, {
                  campaignId: campaign.campaignId,
                  userVersion: campaign.userVersion,
                }),
              ],
            }),
            errcode.code,
            errcode.message,
          ) ?? (await this.reconciled(campaign, { ...target, mustReconcile: true }))
        );
      }
      case S.Gray: {
        // Due when the step's wait is over; a step without a wait waits for gray.advance.
        const auto =
          inputs.gray && target.grayStep !== null ? autoAdvance(inputs.gray, target.grayStep) : null;
        if (!auto || !auto.advance) {
          await this.campaigns.releaseLease(this.owner, target, auto?.recheckSeconds ?? 3600);
          return null;
        }
        return this.releaseSteps.grayMove(
          campaign,
          target,
          nextGrayMove(inputs.gray!, target.grayStep),
          WORKER_ACTOR,
        );
      }
      default:
        await this.campaigns.releaseLease(this.owner, target, 3600);
        return null;
    }
  }

  /**
   * The privacy scan after a commit (get_code_privacy_info): the change it makes from committing
   * or waiting_privacy_scan. When the submit will build its default item, the page is read beside
   * it and carried to the submit (both read the committed code).
   */
  private async privacyScan(
    campaign: CampaignRecord,
    target: ClaimedTarget,
    carried: Carried,
  ): Promise<TargetChange> {
    const inputs = campaign.inputs as unknown as CampaignInputs;
    const ids = this.ids(campaign, target);
    let undeclared: string[] = [];
    const [errcode] = await Promise.all([
      this.errcodeOf(async () => {
        undeclared = (
          await this.wechat.asAuthorizer(ids, (token) =>
            this.counted('get_code_privacy_info', this.code.getCodePrivacyInfo(token)),
          )
        ).withoutConfList;
      }),
      inputs.submit.itemList || carried.page
        ? undefined
        : this.wechat
            .asAuthorizer(ids, (token) => this.counted('get_page', this.code.getPage(token)))
            .then((page) => void (carried.page = page))
            // The submit reads it again: a failed read here changes nothing.
            .catch(() => undefined),
    ]);
    if (errcode.code === 61039)
      return {
        state: S.WaitingPrivacyScan,
        reason: 'privacy_scan_running',
        dueInSeconds: PRIVACY_SCAN_RETRY_SECONDS,
      };
    if (errcode.code !== 0)
      return {
        state: S.Failed,
        step: S.WaitingPrivacyScan,
        errcode: errcode.code,
        message: errcode.message,
        reason: 'privacy_scan_failed',
      };
    // The scan found geo APIs the privacy settings do not declare: submit would answer 61040.
    if (undeclared.length > 0)
      return {
        state: S.Failed,
        step: S.WaitingPrivacyScan,
        errcode: 61040,
        reason: 'privacy_api_undeclared',
        message: `privacy settings do not declare ${undeclared.join(', ')} (set them in preflight.privacy)`,
      };
    return { state: S.Submitting, keepLease: true };
  }

  /** The canary's say for this wave (the quota is claimed per submit from the platform-wide row). */
  private async readWave(campaign: CampaignRecord, wave: Wave): Promise<void> {
    const inputs = campaign.inputs as unknown as CampaignInputs;
    const tally = stateCounts(await this.campaigns.countsByState(campaign.campaignId));
    const submitted = COUNTED_AS_SUBMITTED.reduce((n, s) => n + tally[s], 0);
    wave.canary = canaryDecision(inputs.canary, {
      submitted,
      approved: tally.approved + tally.releasing + tally.gray + tally.released + tally.reverted,
      rejected: tally.rejected,
    });
    wave.allowance =
      wave.canary.kind === 'hold'
        ? wave.canary.submitMore
        : wave.canary.kind === 'stop'
          ? 0
          : Number.MAX_SAFE_INTEGER;
    wave.waitReason = wave.canary.kind !== 'open' ? 'canary' : undefined;
  }

  /**
   * The canary's allowance and the platform quota for one submit of the wave (ADR 0023); never
   * rejects (a failure is answered, and thrown by the submit step that takes it).
   */
  private async claimSubmit(
    campaign: CampaignRecord,
    target: ClaimedTarget,
    wave: Wave,
  ): Promise<SubmitClaim> {
    try {
      // The canary's say once per wave; the quota per submit, from the platform-wide row.
      wave.reading ??= this.readWave(campaign, wave);
      await wave.reading;
    } catch (error) {
      return { error };
    }
    // The wave's allowance is taken before the quota claim's await, not after: targets of the wave
    // submitting side by side would all pass the check first (the canary let 6 of 8 through).
    if (wave.allowance === undefined || wave.allowance <= 0) return { claim: null };
    wave.allowance -= 1;
    try {
      const claim = await this.quota.claim(campaign.componentAppid, campaign.quotaReserve, () =>
        this.wechat.asAuthorizer(this.ids(campaign, target), (token) =>
          this.counted('queryquota', this.code.queryQuota(token)),
        ),
      );
      if (!claim.granted) wave.allowance += 1;
      return { claim };
    } catch (error) {
      wave.allowance += 1;
      return { error };
    }
  }

  /** Gives back a claim the drive did not submit with (its `submitting` write was refused, or it stopped). */
  private async dropSubmitClaim(campaign: CampaignRecord, wave: Wave, carried: Carried): Promise<void> {
    const taken = carried.submitClaim;
    carried.submitClaim = undefined;
    if (!(await taken)?.claim?.granted) return;
    wave.allowance! += 1;
    await this.quota
      .settle(campaign.componentAppid, 'refunded')
      .catch((error: unknown) =>
        this.logger.pino.error({ err: error, campaignId: campaign.campaignId }, 'quota refund not written'),
      );
  }

  /**
   * Runs a claimed submit; the platform quota row is given its outcome (a refused submit refunds)
   * beside the target's next write, which the drive awaits with it.
   */
  private async settled(
    componentAppid: string,
    carried: Carried,
    submit: () => Promise<{ code: number; message: string }>,
  ): Promise<{ code: number; message: string }> {
    let answer: { code: number; message: string } | undefined;
    try {
      answer = await submit();
      return answer;
    } finally {
      carried.settling = this.quota
        .settle(componentAppid, settlementOf(answer?.code))
        .catch((error: unknown) =>
          this.logger.pino.error({ err: error, componentAppid }, 'quota settlement not written'),
        );
    }
  }

  /** The change an audit status makes (poll); the push consumer makes the same through applyAuditResult. */
  auditResult(
    campaign: CampaignRecord,
    target: ClaimedTarget,
    status: number,
    reason: string | undefined,
    screenshots: string[],
  ) {
    const inputs = campaign.inputs as unknown as CampaignInputs;
    const ref = this.ref(campaign, target);
    const auditId = target.auditId ?? 0;
    const from = target.state;
    switch (status) {
      case 0:
        return {
          from,
          change: { state: S.Approved, keepLease: true },
          events: [
            targetEvent(
              DomainEventTypes.ReleaseAuditSucceeded,
              ref,
              { campaignId: campaign.campaignId, auditId, succeededAt: new Date().toISOString() },
              String(auditId),
            ),
          ],
        };
      case 1:
        return {
          from,
          change: { state: S.Rejected, reason: reason ?? '', screenshots },
          events: [
            targetEvent(
              DomainEventTypes.ReleaseAuditFailed,
              ref,
              { campaignId: campaign.campaignId, auditId, reason: reason ?? '', screenshots },
              String(auditId),
            ),
          ],
        };
      case 4:
        return {
          from,
          change: { state: S.Delayed, reason: reason ?? '', dueInSeconds: inputs.pollAfterSeconds },
          events:
            from === S.Delayed
              ? []
              : [
                  targetEvent(
                    DomainEventTypes.ReleaseAuditDelayed,
                    ref,
                    { campaignId: campaign.campaignId, auditId, reason: reason ?? '' },
                    String(auditId),
                  ),
                ],
        };
      case 3:
        return {
          from,
          change: {
            state: S.Failed,
            step: from,
            reason: 'audit_withdrawn',
            message: 'the audit was withdrawn outside the campaign',
          },
        };
      default:
        return { from, change: { state: from, dueInSeconds: inputs.pollAfterSeconds } };
    }
  }

  /** Runs a WeChat call and answers its errcode (0 on success); anything that is not a WeChat answer is thrown. */
  private async errcodeOf(call: () => Promise<unknown>): Promise<{ code: number; message: string }> {
    try {
      await call();
      return { code: 0, message: 'ok' };
    } catch (error) {
      const errcode = errcodeOf(error);
      if (errcode === undefined) throw error;
      return { code: errcode, message: (error as Error).message };
    }
  }
}
