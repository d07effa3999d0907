import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  CodeReleaseRpcPatterns,
  type AddDraftToTemplatesRequest,
  type CodeReleaseComponentRequest,
  type DeleteTemplateRequest,
  type TemplateDraftSummary,
  type TemplateLibrary,
  type TemplateSummary,
  type TemplateSyncState,
} from '@wxop/contracts';

import { AuditAction } from '../audit/audit-action.decorator';
import { Roles } from '../auth/roles.decorator';
import type { Page } from '../shared/page-query.dto';
import { CodeReleaseClient } from './code-release.client';
import { ComponentParams, DraftParams, TemplateParams } from './dto/params.dto';
import {
  AddDraftDto,
  DraftPageDto,
  DraftQueryDto,
  TemplateLibraryDto,
  TemplatePageDto,
  TemplateQueryDto,
} from './dto/template.dto';
import { pageOfLibrary } from './library-page.util';

/** A page of the stored library, with when it was last read from WeChat. */
type LibraryPage<T> = Page<T> & { syncedAt: string | null };

/** A component's template library (草稿箱 and 模板库) through the code-release service. */
@ApiTags('templates')
@ApiBearerAuth()
@Controller('components/:componentAppid')
export class TemplatesController {
  constructor(private readonly codeRelease: CodeReleaseClient) {}

  @Get('templates')
  @Roles('admin', 'operator', 'viewer')
  @ApiOperation({ summary: 'The stored templates (as of the last sync)' })
  @ApiOkResponse({ type: TemplatePageDto })
  async templates(
    @Param() params: ComponentParams,
    @Query() query: TemplateQueryDto,
  ): Promise<LibraryPage<TemplateSummary>> {
    const [templates, { syncedAt }] = await Promise.all([
      this.codeRelease.call<TemplateSummary[], CodeReleaseComponentRequest>(
        CodeReleaseRpcPatterns.ListTemplates,
        { componentAppid: params.componentAppid },
      ),
      this.syncState(params.componentAppid),
    ]);
    const rows =
      query.templateType === undefined
        ? templates
        : templates.filter((t) => t.templateType === query.templateType);
    return { ...pageOfLibrary(rows, query, 'createdAt', 'templateId'), syncedAt };
  }

  @Get('drafts')
  @Roles('admin', 'operator', 'viewer')
  @ApiOperation({ summary: 'The stored drafts (as of the last sync)' })
  @ApiOkResponse({ type: DraftPageDto })
  async drafts(
    @Param() params: ComponentParams,
    @Query() query: DraftQueryDto,
  ): Promise<LibraryPage<TemplateDraftSummary>> {
    const [drafts, { syncedAt }] = await Promise.all([
      this.codeRelease.call<TemplateDraftSummary[], CodeReleaseComponentRequest>(
        CodeReleaseRpcPatterns.ListDrafts,
        { componentAppid: params.componentAppid },
      ),
      this.syncState(params.componentAppid),
    ]);
    return { ...pageOfLibrary(drafts, query, 'createdAt', 'draftId'), syncedAt };
  }

  /** When the stored library was last read from WeChat: the lists are as of then. */
  private syncState(componentAppid: string): Promise<TemplateSyncState> {
    return this.codeRelease.call<TemplateSyncState, CodeReleaseComponentRequest>(
      CodeReleaseRpcPatterns.GetTemplateSync,
      { componentAppid },
    );
  }

  @Post('templates/sync')
  @HttpCode(200)
  @Roles('admin', 'operator')
  @AuditAction('templates.sync')
  @ApiOperation({ summary: 'Reads drafts and templates from WeChat and stores them' })
  @ApiOkResponse({ type: TemplateLibraryDto })
  sync(@Param() params: ComponentParams): Promise<TemplateLibrary> {
    return this.codeRelease.call<TemplateLibrary, CodeReleaseComponentRequest>(
      CodeReleaseRpcPatterns.SyncTemplates,
      { componentAppid: params.componentAppid },
    );
  }

  @Post('drafts/:draftId/templates')
  @HttpCode(200)
  @Roles('admin', 'operator')
  @AuditAction('templates.add-draft')
  @ApiOperation({
    summary: 'Adds a draft to the library as a normal or standard template',
    description:
      '409 template_library_full when the library holds 200 templates (85065); 404 template_not_found.',
  })
  @ApiOkResponse({ type: TemplateLibraryDto })
  addDraft(@Param() params: DraftParams, @Body() body: AddDraftDto): Promise<TemplateLibrary> {
    return this.codeRelease.call<TemplateLibrary, AddDraftToTemplatesRequest>(
      CodeReleaseRpcPatterns.AddDraftToTemplates,
      {
        componentAppid: params.componentAppid,
        draftId: params.draftId,
        templateType: body.templateType ?? 0,
      },
    );
  }

  @Delete('templates/:templateId')
  @Roles('admin', 'operator')
  @AuditAction('templates.delete')
  @ApiOperation({ summary: 'Deletes a template (404 template_not_found when there is none)' })
  @ApiOkResponse({ type: TemplateLibraryDto })
  delete(@Param() params: TemplateParams): Promise<TemplateLibrary> {
    return this.codeRelease.call<TemplateLibrary, DeleteTemplateRequest>(
      CodeReleaseRpcPatterns.DeleteTemplate,
      {
        componentAppid: params.componentAppid,
        templateId: params.templateId,
      },
    );
  }
}
