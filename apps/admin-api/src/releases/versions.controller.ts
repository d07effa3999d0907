import { Body, Controller, Get, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import {
  CodeReleaseRpcPatterns,
  type AuditQuotaReply,
  type CommitRequest,
  type ListHistoryRequest,
  type MiniProgramActionRequest,
  type MiniProgramRequest,
  type MiniProgramVersions,
  type ReleaseActionReply,
  type ReleaseHistoryEntry,
  type ReleaseHistoryPage,
  type RevertReleaseRequest,
  type SetGrayReleaseRequest,
  type SetVisitStatusRequest,
  type SubmitAuditReply,
  type SubmitAuditRequest,
  type TrialQrcodeReply,
  type TrialQrcodeRequest,
} from '@wxop/contracts';
import type { FastifyReply } from 'fastify';

import { AuditAction } from '../audit/audit-action.decorator';
import { CurrentUser, type AuthenticatedUser } from '../auth/current-user.decorator';
import { Roles } from '../auth/roles.decorator';
import { CodeReleaseClient } from './code-release.client';
import { definedOnly } from './defined-only.util';
import { ComponentParams, MiniProgramParams } from './dto/params.dto';
import {
  AuditQuotaDto,
  AuditQuotaQueryDto,
  CommitDto,
  GrayReleaseDto,
  MiniProgramVersionsDto,
  ReleaseActionDto,
  ReleaseHistoryPageDto,
  ReleaseHistoryQueryDto,
  RevertDto,
  SubmitAuditDto,
  SubmitAuditReplyDto,
  TrialQrcodeQueryDto,
  VisitStatusDto,
} from './dto/version.dto';

export interface ReleaseHistoryAnswer {
  items: ReleaseHistoryEntry[];
  limit: number;
  nextCursor: string | null;
}

/**
 * One mini program's versions by hand (the 微管家's 版本管理 page) through the code-release service:
 * every action carries the operator's username as its actor, which the release history records.
 */
@ApiTags('versions')
@ApiBearerAuth()
@Controller('components/:componentAppid')
export class VersionsController {
  constructor(private readonly codeRelease: CodeReleaseClient) {}

  @Get('authorizers/:authorizerAppid/versions')
  @Roles('admin', 'operator', 'viewer')
  @ApiOperation({ summary: 'Trial, audit and online versions, revertible history and gray plan' })
  @ApiOkResponse({ type: MiniProgramVersionsDto })
  versions(@Param() params: MiniProgramParams): Promise<MiniProgramVersions> {
    return this.codeRelease.call<MiniProgramVersions, MiniProgramRequest>(
      CodeReleaseRpcPatterns.GetVersions,
      ref(params),
    );
  }

  @Post('authorizers/:authorizerAppid/versions/commit')
  @HttpCode(200)
  @Roles('admin', 'operator')
  @AuditAction('versions.commit')
  @ApiOperation({ summary: 'Uploads a template as the trial version (wxa/commit)' })
  @ApiOkResponse({ type: ReleaseActionDto })
  commit(
    @CurrentUser() user: AuthenticatedUser,
    @Param() params: MiniProgramParams,
    @Body() body: CommitDto,
  ): Promise<ReleaseActionReply> {
    return this.codeRelease.call<ReleaseActionReply, CommitRequest>(CodeReleaseRpcPatterns.Commit, {
      ...action(params, user),
      templateId: body.templateId,
      extJson: body.extJson,
      userVersion: body.userVersion,
      userDesc: body.userDesc,
    });
  }

  @Get('authorizers/:authorizerAppid/versions/trial-qrcode')
  @Roles('admin', 'operator', 'viewer')
  @ApiOperation({ summary: "The trial version's QR code (image bytes)" })
  @ApiProduces('image/jpeg')
  @ApiOkResponse({ schema: { type: 'string', format: 'binary' } })
  async trialQrcode(
    @CurrentUser() user: AuthenticatedUser,
    @Param() params: MiniProgramParams,
    @Query() query: TrialQrcodeQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Buffer> {
    const qrcode = await this.codeRelease.call<TrialQrcodeReply, TrialQrcodeRequest>(
      CodeReleaseRpcPatterns.GetTrialQrcode,
      { ...action(params, user), ...(query.path ? { path: query.path } : {}) },
    );
    void reply.type(qrcode.contentType).header('cache-control', 'no-store');
    return Buffer.from(qrcode.imageBase64, 'base64');
  }

  @Post('authorizers/:authorizerAppid/versions/submit')
  @HttpCode(200)
  @Roles('admin', 'operator')
  @AuditAction('versions.submit')
  @ApiOperation({
    summary: 'Submits the trial version for audit',
    description: '409 privacy_scan_running (61039) right after a commit: submit again in a minute.',
  })
  @ApiOkResponse({ type: SubmitAuditReplyDto })
  submit(
    @CurrentUser() user: AuthenticatedUser,
    @Param() params: MiniProgramParams,
    @Body() body: SubmitAuditDto,
  ): Promise<SubmitAuditReply> {
    return this.codeRelease.call<SubmitAuditReply, SubmitAuditRequest>(CodeReleaseRpcPatterns.SubmitAudit, {
      ...action(params, user),
      ...definedOnly({
        itemList: body.itemList?.map((item) => definedOnly({ ...item })),
        versionDesc: body.versionDesc,
        feedbackInfo: body.feedbackInfo,
        privacyApiNotUse: body.privacyApiNotUse,
        ugcDeclare: body.ugcDeclare ? definedOnly({ ...body.ugcDeclare }) : undefined,
        orderPath: body.orderPath,
      }),
    });
  }

  @Post('authorizers/:authorizerAppid/versions/undo')
  @HttpCode(200)
  @Roles('admin', 'operator')
  @AuditAction('versions.undo')
  @ApiOperation({ summary: 'Withdraws the audit in flight (undocodeaudit)' })
  @ApiOkResponse({ type: ReleaseActionDto })
  undo(
    @CurrentUser() user: AuthenticatedUser,
    @Param() params: MiniProgramParams,
  ): Promise<ReleaseActionReply> {
    return this.act(CodeReleaseRpcPatterns.UndoAudit, params, user);
  }

  @Post('authorizers/:authorizerAppid/versions/speedup')
  @HttpCode(200)
  @Roles('admin', 'operator')
  @AuditAction('versions.speedup')
  @ApiOperation({ summary: 'Speeds the audit in flight up (speedupaudit, within the monthly speedups)' })
  @ApiOkResponse({ type: ReleaseActionDto })
  speedup(
    @CurrentUser() user: AuthenticatedUser,
    @Param() params: MiniProgramParams,
  ): Promise<ReleaseActionReply> {
    return this.act(CodeReleaseRpcPatterns.SpeedupAudit, params, user);
  }

  @Post('authorizers/:authorizerAppid/versions/release')
  @HttpCode(200)
  @Roles('admin', 'operator')
  @AuditAction('versions.release')
  @ApiOperation({
    summary: 'Releases the approved version (85052, already released, answers outcome already)',
  })
  @ApiOkResponse({ type: ReleaseActionDto })
  release(
    @CurrentUser() user: AuthenticatedUser,
    @Param() params: MiniProgramParams,
  ): Promise<ReleaseActionReply> {
    return this.act(CodeReleaseRpcPatterns.Release, params, user);
  }

  @Post('authorizers/:authorizerAppid/versions/revert')
  @HttpCode(200)
  @Roles('admin', 'operator')
  @AuditAction('versions.revert')
  @ApiOperation({ summary: 'Rolls back to the previous online version or a chosen appVersion' })
  @ApiOkResponse({ type: ReleaseActionDto })
  revert(
    @CurrentUser() user: AuthenticatedUser,
    @Param() params: MiniProgramParams,
    @Body() body: RevertDto,
  ): Promise<ReleaseActionReply> {
    return this.codeRelease.call<ReleaseActionReply, RevertReleaseRequest>(
      CodeReleaseRpcPatterns.RevertRelease,
      {
        ...action(params, user),
        ...(body.appVersion !== undefined ? { appVersion: body.appVersion } : {}),
      },
    );
  }

  @Post('authorizers/:authorizerAppid/versions/gray')
  @HttpCode(200)
  @Roles('admin', 'operator')
  @AuditAction('versions.gray.set')
  @ApiOperation({ summary: 'Starts or raises a phased (gray) release' })
  @ApiOkResponse({ type: ReleaseActionDto })
  setGray(
    @CurrentUser() user: AuthenticatedUser,
    @Param() params: MiniProgramParams,
    @Body() body: GrayReleaseDto,
  ): Promise<ReleaseActionReply> {
    return this.codeRelease.call<ReleaseActionReply, SetGrayReleaseRequest>(
      CodeReleaseRpcPatterns.SetGrayRelease,
      {
        ...action(params, user),
        grayPercentage: body.grayPercentage,
        ...definedOnly({
          supportExperiencerFirst: body.supportExperiencerFirst,
          supportDebugerFirst: body.supportDebugerFirst,
        }),
      },
    );
  }

  @Post('authorizers/:authorizerAppid/versions/gray/revert')
  @HttpCode(200)
  @Roles('admin', 'operator')
  @AuditAction('versions.gray.revert')
  @ApiOperation({ summary: 'Cancels the phased release' })
  @ApiOkResponse({ type: ReleaseActionDto })
  revertGray(
    @CurrentUser() user: AuthenticatedUser,
    @Param() params: MiniProgramParams,
  ): Promise<ReleaseActionReply> {
    return this.act(CodeReleaseRpcPatterns.RevertGrayRelease, params, user);
  }

  @Put('authorizers/:authorizerAppid/versions/visit-status')
  @Roles('admin', 'operator')
  @AuditAction('versions.visit-status.set')
  @ApiOperation({ summary: 'Opens or closes the online version to users' })
  @ApiOkResponse({ type: ReleaseActionDto })
  visitStatus(
    @CurrentUser() user: AuthenticatedUser,
    @Param() params: MiniProgramParams,
    @Body() body: VisitStatusDto,
  ): Promise<ReleaseActionReply> {
    return this.codeRelease.call<ReleaseActionReply, SetVisitStatusRequest>(
      CodeReleaseRpcPatterns.SetVisitStatus,
      { ...action(params, user), action: body.action },
    );
  }

  @Get('authorizers/:authorizerAppid/release-history')
  @Roles('admin', 'operator', 'viewer')
  @ApiOperation({ summary: 'Every action on this mini program with who asked, newest first (by cursor)' })
  @ApiOkResponse({ type: ReleaseHistoryPageDto })
  async history(
    @Param() params: MiniProgramParams,
    @Query() query: ReleaseHistoryQueryDto,
  ): Promise<ReleaseHistoryAnswer> {
    const page = await this.codeRelease.call<ReleaseHistoryPage, ListHistoryRequest>(
      CodeReleaseRpcPatterns.ListHistory,
      { ...ref(params), limit: query.limit, ...(query.cursor ? { before: query.cursor } : {}) },
    );
    return { items: page.items, limit: query.limit, nextCursor: page.nextBefore };
  }

  @Get('audit-quota')
  @Roles('admin', 'operator', 'viewer')
  @ApiOperation({ summary: "The platform's monthly audit quota (read with the given mini program's token)" })
  @ApiOkResponse({ type: AuditQuotaDto })
  quota(@Param() params: ComponentParams, @Query() query: AuditQuotaQueryDto): Promise<AuditQuotaReply> {
    return this.codeRelease.call<AuditQuotaReply, MiniProgramRequest>(CodeReleaseRpcPatterns.GetQuota, {
      componentAppid: params.componentAppid,
      authorizerAppid: query.authorizerAppid,
    });
  }

  private act(
    pattern: string,
    params: MiniProgramParams,
    user: AuthenticatedUser,
  ): Promise<ReleaseActionReply> {
    return this.codeRelease.call<ReleaseActionReply, MiniProgramActionRequest>(pattern, action(params, user));
  }
}

function ref(params: MiniProgramParams): MiniProgramRequest {
  return { componentAppid: params.componentAppid, authorizerAppid: params.authorizerAppid };
}

function action(params: MiniProgramParams, user: AuthenticatedUser): MiniProgramActionRequest {
  return { ...ref(params), actor: user.username };
}
