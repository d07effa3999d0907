import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { WechatComponentConfig } from '@wxop/config';
import {
  CodeReleaseRpcPatterns,
  type TemplateDraftSummary,
  type TemplateLibrary,
  type TemplateSummary,
  type TemplateSyncState,
} from '@wxop/contracts';

import { rpc } from '../shared/rpc.util';
import { RequestReader } from '../shared/request.util';
import { TemplatesService } from './templates.service';

/** Template library RPC (libs/contracts CodeReleaseRpcPatterns.*Template*), for admin-api. */
@Controller()
export class TemplatesRpcController {
  constructor(
    private readonly templates: TemplatesService,
    private readonly component: WechatComponentConfig,
  ) {}

  @MessagePattern(CodeReleaseRpcPatterns.SyncTemplates)
  sync(@Payload() request: unknown): Promise<TemplateLibrary> {
    return rpc(() => this.templates.sync(this.componentOf(request)));
  }

  @MessagePattern(CodeReleaseRpcPatterns.ListTemplates)
  list(@Payload() request: unknown): Promise<TemplateSummary[]> {
    return rpc(() => this.templates.list(this.componentOf(request)));
  }

  @MessagePattern(CodeReleaseRpcPatterns.ListDrafts)
  drafts(@Payload() request: unknown): Promise<TemplateDraftSummary[]> {
    return rpc(() => this.templates.drafts(this.componentOf(request)));
  }

  @MessagePattern(CodeReleaseRpcPatterns.GetTemplateSync)
  syncState(@Payload() request: unknown): Promise<TemplateSyncState> {
    return rpc(() => this.templates.syncState(this.componentOf(request)));
  }

  @MessagePattern(CodeReleaseRpcPatterns.AddDraftToTemplates)
  addDraft(@Payload() request: unknown): Promise<TemplateLibrary> {
    return rpc(() => {
      const reader = new RequestReader(request, ['componentAppid', 'draftId', 'templateType', 'actor']);
      const componentAppid = reader.componentAppid(this.component.WECHAT_COMPONENT_APPID);
      const draftId = reader.integer('draftId', 0, Number.MAX_SAFE_INTEGER);
      const templateType = reader.optionalInteger('templateType', 0, 1) as 0 | 1 | undefined;
      reader.optionalString('actor', 128);
      reader.done();
      return this.templates.addDraft(componentAppid, draftId, templateType);
    });
  }

  @MessagePattern(CodeReleaseRpcPatterns.DeleteTemplate)
  delete(@Payload() request: unknown): Promise<TemplateLibrary> {
    return rpc(() => {
      const reader = new RequestReader(request, ['componentAppid', 'templateId', 'actor']);
      const componentAppid = reader.componentAppid(this.component.WECHAT_COMPONENT_APPID);
      const templateId = reader.integer('templateId', 0, Number.MAX_SAFE_INTEGER);
      reader.optionalString('actor', 128);
      reader.done();
      return this.templates.delete(componentAppid, templateId);
    });
  }

  private componentOf(request: unknown): string {
    const reader = new RequestReader(request ?? {}, ['componentAppid']);
    const componentAppid = reader.componentAppid(this.component.WECHAT_COMPONENT_APPID);
    reader.done();
    return componentAppid;
  }
}
