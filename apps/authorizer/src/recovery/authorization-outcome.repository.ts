import { Injectable } from '@nestjs/common';
import type { AuthorizationFailureReason, AuthorizationOutcome } from '@wxop/contracts';
import { DataSource, type EntityManager } from 'typeorm';

/** An authorization whose code could not be exchanged, as recorded. */
export interface NewAuthorizationOutcome {
  codeHash: string;
  componentAppid: string;
  authorizerAppid: string;
  outcome: 'failed' | 'recovered';
  reason?: AuthorizationFailureReason;
  errcode?: number;
  detail: string;
  linkId?: string;
  bizRef?: string;
  authorizedAt?: Date;
  eventId?: string;
}

export interface OutcomeFilter {
  componentAppid: string;
  authorizerAppid?: string;
  outcome?: 'failed' | 'recovered';
  offset: number;
  limit: number;
}

interface OutcomeRow {
  component_appid: string;
  authorizer_appid: string;
  outcome: 'failed' | 'recovered';
  reason: AuthorizationFailureReason | null;
  errcode: number | null;
  detail: string;
  link_id: string | null;
  biz_ref: string | null;
  authorized_at: Date | null;
  event_id: string | null;
  created_at: Date;
}

const COLUMNS = `component_appid, authorizer_appid, outcome, reason, errcode, detail, link_id, biz_ref,
  authorized_at, event_id, created_at`;

/** The only code touching `authorization_outcomes` (one row per auth code, never changed). */
@Injectable()
export class AuthorizationOutcomeRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Records the outcome unless the code has one already; true when this call recorded it. */
  async insert(manager: EntityManager, outcome: NewAuthorizationOutcome): Promise<boolean> {
    const result = (await manager.query(
      `INSERT IGNORE INTO authorization_outcomes
         (code_hash, component_appid, authorizer_appid, outcome, reason, errcode, detail, link_id, biz_ref,
          authorized_at, event_id, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, UTC_TIMESTAMP(3))`,
      [
        outcome.codeHash,
        outcome.componentAppid,
        outcome.authorizerAppid,
        outcome.outcome,
        outcome.reason ?? null,
        outcome.errcode ?? null,
        outcome.detail.slice(0, 512),
        outcome.linkId ?? null,
        outcome.bizRef ?? null,
        outcome.authorizedAt ?? null,
        outcome.eventId ?? null,
      ],
    )) as { affectedRows: number };
    return result.affectedRows === 1;
  }

  async find(codeHash: string): Promise<AuthorizationOutcome | undefined> {
    const [row] = (await this.dataSource.query(
      `SELECT ${COLUMNS} FROM authorization_outcomes WHERE code_hash = ?`,
      [codeHash],
    )) as OutcomeRow[];
    return row ? toOutcome(row) : undefined;
  }

  /** Newest first. */
  async list(filter: OutcomeFilter): Promise<{ total: number; items: AuthorizationOutcome[] }> {
    const where = ['component_appid = ?'];
    const params: unknown[] = [filter.componentAppid];
    if (filter.authorizerAppid) {
      where.push('authorizer_appid = ?');
      params.push(filter.authorizerAppid);
    }
    if (filter.outcome) {
      where.push('outcome = ?');
      params.push(filter.outcome);
    }
    const clause = where.join(' AND ');
    const [count] = (await this.dataSource.query(
      `SELECT COUNT(*) AS total FROM authorization_outcomes WHERE ${clause}`,
      params,
    )) as { total: string | number }[];
    const rows = (await this.dataSource.query(
      `SELECT ${COLUMNS} FROM authorization_outcomes WHERE ${clause}
       ORDER BY created_at DESC, code_hash LIMIT ? OFFSET ?`,
      [...params, filter.limit, filter.offset],
    )) as OutcomeRow[];
    return { total: Number(count?.total ?? 0), items: rows.map(toOutcome) };
  }
}

function toOutcome(row: OutcomeRow): AuthorizationOutcome {
  return {
    componentAppid: row.component_appid,
    authorizerAppid: row.authorizer_appid,
    outcome: row.outcome,
    reason: row.reason,
    errcode: row.errcode,
    detail: row.detail,
    bizRef: row.biz_ref,
    linkId: row.link_id,
    authorizedAt: row.authorized_at ? row.authorized_at.toISOString() : null,
    eventId: row.event_id,
    recordedAt: row.created_at.toISOString(),
  };
}
