import { Injectable } from '@nestjs/common';
import type { ReleaseAction, ReleaseHistoryEntry, ReleaseHistoryPage } from '@wxop/contracts';
import { DataSource } from 'typeorm';

/** One action on a mini program's versions, as it is recorded. */
export interface NewHistoryEntry {
  componentAppid: string;
  authorizerAppid: string;
  action: ReleaseAction;
  actor: string;
  /** What was asked, without secrets. */
  input: Record<string, unknown>;
  outcome: ReleaseHistoryEntry['outcome'];
  errcode?: number;
  message?: string;
  result?: Record<string, unknown>;
  campaignId?: string;
}

interface HistoryRow {
  id: string | number;
  component_appid: string;
  authorizer_appid: string;
  action: ReleaseAction;
  actor: string;
  input: string | Record<string, unknown>;
  outcome: ReleaseHistoryEntry['outcome'];
  errcode: number | null;
  message: string | null;
  result: string | Record<string, unknown> | null;
  campaign_id: string | null;
  occurred_at: Date;
}

const NOW = 'UTC_TIMESTAMP(3)';
const COLUMNS = `id, component_appid, authorizer_appid, action, actor, input, outcome, errcode, message, result,
  campaign_id, occurred_at`;
const MESSAGE_MAX = 1024;

const json = <T>(value: string | T): T => (typeof value === 'string' ? (JSON.parse(value) as T) : value);

function toEntry(row: HistoryRow): ReleaseHistoryEntry {
  return {
    id: String(row.id),
    componentAppid: row.component_appid,
    authorizerAppid: row.authorizer_appid,
    action: row.action,
    actor: row.actor,
    input: json(row.input),
    outcome: row.outcome,
    errcode: row.errcode,
    message: row.message,
    result: row.result === null ? null : json(row.result),
    campaignId: row.campaign_id,
    occurredAt: new Date(row.occurred_at).toISOString(),
  };
}

/** The only code touching `release_history` (per-account history of every action, never deleted). */
@Injectable()
export class ReleaseHistoryRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Answers the new entry's id. */
  async record(entry: NewHistoryEntry): Promise<string> {
    const result = (await this.dataSource.query(
      `INSERT INTO release_history
         (component_appid, authorizer_appid, action, actor, input, outcome, errcode, message, result,
          campaign_id, occurred_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ${NOW})`,
      [
        entry.componentAppid,
        entry.authorizerAppid,
        entry.action,
        entry.actor,
        JSON.stringify(entry.input),
        entry.outcome,
        entry.errcode ?? null,
        entry.message === undefined ? null : entry.message.slice(0, MESSAGE_MAX),
        entry.result === undefined ? null : JSON.stringify(entry.result),
        entry.campaignId ?? null,
      ],
    )) as { insertId: number | string };
    return String(result.insertId);
  }

  /** Newest first, `limit` entries older than `before` (an id). */
  async list(filter: {
    componentAppid: string;
    authorizerAppid: string;
    before?: string;
    limit: number;
  }): Promise<ReleaseHistoryPage> {
    const rows = (await this.dataSource.query(
      `SELECT ${COLUMNS} FROM release_history
       WHERE component_appid = ? AND authorizer_appid = ? ${filter.before === undefined ? '' : 'AND id < ?'}
       ORDER BY id DESC LIMIT ?`,
      [
        filter.componentAppid,
        filter.authorizerAppid,
        ...(filter.before === undefined ? [] : [filter.before]),
        filter.limit + 1,
      ],
    )) as HistoryRow[];
    const items = rows.slice(0, filter.limit).map(toEntry);
    return {
      items,
      nextBefore: rows.length > filter.limit ? items[items.length - 1]!.id : null,
    };
  }
}
