import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags, ApiAcceptedResponse } from '@nestjs/swagger';
import type { AuthorizerDetail, AuthorizerPage, SyncRunSummary } from '@wxop/contracts';

import { AuditAction } from '../audit/audit-action.decorator';
import { Roles } from '../auth/roles.decorator';
import { AuthorizerAppidParam, ComponentAppidParam } from '../components/dto/component-appid.param';
import { AuthorizersService } from './authorizers.service';
import {
  AuthorizerDetailDto,
  AuthorizerPageDto,
  AuthorizerQueryDto,
  CampaignTargetCountDto,
  CampaignTargetCountQueryDto,
  SyncRunDto,
} from './dto/authorizer.dto';
import { SyncIdParam } from './dto/sync-id.param';

/** A component's authorizers: search, detail, profile refresh, full sync and its progress. */
@ApiTags('authorizers')
@ApiBearerAuth()
@Controller('components/:componentAppid')
export class AuthorizersController {
  constructor(private readonly authorizers: AuthorizersService) {}

  @Get('authorizers')
  @Roles('admin', 'operator', 'viewer')
  @ApiOkResponse({ type: AuthorizerPageDto })
  async search(
    @Param() params: ComponentAppidParam,
    @Query() query: AuthorizerQueryDto,
  ): Promise<AuthorizerPage> {
    const page = await this.authorizers.search({
      componentAppid: params.componentAppid,
      ...(query.authorizerType ? { authorizerType: query.authorizerType } : {}),
      ...(query.status ? { status: query.status } : {}),
      ...(query.bizRef ? { bizRef: query.bizRef } : {}),
      ...(query.name ? { name: query.name } : {}),
      limit: query.limit,
      offset: query.offset,
    });
    return { items: page.items, total: page.total, limit: page.limit, offset: page.offset };
  }

  @Get('campaign-targets/count')
  @Roles('admin', 'operator', 'viewer')
  @ApiOperation({
    summary: "How many mini programs a campaign's targetFilter with this bizRefPrefix takes now",
    description:
      'The criteria code-release applies at creation: authorized mini programs with code management (set 18) and a working credential.',
  })
  @ApiOkResponse({ type: CampaignTargetCountDto })
  async countCampaignTargets(
    @Param() params: ComponentAppidParam,
    @Query() query: CampaignTargetCountQueryDto,
  ): Promise<CampaignTargetCountDto> {
    return { count: await this.authorizers.countCampaignTargets(params.componentAppid, query.bizRefPrefix) };
  }

  @Get('authorizers/:authorizerAppid')
  @Roles('admin', 'operator', 'viewer')
  @ApiOkResponse({ type: AuthorizerDetailDto })
  get(@Param() params: AuthorizerAppidParam): Promise<AuthorizerDetail> {
    return this.authorizers.get({
      componentAppid: params.componentAppid,
      authorizerAppid: params.authorizerAppid,
    });
  }

  @Post('authorizers/:authorizerAppid/refresh')
  @HttpCode(200)
  @Roles('admin', 'operator')
  @AuditAction('authorizers.refresh')
  @ApiOkResponse({ type: AuthorizerDetailDto })
  refresh(@Param() params: AuthorizerAppidParam): Promise<AuthorizerDetail> {
    return this.authorizers.refresh({
      componentAppid: params.componentAppid,
      authorizerAppid: params.authorizerAppid,
    });
  }

  @Post('syncs')
  @HttpCode(202)
  @Roles('admin', 'operator')
  @AuditAction('authorizers.sync.start')
  @ApiAcceptedResponse({ type: SyncRunDto, description: 'the run started, or the one already running' })
  startSync(@Param() params: ComponentAppidParam): Promise<SyncRunSummary> {
    return this.authorizers.startSync({ componentAppid: params.componentAppid });
  }

  @Get('syncs/latest')
  @Roles('admin', 'operator', 'viewer')
  @ApiOkResponse({ type: SyncRunDto })
  latestSync(@Param() params: ComponentAppidParam): Promise<SyncRunSummary> {
    return this.authorizers.getSync({ componentAppid: params.componentAppid });
  }

  @Get('syncs/:syncId')
  @Roles('admin', 'operator', 'viewer')
  @ApiOkResponse({ type: SyncRunDto })
  getSync(@Param() params: SyncIdParam): Promise<SyncRunSummary> {
    return this.authorizers.getSync({ componentAppid: params.componentAppid, syncId: params.syncId });
  }
}
