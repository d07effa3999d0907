import { Injectable } from '@nestjs/common';
import type {
  TemplateDraftSummary,
  TemplateLibrary,
  TemplateSummary,
  TemplateSyncState,
} from '@wxop/contracts';
import { inTransaction } from '@wxop/database';
import type { Template, TemplateDraft } from '@wxop/wechat-api';
import { DataSource } from 'typeorm';

interface DraftRow {
  draft_id: string | number;
  user_version: string;
  user_desc: string;
  source_miniprogram_appid: string | null;
  source_miniprogram: string | null;
  developer: string | null;
  create_time: string | number;
}

interface TemplateRow extends Omit<DraftRow, 'draft_id'> {
  template_id: string | number;
  draft_id: string | number | null;
  template_type: number;
  category_list: string | unknown[] | null;
  audit_scene: number | null;
  audit_status: number | null;
  reason: string | null;
}

const NOW = 'UTC_TIMESTAMP(3)';
const DRAFT_COLUMNS = `draft_id, user_version, user_desc, source_miniprogram_appid, source_miniprogram,
  developer, create_time`;
const TEMPLATE_COLUMNS = `template_id, draft_id, template_type, user_version, user_desc,
  source_miniprogram_appid, source_miniprogram, developer, category_list, audit_scene, audit_status,
  reason, create_time`;

const isoOf = (unixSeconds: string | number): string => new Date(Number(unixSeconds) * 1000).toISOString();

function toDraft(row: DraftRow): TemplateDraftSummary {
  return {
    draftId: Number(row.draft_id),
    userVersion: row.user_version,
    userDesc: row.user_desc,
    sourceMiniprogramAppid: row.source_miniprogram_appid,
    sourceMiniprogram: row.source_miniprogram,
    developer: row.developer,
    createdAt: isoOf(row.create_time),
  };
}

function toTemplate(row: TemplateRow): TemplateSummary {
  const categories =
    typeof row.category_list === 'string' ? (JSON.parse(row.category_list) as unknown[]) : row.category_list;
  return {
    templateId: Number(row.template_id),
    draftId: row.draft_id === null ? null : Number(row.draft_id),
    templateType: row.template_type === 1 ? 1 : 0,
    userVersion: row.user_version,
    userDesc: row.user_desc,
    sourceMiniprogramAppid: row.source_miniprogram_appid,
    sourceMiniprogram: row.source_miniprogram,
    developer: row.developer,
    categoryList: categories ?? [],
    auditScene: row.audit_scene,
    auditStatus: row.audit_status,
    reason: row.reason,
    createdAt: isoOf(row.create_time),
  };
}

/** The only code touching `code_release_template_drafts`, `code_release_templates` and `code_release_template_syncs`. */
@Injectable()
export class TemplateRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Replaces the stored library of a component with what WeChat answered, in one transaction. */
  async replace(componentAppid: string, drafts: TemplateDraft[], templates: Template[]): Promise<void> {
    await inTransaction(this.dataSource, async (tx) => {
      await tx.query('DELETE FROM code_release_template_drafts WHERE component_appid = ?', [componentAppid]);
      await tx.query('DELETE FROM code_release_templates WHERE component_appid = ?', [componentAppid]);
      if (drafts.length > 0) {
        await tx.query(
          `INSERT INTO code_release_template_drafts
             (component_appid, ${DRAFT_COLUMNS}, synced_at)
           VALUES ${drafts.map(() => `(?, ?, ?, ?, ?, ?, ?, ?, ${NOW})`).join(', ')}`,
          drafts.flatMap((d) => [
            componentAppid,
            d.draftId,
            d.userVersion,
            d.userDesc,
            d.sourceMiniprogramAppid ?? null,
            d.sourceMiniprogram ?? null,
            d.developer ?? null,
            d.createTime,
          ]),
        );
      }
      if (templates.length > 0) {
        await tx.query(
          `INSERT INTO code_release_templates
             (component_appid, ${TEMPLATE_COLUMNS}, synced_at)
           VALUES ${templates.map(() => `(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ${NOW})`).join(', ')}`,
          templates.flatMap((t) => [
            componentAppid,
            t.templateId,
            t.draftId,
            t.templateType,
            t.userVersion,
            t.userDesc,
            t.sourceMiniprogramAppid ?? null,
            t.sourceMiniprogram ?? null,
            t.developer ?? null,
            JSON.stringify(t.categoryList ?? []),
            t.auditScene ?? null,
            t.auditStatus ?? null,
            t.reason ?? null,
            t.createTime,
          ]),
        );
      }
      await tx.query(
        `INSERT INTO code_release_template_syncs (component_appid, drafts, templates, synced_at)
         VALUES (?, ?, ?, ${NOW})
         ON DUPLICATE KEY UPDATE drafts = VALUES(drafts), templates = VALUES(templates), synced_at = ${NOW}`,
        [componentAppid, drafts.length, templates.length],
      );
    });
  }

  /** The component's last sync (its row of code_release_template_syncs), without the library. */
  async syncState(componentAppid: string): Promise<TemplateSyncState> {
    const rows = (await this.dataSource.query(
      'SELECT synced_at, drafts, templates FROM code_release_template_syncs WHERE component_appid = ?',
      [componentAppid],
    )) as { synced_at: Date; drafts: number | string; templates: number | string }[];
    const row = rows[0];
    return {
      componentAppid,
      syncedAt: row ? new Date(row.synced_at).toISOString() : null,
      drafts: row ? Number(row.drafts) : 0,
      templates: row ? Number(row.templates) : 0,
    };
  }

  async library(componentAppid: string): Promise<TemplateLibrary> {
    const [drafts, templates, { syncedAt }] = await Promise.all([
      this.drafts(componentAppid),
      this.templates(componentAppid),
      this.syncState(componentAppid),
    ]);
    return { componentAppid, drafts, templates, syncedAt };
  }

  /** Newest first. */
  async drafts(componentAppid: string): Promise<TemplateDraftSummary[]> {
    const rows = (await this.dataSource.query(
      `SELECT ${DRAFT_COLUMNS} FROM code_release_template_drafts WHERE component_appid = ?
       ORDER BY create_time DESC, draft_id DESC`,
      [componentAppid],
    )) as DraftRow[];
    return rows.map(toDraft);
  }

  /** Newest first. */
  async templates(componentAppid: string): Promise<TemplateSummary[]> {
    const rows = (await this.dataSource.query(
      `SELECT ${TEMPLATE_COLUMNS} FROM code_release_templates WHERE component_appid = ?
       ORDER BY create_time DESC, template_id DESC`,
      [componentAppid],
    )) as TemplateRow[];
    return rows.map(toTemplate);
  }
}
