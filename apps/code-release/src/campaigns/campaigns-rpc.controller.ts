import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { WechatComponentConfig } from '@wxop/config';
import {
  CampaignRpcPatterns,
  type CampaignSummary,
  type CampaignTargetPage,
  type RetryCampaignTargetsReply,
} from '@wxop/contracts';

import { rpc } from '../shared/rpc.util';
import {
  parseCampaignRef,
  parseCreateCampaign,
  parseListCampaigns,
  parseListTargets,
  parseRetry,
} from './campaign-request.util';
import { CampaignOperationsService } from './campaign-operations.service';
import { CampaignsService } from './campaigns.service';

/** Release campaigns (CampaignRpcPatterns), for admin-api. */
@Controller()
export class CampaignsRpcController {
  constructor(
    private readonly campaigns: CampaignsService,
    private readonly component: WechatComponentConfig,
    private readonly operations: CampaignOperationsService,
  ) {}

  @MessagePattern(CampaignRpcPatterns.Create)
  create(@Payload() request: unknown): Promise<CampaignSummary> {
    return rpc(() =>
      this.campaigns.create(parseCreateCampaign(request, this.component.WECHAT_COMPONENT_APPID)),
    );
  }

  @MessagePattern(CampaignRpcPatterns.Get)
  get(@Payload() request: unknown): Promise<CampaignSummary> {
    return rpc(() => {
      const { campaignId, reader } = parseCampaignRef(request);
      reader.done();
      return this.campaigns.get(campaignId);
    });
  }

  @MessagePattern(CampaignRpcPatterns.Pause)
  pause(@Payload() request: unknown): Promise<CampaignSummary> {
    return rpc(() => {
      const { campaignId, reader } = parseCampaignRef(request, ['requestedBy']);
      const by = reader.string('requestedBy', 128, { min: 1 });
      reader.done();
      return this.campaigns.pause(campaignId, by);
    });
  }

  @MessagePattern(CampaignRpcPatterns.Resume)
  resume(@Payload() request: unknown): Promise<CampaignSummary> {
    return rpc(() => {
      const { campaignId, reader } = parseCampaignRef(request, ['requestedBy']);
      reader.string('requestedBy', 128, { min: 1 });
      reader.done();
      return this.campaigns.resume(campaignId);
    });
  }

  @MessagePattern(CampaignRpcPatterns.Cancel)
  cancel(@Payload() request: unknown): Promise<CampaignSummary> {
    return rpc(() => {
      const { campaignId, reader } = parseCampaignRef(request, ['requestedBy', 'undoAudits']);
      const by = reader.string('requestedBy', 128, { min: 1 });
      const undoAudits = reader.optionalBoolean('undoAudits') ?? false;
      reader.done();
      return undoAudits
        ? this.operations.cancel(campaignId, by, true)
        : this.campaigns.cancel(campaignId, by);
    });
  }

  @MessagePattern(CampaignRpcPatterns.List)
  list(@Payload() request: unknown): Promise<CampaignSummary[]> {
    return rpc(() => this.campaigns.list(parseListCampaigns(request)));
  }

  @MessagePattern(CampaignRpcPatterns.ListTargets)
  listTargets(@Payload() request: unknown): Promise<CampaignTargetPage> {
    return rpc(() => {
      const { campaignId, ...filter } = parseListTargets(request);
      return this.campaigns.listTargets(campaignId, filter);
    });
  }

  @MessagePattern(CampaignRpcPatterns.Retry)
  retry(@Payload() request: unknown): Promise<RetryCampaignTargetsReply> {
    return rpc(() => {
      const { campaignId, authorizerAppids } = parseRetry(request);
      return this.campaigns.retry(campaignId, authorizerAppids);
    });
  }
}
