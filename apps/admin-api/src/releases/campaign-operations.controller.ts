import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  CampaignRpcPatterns,
  CodeReleaseRpcErrorCodes,
  type CampaignOperationPage,
  type CampaignOperationReply,
  type CampaignOperationSummary,
  type CampaignTargetsOperationRequest,
  type GetCampaignOperationRequest,
  type ListCampaignOperationsRequest,
} from '@wxop/contracts';

import { AuditAction } from '../audit/audit-action.decorator';
import { CurrentUser, type AuthenticatedUser } from '../auth/current-user.decorator';
import { Roles } from '../auth/roles.decorator';
import { pageOf, type Page } from '../shared/page-query.dto';
import { CodeReleaseClient } from './code-release.client';
import { ReleasesError } from './releases.errors';
import { ChosenTargetsDto } from './dto/campaign-list.dto';
import {
  CampaignOperationPageDto,
  CampaignOperationParams,
  CampaignOperationReplyDto,
  CampaignOperationsQueryDto,
  CampaignOperationSummaryDto,
} from './dto/campaign-operation.dto';
import { CampaignParams } from './dto/campaign.dto';

/**
 * What an operator does to a campaign's targets after their audit: approve (manual mode, or after
 * a gray revert), move or revert the gray plan, revert a release, speed an audit up. Each applies
 * to the chosen targets, or every target it applies to, and answers target by target.
 */
@ApiTags('campaigns')
@ApiBearerAuth()
@Controller('campaigns/:campaignId')
export class CampaignOperationsController {
  constructor(private readonly codeRelease: CodeReleaseClient) {}

  @Post('approve')
  @HttpCode(200)
  @Roles('admin', 'operator')
  @AuditAction('campaigns.approve')
  @ApiOperation({
    summary:
      'Releases approved targets (manual mode), or restarts the gray plan of targets held after a gray revert',
  })
  @ApiOkResponse({ type: CampaignOperationReplyDto })
  approve(
    @CurrentUser() user: AuthenticatedUser,
    @Param() params: CampaignParams,
    @Body() body: ChosenTargetsDto,
  ): Promise<CampaignOperationReply> {
    return this.operate(CampaignRpcPatterns.Approve, params, body, user);
  }

  @Post('gray/advance')
  @HttpCode(200)
  @Roles('admin', 'operator')
  @AuditAction('campaigns.gray.advance')
  @ApiOperation({ summary: 'Moves targets in gray to their next step now (after the last: full release)' })
  @ApiOkResponse({ type: CampaignOperationReplyDto })
  grayAdvance(
    @CurrentUser() user: AuthenticatedUser,
    @Param() params: CampaignParams,
    @Body() body: ChosenTargetsDto,
  ): Promise<CampaignOperationReply> {
    return this.operate(CampaignRpcPatterns.GrayAdvance, params, body, user);
  }

  @Post('gray/revert')
  @HttpCode(200)
  @Roles('admin', 'operator')
  @AuditAction('campaigns.gray.revert')
  @ApiOperation({ summary: 'Reverts the gray release of targets in gray; they wait for approve' })
  @ApiOkResponse({ type: CampaignOperationReplyDto })
  grayRevert(
    @CurrentUser() user: AuthenticatedUser,
    @Param() params: CampaignParams,
    @Body() body: ChosenTargetsDto,
  ): Promise<CampaignOperationReply> {
    return this.operate(CampaignRpcPatterns.GrayRevert, params, body, user);
  }

  @Post('revert')
  @HttpCode(200)
  @Roles('admin', 'operator')
  @AuditAction('campaigns.revert')
  @ApiOperation({ summary: 'Takes released targets back to their previous version (revertcoderelease)' })
  @ApiOkResponse({ type: CampaignOperationReplyDto })
  revert(
    @CurrentUser() user: AuthenticatedUser,
    @Param() params: CampaignParams,
    @Body() body: ChosenTargetsDto,
  ): Promise<CampaignOperationReply> {
    return this.operate(CampaignRpcPatterns.Revert, params, body, user);
  }

  @Post('speedup')
  @HttpCode(200)
  @Roles('admin', 'operator')
  @AuditAction('campaigns.speedup')
  @ApiOperation({ summary: 'Asks WeChat to speed up the audit of targets in audit (within speedup_rest)' })
  @ApiOkResponse({ type: CampaignOperationReplyDto })
  speedup(
    @CurrentUser() user: AuthenticatedUser,
    @Param() params: CampaignParams,
    @Body() body: ChosenTargetsDto,
  ): Promise<CampaignOperationReply> {
    return this.operate(CampaignRpcPatterns.Speedup, params, body, user);
  }

  @Get('operations')
  @Roles('admin', 'operator', 'viewer')
  @ApiOperation({
    summary:
      "A campaign's operations on targets (gray, revert, speedup that accepted a target, and cancel's undos), newest first, with their progress",
  })
  @ApiOkResponse({ type: CampaignOperationPageDto })
  async operations(
    @Param() params: CampaignParams,
    @Query() query: CampaignOperationsQueryDto,
  ): Promise<Page<CampaignOperationSummary>> {
    const page = await this.codeRelease.call<CampaignOperationPage, ListCampaignOperationsRequest>(
      CampaignRpcPatterns.ListOperations,
      {
        campaignId: params.campaignId,
        ...(query.status ? { status: query.status } : {}),
        order: query.order,
        limit: query.limit,
        offset: query.offset,
      },
    );
    return pageOf(page.operations, page.total, query);
  }

  @Get('operations/:operationId')
  @Roles('admin', 'operator', 'viewer')
  @ApiOperation({
    summary: "One operation (the operationId of an operation's reply) and how far it got",
  })
  @ApiOkResponse({ type: CampaignOperationSummaryDto })
  async operation(@Param() params: CampaignOperationParams): Promise<CampaignOperationSummary> {
    const summary = await this.codeRelease.call<CampaignOperationSummary, GetCampaignOperationRequest>(
      CampaignRpcPatterns.GetOperation,
      { operationId: params.operationId },
    );
    // The id names one campaign's operation: under another campaign's path it does not exist.
    if (summary.campaignId !== params.campaignId)
      throw new ReleasesError(
        CodeReleaseRpcErrorCodes.OperationNotFound,
        `no operation ${params.operationId} on campaign ${params.campaignId}`,
      );
    return summary;
  }

  private operate(
    pattern: string,
    params: CampaignParams,
    body: ChosenTargetsDto,
    user: AuthenticatedUser,
  ): Promise<CampaignOperationReply> {
    return this.codeRelease.call<CampaignOperationReply, CampaignTargetsOperationRequest>(pattern, {
      campaignId: params.campaignId,
      ...(body.authorizerAppids ? { authorizerAppids: body.authorizerAppids } : {}),
      requestedBy: user.username,
    });
  }
}
