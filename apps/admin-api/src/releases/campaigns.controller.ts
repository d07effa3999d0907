import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  CampaignRpcPatterns,
  CampaignSummaryRpcPatterns,
  type CampaignCountsReply,
  type CampaignCountsRequest,
  type CampaignRef,
  type CampaignSummary,
  type CancelCampaignRequest,
  type CreateCampaignRequest,
  type ListCampaignsRequest,
} from '@wxop/contracts';

import { AuditAction } from '../audit/audit-action.decorator';
import { CurrentUser, type AuthenticatedUser } from '../auth/current-user.decorator';
import { Roles } from '../auth/roles.decorator';
import { pageOf, type Page } from '../shared/page-query.dto';
import { CodeReleaseClient } from './code-release.client';
import { definedDeep, definedOnly } from './defined-only.util';
import { CampaignListQueryDto, CampaignPageDto } from './dto/campaign-list.dto';
import { CancelCampaignDto } from './dto/campaign-operation.dto';
import { CampaignDto, CampaignParams, CreateCampaignDto } from './dto/campaign.dto';

/**
 * Release campaigns through the code-release service: a template carried to many mini programs
 * within the audit quota. `requestedBy` is the operator's username.
 */
@ApiTags('campaigns')
@ApiBearerAuth()
@Controller('campaigns')
export class CampaignsController {
  constructor(private readonly codeRelease: CodeReleaseClient) {}

  @Post()
  @Roles('admin', 'operator')
  @AuditAction('campaigns.create')
  @ApiOperation({ summary: 'Creates and starts a campaign; its targets are frozen' })
  @ApiCreatedResponse({ type: CampaignDto })
  create(@CurrentUser() user: AuthenticatedUser, @Body() body: CreateCampaignDto): Promise<CampaignSummary> {
    const request: CreateCampaignRequest = {
      ...definedOnly({
        componentAppid: body.componentAppid,
        releaseMode: body.releaseMode,
        releaseWindow:
          body.releaseWindow === null
            ? null
            : body.releaseWindow
              ? {
                  startHour: body.releaseWindow.startHour,
                  endHour: body.releaseWindow.endHour,
                  // China Standard Time unless told (code-release's default too).
                  utcOffsetMinutes: body.releaseWindow.utcOffsetMinutes ?? 480,
                }
              : undefined,
        concurrency: body.concurrency,
        quotaReserve: body.quotaReserve,
        pollAfterSeconds: body.pollAfterSeconds,
        submit: body.submit
          ? definedOnly({
              ...body.submit,
              itemList: body.submit.itemList?.map((item) => definedOnly({ ...item })),
              ugcDeclare: body.submit.ugcDeclare ? definedOnly({ ...body.submit.ugcDeclare }) : undefined,
            })
          : undefined,
        targets: body.targets?.map((target) => definedOnly({ ...target })),
        targetFilter: body.targetFilter ? definedOnly({ ...body.targetFilter }) : undefined,
        values: body.values,
        preflight: body.preflight ? definedDeep({ ...body.preflight }) : undefined,
        canary: body.canary ? { ...body.canary } : undefined,
        gray: body.gray
          ? {
              ...definedOnly({
                experiencerFirst: body.gray.experiencerFirst,
                debuggerFirst: body.gray.debuggerFirst,
              }),
              steps: body.gray.steps.map((step) => ({
                percentage: step.percentage,
                waitSeconds: step.waitSeconds ?? null,
              })),
            }
          : undefined,
        speedup: body.speedup ? { afterSeconds: body.speedup.afterSeconds } : undefined,
        autoPause: body.autoPause ? definedOnly({ ...body.autoPause }) : undefined,
      }),
      templateId: body.templateId,
      userVersion: body.userVersion,
      userDesc: body.userDesc,
      extJson: body.extJson,
      requestedBy: user.username,
    };
    return this.codeRelease.call<CampaignSummary, CreateCampaignRequest>(CampaignRpcPatterns.Create, request);
  }

  @Get()
  @Roles('admin', 'operator', 'viewer')
  @ApiOperation({ summary: 'Campaigns, newest first unless sorted otherwise, of one component or status' })
  @ApiOkResponse({ type: CampaignPageDto })
  async list(@Query() query: CampaignListQueryDto): Promise<Page<CampaignSummary>> {
    const filter = definedOnly({ componentAppid: query.componentAppid, status: query.status });
    // code-release answers the page and, apart, the counts its total is the sum of.
    const [items, counts] = await Promise.all([
      this.codeRelease.call<CampaignSummary[], ListCampaignsRequest>(CampaignRpcPatterns.List, {
        ...filter,
        limit: query.limit,
        offset: query.offset,
        sort: query.sort ?? 'createdAt',
        order: query.order,
      }),
      this.codeRelease.call<CampaignCountsReply, CampaignCountsRequest>(
        CampaignSummaryRpcPatterns.Counts,
        filter,
      ),
    ]);
    return pageOf(items, counts.total, query);
  }

  @Get(':campaignId')
  @Roles('admin', 'operator', 'viewer')
  @ApiOperation({ summary: 'One campaign with its counts per state and progress' })
  @ApiOkResponse({ type: CampaignDto })
  get(@Param() params: CampaignParams): Promise<CampaignSummary> {
    return this.codeRelease.call<CampaignSummary, CampaignRef>(CampaignRpcPatterns.Get, {
      campaignId: params.campaignId,
    });
  }

  @Post(':campaignId/pause')
  @HttpCode(200)
  @Roles('admin', 'operator')
  @AuditAction('campaigns.pause')
  @ApiOkResponse({ type: CampaignDto })
  pause(@CurrentUser() user: AuthenticatedUser, @Param() params: CampaignParams): Promise<CampaignSummary> {
    return this.operate(CampaignRpcPatterns.Pause, params, user);
  }

  @Post(':campaignId/resume')
  @HttpCode(200)
  @Roles('admin', 'operator')
  @AuditAction('campaigns.resume')
  @ApiOkResponse({ type: CampaignDto })
  resume(@CurrentUser() user: AuthenticatedUser, @Param() params: CampaignParams): Promise<CampaignSummary> {
    return this.operate(CampaignRpcPatterns.Resume, params, user);
  }

  @Post(':campaignId/cancel')
  @HttpCode(200)
  @Roles('admin', 'operator')
  @AuditAction('campaigns.cancel')
  @ApiOkResponse({ type: CampaignDto })
  @ApiOperation({ summary: 'Cancels the campaign; `undoAudits` also withdraws its audits in flight' })
  cancel(
    @CurrentUser() user: AuthenticatedUser,
    @Param() params: CampaignParams,
    @Body() body: CancelCampaignDto,
  ): Promise<CampaignSummary> {
    return this.codeRelease.call<CampaignSummary, CancelCampaignRequest>(CampaignRpcPatterns.Cancel, {
      campaignId: params.campaignId,
      requestedBy: user.username,
      ...(body.undoAudits !== undefined ? { undoAudits: body.undoAudits } : {}),
    });
  }

  private operate(
    pattern: string,
    params: CampaignParams,
    user: AuthenticatedUser,
  ): Promise<CampaignSummary> {
    return this.codeRelease.call<CampaignSummary, CampaignRef & { requestedBy: string }>(pattern, {
      campaignId: params.campaignId,
      requestedBy: user.username,
    });
  }
}
