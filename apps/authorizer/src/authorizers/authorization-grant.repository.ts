import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

import { NOW, type Executor } from './authorizer-row.util';

export type GrantRecorder = 'push' | 'landing' | 'fast_registration' | 'recovery';

/** One exchanged auth code, as first recorded by the push or the landing page. */
export interface GrantRecord {
  componentAppid: string;
  authorizerAppid: string;
  linkId?: string;
  bizRef?: string;
  funcInfo: number[];
  eventType: string;
  eventId: string;
  recordedBy: GrantRecorder;
}

export interface NewGrant extends GrantRecord {
  codeHash: string;
}

interface GrantRow {
  component_appid: string;
  authorizer_appid: string;
  link_id: string | null;
  biz_ref: string | null;
  func_info: string;
  event_type: string;
  event_id: string;
  recorded_by: GrantRecorder;
}

/** The only code touching `authorization_grants`: one row per exchanged auth code. */
@Injectable()
export class AuthorizationGrantRepository {
  constructor(private readonly dataSource: DataSource) {}

  async findGrant(codeHash: string, executor: Executor = this.dataSource): Promise<GrantRecord | undefined> {
    const [row] = (await executor.query(
      `SELECT component_appid, authorizer_appid, link_id, biz_ref, func_info, event_type, event_id, recorded_by
       FROM authorization_grants WHERE code_hash = ?`,
      [codeHash],
    )) as GrantRow[];
    if (!row) return undefined;
    const grant: GrantRecord = {
      componentAppid: row.component_appid,
      authorizerAppid: row.authorizer_appid,
      funcInfo: JSON.parse(row.func_info) as number[],
      eventType: row.event_type,
      eventId: row.event_id,
      recordedBy: row.recorded_by,
    };
    if (row.link_id !== null) grant.linkId = row.link_id;
    if (row.biz_ref !== null) grant.bizRef = row.biz_ref;
    return grant;
  }

  /** True once an authorization came through the link (its pre-auth code is spent). */
  async linkUsed(linkId: string): Promise<boolean> {
    const rows = (await this.dataSource.query(
      `SELECT 1 FROM authorization_grants WHERE link_id = ? LIMIT 1`,
      [linkId],
    )) as unknown[];
    return rows.length > 0;
  }

  /**
   * Records a grant once per code: true for the caller that inserted it. A concurrent caller with
   * the same code waits on the row lock, then gets false (and must not announce anything).
   */
  async insertGrant(executor: Executor, grant: NewGrant): Promise<boolean> {
    const outcome = (await executor.query(
      `INSERT IGNORE INTO authorization_grants
         (code_hash, component_appid, authorizer_appid, link_id, biz_ref, func_info, event_type, event_id,
          recorded_by, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ${NOW})`,
      [
        grant.codeHash,
        grant.componentAppid,
        grant.authorizerAppid,
        grant.linkId ?? null,
        grant.bizRef ?? null,
        JSON.stringify(grant.funcInfo),
        grant.eventType,
        grant.eventId,
        grant.recordedBy,
      ],
    )) as { affectedRows: number };
    return outcome.affectedRows > 0;
  }
}
