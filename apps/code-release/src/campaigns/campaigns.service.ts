import { Injectable } from '@nestjs/common';
import {
  CodeReleaseRpcErrorCodes,
  DomainEventTypes,
  type CampaignListSort,
  type CampaignSummary,
  type CampaignTargetPage,
  type RetryCampaignTargetsReply,
} from '@wxop/contracts';
import { randomUUID } from 'node:crypto';

import { CodeReleaseError } from '../shared/code-release.errors';
import { campaignEvent } from './campaign-events.util';
import {
  CampaignRepository,
  type CampaignRecord,
  type CampaignStatus,
  type NewTarget,
} from './campaign.repository';
import { templateVariables, variablesWithoutValue } from './ext-json-template.util';
import { PreflightSteps } from './preflight.steps';
import { TargetFilterService } from './target-filter.service';
import { TargetValuesError, withValues } from './target-filter.util';
import type { ParsedCreateCampaign } from './campaign-request.util';
import type { CampaignInputs } from './campaign-worker.service';
import { PlatformQuotaRepository } from './platform-quota.repository';
import { campaignProgress, campaignQuota, stateCounts } from './progress.util';
import type { TargetState } from './target-state';

/** Creating campaigns and the operator's operations on them; the worker moves the targets. */
@Injectable()
export class CampaignsService {
  constructor(
    private readonly campaigns: CampaignRepository,
    private readonly targetFilter: TargetFilterService,
    private readonly preflight: PreflightSteps,
    private readonly quota: PlatformQuotaRepository,
  ) {}

  /**
   * Freezes the targets (explicit, or the filter resolved over the authorizer service now), checks
   * the platform's domain lists the preflight needs, and stores the campaign with its started event.
   */
  async create(parsed: ParsedCreateCampaign): Promise<CampaignSummary> {
    const campaignId = randomUUID();
    const resolved = parsed.targetFilter
      ? await this.targetFilter.resolve(parsed.componentAppid, parsed.targetFilter)
      : parsed.targets;
    let targets: NewTarget[];
    try {
      targets = withValues(resolved, parsed.values);
    } catch (error) {
      if (error instanceof TargetValuesError) throw CodeReleaseError.invalid(error.message);
      throw error;
    }
    if (!parsed.targetFilter)
      targets = await this.withProfiles(parsed.componentAppid, targets, parsed.inputs.extJson);
    refuseUnsetVariables(parsed.inputs.extJson, targets, parsed.targetFilter !== undefined);
    if (parsed.inputs.preflight)
      await this.preflight.checkPlatform(parsed.componentAppid, parsed.inputs.preflight);
    const request = { ...parsed, targets };
    const counts = { pending: request.targets.length };
    await this.campaigns.create(
      {
        campaignId,
        componentAppid: request.componentAppid,
        templateId: request.templateId,
        userVersion: request.userVersion,
        userDesc: request.userDesc,
        inputs: request.inputs as unknown as Record<string, unknown>,
        concurrency: request.concurrency,
        quotaReserve: request.quotaReserve,
        createdBy: request.requestedBy,
      },
      request.targets,
      [
        campaignEvent(DomainEventTypes.ReleaseCampaignStarted, request.componentAppid, campaignId, {
          campaignId,
          templateId: request.templateId,
          targets: request.targets.length,
          counts,
        }),
      ],
    );
    return this.get(campaignId);
  }

  async get(campaignId: string): Promise<CampaignSummary> {
    const campaign = await this.campaigns.find(campaignId);
    if (!campaign)
      throw new CodeReleaseError(CodeReleaseRpcErrorCodes.CampaignNotFound, `no campaign ${campaignId}`);
    return this.summary(campaign);
  }

  async pause(campaignId: string, by: string): Promise<CampaignSummary> {
    const campaign = await this.require(campaignId);
    const counts = stateCounts(await this.campaigns.countsByState(campaignId));
    await this.campaigns.setStatus(campaignId, ['running'], 'paused', `operator:${by}`, [
      campaignEvent(
        DomainEventTypes.ReleaseCampaignPaused,
        campaign.componentAppid,
        campaignId,
        {
          campaignId,
          templateId: campaign.templateId,
          targets: campaign.targetCount,
          counts,
          reason: 'operator',
        },
        randomUUID(),
      ),
    ]);
    return this.get(campaignId);
  }

  async resume(campaignId: string): Promise<CampaignSummary> {
    await this.require(campaignId);
    await this.campaigns.setStatus(campaignId, ['paused'], 'running', null);
    return this.get(campaignId);
  }

  async cancel(campaignId: string, by: string): Promise<CampaignSummary> {
    await this.require(campaignId);
    await this.campaigns.setStatus(campaignId, ['running', 'paused'], 'cancelled', `operator:${by}`);
    return this.get(campaignId);
  }

  async list(filter: {
    componentAppid?: string;
    status?: CampaignStatus;
    limit: number;
    offset: number;
    sort?: CampaignListSort;
    order?: 'asc' | 'desc';
  }): Promise<CampaignSummary[]> {
    const campaigns = await this.campaigns.list(filter);
    // One quota read per component for the page, not one per campaign.
    const readings = new Map<string, ReturnType<PlatformQuotaRepository['reading']>>();
    return Promise.all(campaigns.map((campaign) => this.summary(campaign, readings)));
  }

  async listTargets(
    campaignId: string,
    filter: { state?: TargetState; afterOrdinal: number; limit: number },
  ): Promise<CampaignTargetPage> {
    await this.require(campaignId);
    // One more than asked tells whether a next page exists.
    const rows = await this.campaigns.listTargets(campaignId, { ...filter, limit: filter.limit + 1 });
    const page = rows.slice(0, filter.limit);
    return {
      targets: page.map((row) => ({ ...row, updatedAt: row.updatedAt.toISOString() })),
      nextAfterOrdinal: rows.length > filter.limit ? (page[page.length - 1]?.ordinal ?? null) : null,
    };
  }

  /** Failed targets (all, or the chosen ones) start again from pending; a finished campaign runs again. */
  async retry(
    campaignId: string,
    authorizerAppids: string[] | undefined,
  ): Promise<RetryCampaignTargetsReply> {
    const campaign = await this.require(campaignId);
    if (campaign.status === 'cancelled')
      throw CodeReleaseError.invalid(`campaign ${campaignId} is cancelled; its targets cannot be retried`);
    const retried = await this.campaigns.retryFailed(campaignId, authorizerAppids);
    return { retried, campaign: await this.get(campaignId) };
  }

  /**
   * Explicit targets whose ext_json needs a bizRef or nick name the operator did not give get the
   * authorizer service's, frozen with the campaign as a filter's targets are; asked only for those.
   */
  private async withProfiles(
    componentAppid: string,
    targets: NewTarget[],
    extJson: unknown,
  ): Promise<NewTarget[]> {
    const used = new Set(templateVariables(extJson));
    const lacks = (target: NewTarget, name: 'bizRef' | 'nickName') =>
      used.has(name) && target[name] === null && target.variables?.[name] === undefined;
    const lacking = targets.filter((target) => lacks(target, 'bizRef') || lacks(target, 'nickName'));
    if (lacking.length === 0) return targets;
    const profiles = await this.targetFilter.profiles(
      componentAppid,
      lacking.map((target) => target.authorizerAppid),
    );
    // Only the field the target lacks: a value the operator gave (per target or in `values`) stays.
    return targets.map((target) => {
      const profile = profiles.get(target.authorizerAppid);
      if (!profile) return target;
      return {
        ...target,
        bizRef: lacks(target, 'bizRef') ? profile.bizRef : target.bizRef,
        nickName: lacks(target, 'nickName') ? profile.nickName : target.nickName,
      };
    });
  }

  private async require(campaignId: string): Promise<CampaignRecord> {
    const campaign = await this.campaigns.find(campaignId);
    if (!campaign)
      throw new CodeReleaseError(CodeReleaseRpcErrorCodes.CampaignNotFound, `no campaign ${campaignId}`);
    return campaign;
  }

  private async summary(
    campaign: CampaignRecord,
    readings = new Map<string, ReturnType<PlatformQuotaRepository['reading']>>(),
  ): Promise<CampaignSummary> {
    if (!readings.has(campaign.componentAppid))
      readings.set(campaign.componentAppid, this.quota.reading(campaign.componentAppid));
    const [stateRows, reading] = await Promise.all([
      this.campaigns.countsByState(campaign.campaignId),
      readings.get(campaign.componentAppid)!,
    ]);
    const counts = stateCounts(stateRows);
    // Frozen at creation; a campaign stored before release modes has none (on_approval, as it runs).
    const inputs = campaign.inputs as Partial<CampaignInputs>;
    return {
      campaignId: campaign.campaignId,
      componentAppid: campaign.componentAppid,
      templateId: campaign.templateId,
      userVersion: campaign.userVersion,
      status: campaign.status,
      pauseReason: campaign.pauseReason,
      targets: campaign.targetCount,
      counts,
      progress: campaignProgress(counts, campaign.startedAt, new Date()),
      quota: campaignQuota(reading, campaign.quotaReserve),
      createdAt: campaign.createdAt.toISOString(),
      finishedAt: campaign.finishedAt ? campaign.finishedAt.toISOString() : null,
      userDesc: campaign.userDesc,
      createdBy: campaign.createdBy,
      releaseMode: inputs.releaseMode ?? 'on_approval',
      gray: inputs.releaseMode === 'gray' && inputs.gray ? inputs.gray : null,
      releaseWindow: inputs.releaseWindow ?? null,
      concurrency: campaign.concurrency,
      quotaReserve: campaign.quotaReserve,
    };
  }
}

/** INVALID_REQUEST naming each ext_json variable some targets have no value for (none: nothing). */
function refuseUnsetVariables(extJson: unknown, targets: NewTarget[], byFilter: boolean): void {
  const unset = variablesWithoutValue(
    extJson,
    targets.map((target) => ({ ...target, values: target.variables ?? undefined })),
  );
  if (unset.length === 0) return;
  const which = unset
    .map((v) => {
      const more = v.targets > v.examples.length ? ', …' : '';
      return `{{${v.name}}}, which ${v.targets} target(s) have no value for (${v.examples.join(', ')}${more})`;
    })
    .join('; ');
  const profileUnset = unset.some((v) => v.name === 'bizRef' || v.name === 'nickName');
  throw CodeReleaseError.invalid(
    byFilter
      ? `extJson uses ${which}: the authorizer service has no such value for them; give it in values for those appids, or choose the targets with a bizRefs list that leaves them out`
      : `extJson uses ${which}: give it per target (bizRef, nickName, values) or in values${
          profileUnset ? ' (the authorizer service holds no bizRef or nickName for them either)' : ''
        }`,
  );
}
