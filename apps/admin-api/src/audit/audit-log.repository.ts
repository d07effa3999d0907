import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

import type { AuditEntry, AuditOutcome } from './audit-entry';

export interface AuditRow {
  at: Date;
  actorUserId: number | null;
  actorUsername: string | null;
  actorRole: string | null;
  action: string;
  target: string | null;
  method: string | null;
  path: string | null;
  ip: string | null;
  userAgent: string | null;
  outcome: AuditOutcome;
  errorCode: string | null;
  details: Record<string, unknown> | null;
  correlationId: string | null;
}

export interface AuditSearch {
  actor?: string;
  action?: string;
  target?: string;
  outcome?: AuditOutcome;
  from?: Date;
  to?: Date;
  text?: string;
  sort: 'at' | 'action' | 'actor';
  order: 'asc' | 'desc';
  limit: number;
  offset: number;
}

const SORT_COLUMNS: Record<AuditSearch['sort'], string> = {
  at: 'at',
  action: 'action',
  actor: 'actor_username',
};

interface DbRow {
  id: string | number;
  at: Date;
  actor_user_id: string | number | null;
  actor_username: string | null;
  actor_role: string | null;
  action: string;
  target: string | null;
  method: string | null;
  path: string | null;
  ip: string | null;
  user_agent: string | null;
  outcome: AuditOutcome;
  error_code: string | null;
  details: string | Record<string, unknown> | null;
  correlation_id: string | null;
}

/** `%…%` for LIKE with the user's own `%`, `_` and `\` taken literally. */
function contains(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * The audit log table: insert and search only. There is deliberately no update or delete here
 * (append-only); the database account could still change rows, see the README.
 */
@Injectable()
export class AuditLogRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(row: AuditRow): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO audit_log (at, actor_user_id, actor_username, actor_role, action, target, method, path,
         ip, user_agent, outcome, error_code, details, correlation_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        row.at,
        row.actorUserId,
        row.actorUsername,
        row.actorRole,
        row.action.slice(0, 128),
        row.target?.slice(0, 255) ?? null,
        row.method,
        row.path?.slice(0, 512) ?? null,
        row.ip?.slice(0, 64) ?? null,
        row.userAgent?.slice(0, 512) ?? null,
        row.outcome,
        row.errorCode?.slice(0, 64) ?? null,
        row.details === null ? null : JSON.stringify(row.details),
        row.correlationId?.slice(0, 64) ?? null,
      ],
    );
  }

  async search(search: AuditSearch): Promise<{ items: AuditEntry[]; total: number }> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (search.actor !== undefined) {
      where.push('actor_username = ?');
      params.push(search.actor);
    }
    if (search.action !== undefined) {
      // `users.` finds every users.* action; a whole name finds that action.
      if (search.action.endsWith('.')) {
        where.push('action LIKE ?');
        params.push(`${search.action.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
      } else {
        where.push('action = ?');
        params.push(search.action);
      }
    }
    if (search.target !== undefined) {
      where.push('target LIKE ?');
      params.push(contains(search.target));
    }
    if (search.outcome !== undefined) {
      where.push('outcome = ?');
      params.push(search.outcome);
    }
    if (search.from !== undefined) {
      where.push('at >= ?');
      params.push(search.from);
    }
    if (search.to !== undefined) {
      where.push('at < ?');
      params.push(search.to);
    }
    if (search.text !== undefined) {
      where.push(
        '(action LIKE ? OR target LIKE ? OR actor_username LIKE ? OR error_code LIKE ? OR CAST(details AS CHAR) LIKE ?)',
      );
      const pattern = contains(search.text);
      params.push(pattern, pattern, pattern, pattern, pattern);
    }
    const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    const order = search.order === 'asc' ? 'ASC' : 'DESC';
    const rows: DbRow[] = await this.dataSource.query(
      `SELECT * FROM audit_log ${clause} ORDER BY ${SORT_COLUMNS[search.sort]} ${order}, id ${order} LIMIT ? OFFSET ?`,
      [...params, search.limit, search.offset],
    );
    const [count]: { total: string | number }[] = await this.dataSource.query(
      `SELECT COUNT(*) AS total FROM audit_log ${clause}`,
      params,
    );
    return { items: rows.map(toEntry), total: Number(count?.total ?? 0) };
  }
}

function toEntry(row: DbRow): AuditEntry {
  return {
    id: Number(row.id),
    at: new Date(row.at).toISOString(),
    actor: {
      userId: row.actor_user_id === null ? null : Number(row.actor_user_id),
      username: row.actor_username,
      role: row.actor_role,
    },
    action: row.action,
    target: row.target,
    method: row.method,
    path: row.path,
    ip: row.ip,
    userAgent: row.user_agent,
    outcome: row.outcome,
    errorCode: row.error_code,
    details:
      typeof row.details === 'string' ? (JSON.parse(row.details) as Record<string, unknown>) : row.details,
    correlationId: row.correlation_id,
  };
}
