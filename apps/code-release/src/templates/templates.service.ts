import { Injectable, Logger } from '@nestjs/common';
import type {
  TemplateDraftSummary,
  TemplateLibrary,
  TemplateSummary,
  TemplateSyncState,
} from '@wxop/contracts';
import { MetricsService } from '@wxop/observability';
import { WechatCodeApi, type TemplateType } from '@wxop/wechat-api';
import type { Counter } from 'prom-client';

import { WechatCalls } from '../shared/wechat-calls.service';
import { TemplateRepository } from './template.repository';

/**
 * The platform's template library (§5.1, component token): drafts uploaded from the developer
 * tools, and the ≤ 200 templates commits are made from. WeChat is the truth; our tables are the
 * last copy read, refreshed by `sync` and after every change made through us.
 */
@Injectable()
export class TemplatesService {
  private readonly logger = new Logger(TemplatesService.name);
  private readonly changes: Counter<'action' | 'outcome'>;

  constructor(
    private readonly wechat: WechatCalls,
    private readonly api: WechatCodeApi,
    private readonly repository: TemplateRepository,
    metrics: MetricsService,
  ) {
    this.changes = metrics.counter(
      'wxop_code_release_template_changes_total',
      'Template library changes asked of WeChat',
      ['action', 'outcome'],
    );
  }

  /** Reads drafts and templates from WeChat and stores them in place of the last copy. */
  async sync(componentAppid: string): Promise<TemplateLibrary> {
    const [{ drafts }, { templates }] = await Promise.all([
      this.wechat.asComponent(componentAppid, (token) => this.api.getTemplateDraftList(token)),
      this.wechat.asComponent(componentAppid, (token) => this.api.getTemplateList(token)),
    ]);
    await this.repository.replace(componentAppid, drafts, templates);
    this.logger.log({
      msg: 'template library synced',
      componentAppid,
      drafts: drafts.length,
      templates: templates.length,
    });
    return this.repository.library(componentAppid);
  }

  list(componentAppid: string): Promise<TemplateSummary[]> {
    return this.repository.templates(componentAppid);
  }

  drafts(componentAppid: string): Promise<TemplateDraftSummary[]> {
    return this.repository.drafts(componentAppid);
  }

  /** When the stored copy was last read from WeChat (no WeChat call). */
  syncState(componentAppid: string): Promise<TemplateSyncState> {
    return this.repository.syncState(componentAppid);
  }

  /** Adds a draft as a normal (0) or standard (1) template; 85065 (library full) is TEMPLATE_LIBRARY_FULL. */
  async addDraft(
    componentAppid: string,
    draftId: number,
    templateType?: TemplateType,
  ): Promise<TemplateLibrary> {
    await this.change('add-draft', () =>
      this.wechat.asComponent(componentAppid, (token) =>
        this.api.addToTemplate(token, { draftId, ...(templateType === undefined ? {} : { templateType }) }),
      ),
    );
    this.logger.log({ msg: 'draft added to the template library', componentAppid, draftId, templateType });
    return this.sync(componentAppid);
  }

  /** Deletes a template; 85064 (not found) is TEMPLATE_NOT_FOUND. */
  async delete(componentAppid: string, templateId: number): Promise<TemplateLibrary> {
    await this.change('delete', () =>
      this.wechat.asComponent(componentAppid, (token) => this.api.deleteTemplate(token, { templateId })),
    );
    this.logger.log({ msg: 'template deleted', componentAppid, templateId });
    return this.sync(componentAppid);
  }

  private async change(action: string, work: () => Promise<void>): Promise<void> {
    try {
      await work();
      this.changes.inc({ action, outcome: 'succeeded' });
    } catch (error) {
      this.changes.inc({ action, outcome: 'failed' });
      throw error;
    }
  }
}
