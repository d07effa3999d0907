import { Injectable } from '@nestjs/common';
import type { AuthorizationSource, AuthorizerHistoryEntry } from '@wxop/contracts';
import { DataSource } from 'typeorm';

import { NOW, type Executor } from './authorizer-row.util';

export interface HistoryEntry {
  componentAppid: string;
  authorizerAppid: string;
  status: AuthorizerHistoryEntry['status'];
  source: AuthorizationSource;
  funcInfo?: number[];
  bizRef?: string | null;
  eventId?: string;
  occurredAt: Date;
}

interface HistoryRow {
  status: AuthorizerHistoryEntry['status'];
  source: AuthorizationSource;
  func_info: string | null;
  biz_ref: string | null;
  event_id: string | null;
  occurred_at: Date;
}

/** The only code touching `authorizer_history`: every authorization and unauthorization, appended. */
@Injectable()
export class AuthorizerHistoryRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Appends to the authorizers' status history (one statement). */
  async addHistory(executor: Executor, entries: HistoryEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await executor.query(
      `INSERT INTO authorizer_history
         (component_appid, authorizer_appid, status, source, func_info, biz_ref, event_id, occurred_at, created_at)
       VALUES ${entries.map(() => `(?, ?, ?, ?, ?, ?, ?, ?, ${NOW})`).join(', ')}`,
      entries.flatMap((entry) => [
        entry.componentAppid,
        entry.authorizerAppid,
        entry.status,
        entry.source,
        entry.funcInfo ? JSON.stringify(entry.funcInfo) : null,
        entry.bizRef ?? null,
        entry.eventId ?? null,
        entry.occurredAt,
      ]),
    );
  }

  /** An authorizer's latest history entries, newest first. */
  async latest(
    componentAppid: string,
    authorizerAppid: string,
    limit: number,
  ): Promise<AuthorizerHistoryEntry[]> {
    const rows = (await this.dataSource.query(
      `SELECT status, source, func_info, biz_ref, event_id, occurred_at FROM authorizer_history
       WHERE component_appid = ? AND authorizer_appid = ? ORDER BY id DESC LIMIT ?`,
      [componentAppid, authorizerAppid, limit],
    )) as HistoryRow[];
    return rows.map((entry) => ({
      status: entry.status,
      source: entry.source,
      funcInfo: entry.func_info ? (JSON.parse(entry.func_info) as number[]) : null,
      bizRef: entry.biz_ref,
      eventId: entry.event_id,
      occurredAt: entry.occurred_at.toISOString(),
    }));
  }
}
