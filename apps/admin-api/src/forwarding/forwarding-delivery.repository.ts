import { Injectable } from '@nestjs/common';
import type { EventEnvelope } from '@wxop/contracts';
import { inTransaction } from '@wxop/database';
import { DataSource } from 'typeorm';

import type { AttemptOutcome } from './http-deliverer';

export type DeliveryState = 'pending' | 'delivered' | 'failed';

export interface DeliveryRecord {
  id: string;
  ruleId: string;
  eventId: string;
  eventType: string;
  envelope: EventEnvelope<Record<string, unknown>>;
  isTest: boolean;
  state: DeliveryState;
  attempts: number;
  lastStatusCode?: number;
  lastError?: string;
  createdAt: Date;
  updatedAt: Date;
  deliveredAt?: Date;
}

export interface AttemptRecord {
  attempt: number;
  statusCode?: number;
  latencyMs: number;
  error?: string;
  responseHead?: string;
  attemptedAt: Date;
}

/** Which deliveries of a rule a list or a bulk retry covers. */
export interface DeliveryFilter {
  state?: DeliveryState;
  eventType?: string;
  since?: Date;
  until?: Date;
}

/** A rule that failed recently (the dashboard). */
export interface FailingRuleRecord {
  ruleId: string;
  name: string;
  /** Deliveries marked failed in the last hour. */
  failedDeliveries: number;
  /** Failed attempts in the last hour since the rule's last successful one. */
  consecutiveFailures: number;
  lastError?: string;
}

interface DeliveryRow {
  id: string | number;
  rule_id: string;
  event_id: string;
  event_type: string;
  envelope: string | Record<string, unknown>;
  is_test: number;
  state: DeliveryState;
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  created_at: Date;
  updated_at: Date;
  delivered_at: Date | null;
}

interface AttemptRow {
  attempt: number;
  status_code: number | null;
  latency_ms: number;
  error: string | null;
  response_head: string | null;
  attempted_at: Date;
}

const NOW = 'UTC_TIMESTAMP(3)';
const COLUMNS = `id, rule_id, event_id, event_type, envelope, is_test, state, attempts, last_status_code,
  last_error, created_at, updated_at, delivered_at`;
export const DELIVERY_SORT_FIELDS = ['id', 'createdAt', 'updatedAt', 'attempts'] as const;
export type DeliverySortField = (typeof DELIVERY_SORT_FIELDS)[number];
const SORT_COLUMNS: Record<DeliverySortField, string> = {
  id: 'id',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
  attempts: 'attempts',
};
const BULK_BATCH = 1000;

/** The only code touching `forwarding_deliveries` and `forwarding_attempts`. */
@Injectable()
export class ForwardingDeliveryRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * One delivery per (rule, event), idempotent: an event seen again adds nothing. Answers the
   * deliveries of this event for these rules that are still pending (new or not yet settled), so
   * a redelivered event re-queues what a crash may have left unqueued.
   */
  async createForEvent(
    ruleIds: string[],
    envelope: EventEnvelope<unknown>,
    isTest = false,
  ): Promise<{ id: string; ruleId: string }[]> {
    if (ruleIds.length === 0) return [];
    const json = JSON.stringify(envelope);
    await this.dataSource.query(
      `INSERT IGNORE INTO forwarding_deliveries
         (rule_id, event_id, event_type, envelope, is_test, state, attempts, created_at, updated_at)
       VALUES ${ruleIds.map(() => `(?, ?, ?, ?, ?, 'pending', 0, ${NOW}, ${NOW})`).join(', ')}`,
      ruleIds.flatMap((ruleId) => [ruleId, envelope.id, envelope.type, json, isTest ? 1 : 0]),
    );
    const rows = (await this.dataSource.query(
      `SELECT id, rule_id FROM forwarding_deliveries
        WHERE event_id = ? AND rule_id IN (${ruleIds.map(() => '?').join(', ')}) AND state = 'pending'`,
      [envelope.id, ...ruleIds],
    )) as { id: string | number; rule_id: string }[];
    return rows.map((row) => ({ id: String(row.id), ruleId: row.rule_id }));
  }

  async find(id: string, ruleId?: string): Promise<DeliveryRecord | undefined> {
    const rows = (await this.dataSource.query(
      `SELECT ${COLUMNS} FROM forwarding_deliveries WHERE id = ?${ruleId ? ' AND rule_id = ?' : ''}`,
      ruleId ? [id, ruleId] : [id],
    )) as DeliveryRow[];
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  /**
   * Logs one attempt and moves the delivery to `state`, in one transaction: the UPDATE takes the
   * row lock and counts the attempt (`LAST_INSERT_ID(expr)` hands the count to the INSERT on the
   * same connection, one round trip fewer than reading it first).
   */
  async recordAttempt(deliveryId: string, outcome: AttemptOutcome, state: DeliveryState): Promise<void> {
    const error = outcome.error?.slice(0, 1024) ?? null;
    await inTransaction(this.dataSource, async (manager) => {
      const updated = (await manager.query(
        `UPDATE forwarding_deliveries
            SET attempts = LAST_INSERT_ID(attempts + 1), state = ?, last_status_code = ?, last_error = ?,
                updated_at = ${NOW}, delivered_at = IF(? = 'delivered', ${NOW}, delivered_at)
          WHERE id = ?`,
        [state, outcome.statusCode ?? null, error, state, deliveryId],
      )) as { affectedRows: number };
      if (updated.affectedRows === 0) return;
      await manager.query(
        `INSERT INTO forwarding_attempts
           (delivery_id, attempt, status_code, latency_ms, error, response_head, attempted_at)
         VALUES (?, LAST_INSERT_ID(), ?, ?, ?, ?, ${NOW})`,
        [
          deliveryId,
          outcome.statusCode ?? null,
          outcome.latencyMs,
          error,
          outcome.responseHead?.slice(0, 1024) ?? null,
        ],
      );
    });
  }

  async attemptsOf(deliveryId: string): Promise<AttemptRecord[]> {
    const rows = (await this.dataSource.query(
      `SELECT attempt, status_code, latency_ms, error, response_head, attempted_at
         FROM forwarding_attempts WHERE delivery_id = ? ORDER BY id`,
      [deliveryId],
    )) as AttemptRow[];
    return rows.map((row) => ({
      attempt: row.attempt,
      statusCode: row.status_code ?? undefined,
      latencyMs: row.latency_ms,
      error: row.error ?? undefined,
      responseHead: row.response_head ?? undefined,
      attemptedAt: row.attempted_at,
    }));
  }

  async list(
    ruleId: string,
    filter: DeliveryFilter,
    page: { limit: number; offset: number; sort: DeliverySortField; order: 'asc' | 'desc' },
  ): Promise<{ items: DeliveryRecord[]; total: number }> {
    const { where, values } = whereOf(ruleId, filter);
    const direction = page.order === 'asc' ? 'ASC' : 'DESC';
    const rows = (await this.dataSource.query(
      `SELECT ${COLUMNS} FROM forwarding_deliveries WHERE ${where}
        ORDER BY ${SORT_COLUMNS[page.sort]} ${direction}, id ${direction} LIMIT ? OFFSET ?`,
      [...values, page.limit, page.offset],
    )) as DeliveryRow[];
    const [count] = (await this.dataSource.query(
      `SELECT COUNT(*) AS total FROM forwarding_deliveries WHERE ${where}`,
      values,
    )) as { total: string | number }[];
    return { items: rows.map(toRecord), total: Number(count?.total ?? 0) };
  }

  /** Puts one delivery of the rule back to pending (attempt count kept); false when no such delivery. */
  async reopen(ruleId: string, id: string): Promise<boolean> {
    const result = (await this.dataSource.query(
      `UPDATE forwarding_deliveries SET state = 'pending', updated_at = ${NOW} WHERE id = ? AND rule_id = ?`,
      [id, ruleId],
    )) as { affectedRows: number };
    return result.affectedRows > 0;
  }

  /**
   * Puts every failed delivery of the rule matching the filter back to pending, in batches of a
   * thousand (short transactions, whatever the count); calls `onBatch` with each batch's ids.
   */
  async reopenFailed(
    ruleId: string,
    filter: Omit<DeliveryFilter, 'state'>,
    onBatch: (ids: string[]) => Promise<void>,
  ): Promise<number> {
    let reopened = 0;
    let afterId = '0';
    for (;;) {
      const { where, values } = whereOf(ruleId, { ...filter, state: 'failed' });
      const rows = (await this.dataSource.query(
        `SELECT id FROM forwarding_deliveries WHERE ${where} AND id > ? ORDER BY id LIMIT ${BULK_BATCH}`,
        [...values, afterId],
      )) as { id: string | number }[];
      if (rows.length === 0) return reopened;
      const ids = rows.map((row) => String(row.id));
      const result = (await this.dataSource.query(
        `UPDATE forwarding_deliveries SET state = 'pending', updated_at = ${NOW}
          WHERE state = 'failed' AND id IN (${ids.map(() => '?').join(', ')})`,
        ids,
      )) as { affectedRows: number };
      reopened += result.affectedRows;
      await onBatch(ids);
      afterId = ids.at(-1)!;
    }
  }

  /** Rules with deliveries failed, or attempts failing since their last success, in the last hour. */
  async failingRules(): Promise<FailingRuleRecord[]> {
    const rows = (await this.dataSource.query(
      `SELECT r.id AS rule_id, r.name,
              (SELECT COUNT(*) FROM forwarding_deliveries d
                WHERE d.rule_id = r.id AND d.state = 'failed' AND d.updated_at > ${NOW} - INTERVAL 1 HOUR) AS failed,
              (SELECT COUNT(*) FROM forwarding_attempts a JOIN forwarding_deliveries d ON d.id = a.delivery_id
                WHERE d.rule_id = r.id AND a.attempted_at > ${NOW} - INTERVAL 1 HOUR
                  AND (a.status_code IS NULL OR a.status_code NOT BETWEEN 200 AND 299)
                  AND a.attempted_at > COALESCE((SELECT MAX(a2.attempted_at) FROM forwarding_attempts a2
                      JOIN forwarding_deliveries d2 ON d2.id = a2.delivery_id
                     WHERE d2.rule_id = r.id AND a2.status_code BETWEEN 200 AND 299), '1970-01-01')) AS consecutive,
              (SELECT d.last_error FROM forwarding_deliveries d
                WHERE d.rule_id = r.id AND d.last_error IS NOT NULL ORDER BY d.updated_at DESC LIMIT 1) AS last_error
         FROM forwarding_rules r
       HAVING failed > 0 OR consecutive > 0
        ORDER BY failed DESC, consecutive DESC`,
    )) as {
      rule_id: string;
      name: string;
      failed: string | number;
      consecutive: string | number;
      last_error: string | null;
    }[];
    return rows.map((row) => ({
      ruleId: row.rule_id,
      name: row.name,
      failedDeliveries: Number(row.failed),
      consecutiveFailures: Number(row.consecutive),
      lastError: row.last_error ?? undefined,
    }));
  }
}

function whereOf(ruleId: string, filter: DeliveryFilter): { where: string; values: unknown[] } {
  const clauses = ['rule_id = ?'];
  const values: unknown[] = [ruleId];
  if (filter.state) {
    clauses.push('state = ?');
    values.push(filter.state);
  }
  if (filter.eventType) {
    clauses.push('event_type = ?');
    values.push(filter.eventType);
  }
  if (filter.since) {
    clauses.push('created_at >= ?');
    values.push(filter.since);
  }
  if (filter.until) {
    clauses.push('created_at < ?');
    values.push(filter.until);
  }
  return { where: clauses.join(' AND '), values };
}

function toRecord(row: DeliveryRow): DeliveryRecord {
  return {
    id: String(row.id),
    ruleId: row.rule_id,
    eventId: row.event_id,
    eventType: row.event_type,
    envelope: (typeof row.envelope === 'string' ? JSON.parse(row.envelope) : row.envelope) as EventEnvelope<
      Record<string, unknown>
    >,
    isTest: Boolean(row.is_test),
    state: row.state,
    attempts: row.attempts,
    lastStatusCode: row.last_status_code ?? undefined,
    lastError: row.last_error ?? undefined,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    deliveredAt: row.delivered_at ?? undefined,
  };
}
