import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  CampaignRpcPatterns,
  type CampaignTargetPage,
  type CampaignTargetView,
  type ListCampaignTargetsRequest,
  type RetryCampaignTargetsReply,
  type RetryCampaignTargetsRequest,
} from '@wxop/contracts';

import { AuditAction } from '../audit/audit-action.decorator';
import { CurrentUser, type AuthenticatedUser } from '../auth/current-user.decorator';
import { Roles } from '../auth/roles.decorator';
import { CodeReleaseClient } from './code-release.client';
import {
  CampaignTargetPageDto,
  CampaignTargetsQueryDto,
  RetryCampaignDto,
  RetryCampaignReplyDto,
} from './dto/campaign-list.dto';
import { CampaignParams } from './dto/campaign.dto';

/** A campaign's targets page by ordinal: `nextCursor` is the last ordinal of the page, as a string. */
export interface CampaignTargetsPage {
  items: CampaignTargetView[];
  limit: number;
  nextCursor: string | null;
}

/** A campaign's targets (what each mini program is at, why it failed) and the retry of failed ones. */
@ApiTags('campaigns')
@ApiBearerAuth()
@Controller('campaigns/:campaignId')
export class CampaignTargetsController {
  constructor(private readonly codeRelease: CodeReleaseClient) {}

  @Get('targets')
  @Roles('admin', 'operator', 'viewer')
  @ApiOperation({ summary: "A campaign's targets in creation order, optionally of one state (by cursor)" })
  @ApiOkResponse({ type: CampaignTargetPageDto })
  async targets(
    @Param() params: CampaignParams,
    @Query() query: CampaignTargetsQueryDto,
  ): Promise<CampaignTargetsPage> {
    const page = await this.codeRelease.call<CampaignTargetPage, ListCampaignTargetsRequest>(
      CampaignRpcPatterns.ListTargets,
      {
        campaignId: params.campaignId,
        limit: query.limit,
        ...(query.state ? { state: query.state } : {}),
        ...(query.cursor ? { afterOrdinal: Number(query.cursor) } : {}),
      },
    );
    return {
      items: page.targets,
      limit: query.limit,
      nextCursor: page.nextAfterOrdinal === null ? null : String(page.nextAfterOrdinal),
    };
  }

  @Post('retry')
  @HttpCode(200)
  @Roles('admin', 'operator')
  @AuditAction('campaigns.retry')
  @ApiOperation({ summary: 'Failed targets (all, or the chosen ones) start again from pending' })
  @ApiOkResponse({ type: RetryCampaignReplyDto })
  retry(
    @CurrentUser() user: AuthenticatedUser,
    @Param() params: CampaignParams,
    @Body() body: RetryCampaignDto,
  ): Promise<RetryCampaignTargetsReply> {
    return this.codeRelease.call<RetryCampaignTargetsReply, RetryCampaignTargetsRequest>(
      CampaignRpcPatterns.Retry,
      {
        campaignId: params.campaignId,
        ...(body.authorizerAppids ? { authorizerAppids: body.authorizerAppids } : {}),
        requestedBy: user.username,
      },
    );
  }
}
