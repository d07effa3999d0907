import { Injectable } from '@nestjs/common';
import type { EventEnvelope } from '@wxop/contracts';
import { inTransaction } from '@wxop/database';
import { DataSource } from 'typeorm';

import { GroupCommit } from './group-commit';
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

/** The deliveries of one event to create; `pending` is filled with those still pending. */
interface NewDeliveries {
  ruleIds: string[];
  envelope: EventEnvelope<unknown>;
  json: string;
  isTest: boolean;
  pending: { id: string; ruleId: string }[];
}

/** One attempt of one delivery, to log. */
export interface AttemptEntry {
  deliveryId: string;
  outcome: AttemptOutcome;
  state: DeliveryState;
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
  private readonly attempts = new GroupCommit<AttemptEntry>((entries) => this.recordAttempts(entries), {
    maxBatch: 200,
    maxConcurrentWrites: 2,
  });

  private readonly newDeliveries = new GroupCommit<NewDeliveries>((entries) => this.createMany(entries), {
    maxBatch: 200,
    maxConcurrentWrites: 2,
  });

  constructor(private readonly dataSource: DataSource) {}

  /**
   * One delivery per (rule, event), idempotent: an event seen again adds nothing. Answers the
   * deliveries of this event for these rules that are still pending (new or not yet settled), so
   * a redelivered event re-queues what a crash may have left unqueued. `body` is the envelope's JSON
   * as stored (what is POSTed and signed).
   */
  async createForEvent(
    ruleIds: string[],
    envelope: EventEnvelope<unknown>,
    isTest = false,
  ): Promise<{ pending: { id: string; ruleId: string }[]; body: string }> {
    const json = JSON.stringify(envelope);
    if (ruleIds.length === 0) return { pending: [], body: json };
    const entry: NewDeliveries = { ruleIds, envelope, json, isTest, pending: [] };
    await this.newDeliveries.add(envelope.id, entry);
    return { pending: entry.pending, body: json };
  }

  /**
   * The deliveries of several events in two statements: one multi-row INSERT IGNORE, then one
   * SELECT of those still pending, handed back to each entry.
   */
  private async createMany(entries: NewDeliveries[]): Promise<void> {
    const pairs = entries.flatMap((entry) => entry.ruleIds.map((ruleId) => ({ entry, ruleId })));
    await this.dataSource.query(
      `INSERT IGNORE INTO forwarding_deliveries
         (rule_id, event_id, event_type, envelope, is_test, state, attempts, created_at, updated_at)
       VALUES ${pairs.map(() => `(?, ?, ?, ?, ?, 'pending', 0, ${NOW}, ${NOW})`).join(', ')}`,
      pairs.flatMap(({ entry, ruleId }) => [
        ruleId,
        entry.envelope.id,
        entry.envelope.type,
        entry.json,
        entry.isTest ? 1 : 0,
      ]),
    );
    const ruleIds = [...new Set(pairs.map((pair) => pair.ruleId))];
    const rows = (await this.dataSource.query(
      `SELECT id, rule_id, event_id FROM forwarding_deliveries
        WHERE rule_id IN (${ruleIds.map(() => '?').join(', ')})
          AND event_id IN (${entries.map(() => '?').join(', ')}) AND state = 'pending'`,
      [...ruleIds, ...entries.map((entry) => entry.envelope.id)],
    )) as { id: string | number; rule_id: string; event_id: string }[];
    const byEvent = new Map(entries.map((entry) => [entry.envelope.id, entry]));
    for (const row of rows) {
      const entry = byEvent.get(row.event_id);
      if (entry?.ruleIds.includes(row.rule_id))
        entry.pending.push({ id: String(row.id), ruleId: row.rule_id });
    }
  }

  async find(id: string, ruleId?: string): Promise<DeliveryRecord | undefined> {
    const rows = (await this.dataSource.query(
      `SELECT ${COLUMNS} FROM forwarding_deliveries WHERE id = ?${ruleId ? ' AND rule_id = ?' : ''}`,
      ruleId ? [id, ruleId] : [id],
    )) as DeliveryRow[];
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  /**
   * Logs one attempt and moves the delivery to `state`; resolves once committed. Attempts recorded
   * at the same time share one transaction (GroupCommit, `recordAttempts`).
   */
  recordAttempt(deliveryId: string, outcome: AttemptOutcome, state: DeliveryState): Promise<void> {
    return this.attempts.add(deliveryId, { deliveryId, outcome, state });
  }

  /**
   * Logs attempts of distinct deliveries in one transaction of two statements, whatever their
   * number: one UPDATE counts each attempt and moves each delivery to its state (CASE by id), then
   * one INSERT … SELECT writes each attempt with the count the UPDATE gave it (read under the row
   * locks the UPDATE holds). A delivery that no longer exists (its rule was deleted) gets no row.
   */
  async recordAttempts(entries: AttemptEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const ids = entries.map((entry) => entry.deliveryId);
    const inList = ids.map(() => '?').join(', ');
    const caseOf = (value: (entry: AttemptEntry) => unknown) => ({
      sql: `CASE id ${entries.map(() => 'WHEN ? THEN ?').join(' ')} END`,
      params: entries.flatMap((entry) => [entry.deliveryId, value(entry)]),
    });
    const state = caseOf((entry) => entry.state);
    const status = caseOf((entry) => entry.outcome.statusCode ?? null);
    const error = caseOf((entry) => entry.outcome.error?.slice(0, 1024) ?? null);
    const latency = caseOf((entry) => entry.outcome.latencyMs);
    const head = caseOf((entry) => entry.outcome.responseHead?.slice(0, 1024) ?? null);
    await inTransaction(this.dataSource, async (manager) => {
      // Assignments apply left to right: delivered_at reads the state just set.
      await manager.query(
        `UPDATE forwarding_deliveries
            SET attempts = attempts + 1, state = ${state.sql}, last_status_code = ${status.sql},
                last_error = ${error.sql}, updated_at = ${NOW},
                delivered_at = IF(state = 'delivered', ${NOW}, delivered_at)
          WHERE id IN (${inList})`,
        [...state.params, ...status.params, ...error.params, ...ids],
      );
      await manager.query(
        `INSERT INTO forwarding_attempts
           (delivery_id, attempt, status_code, latency_ms, error, response_head, attempted_at)
         SELECT id, attempts, ${status.sql}, ${latency.sql}, ${error.sql}, ${head.sql}, ${NOW}
           FROM forwarding_deliveries WHERE id IN (${inList}) ORDER BY id`,
        [...status.params, ...latency.params, ...error.params, ...head.params, ...ids],
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

  /**
   * Deletes up to `batchSize` settled deliveries (delivered, then failed) last updated before
   * `cutoff`, their attempts with them (ON DELETE CASCADE); returns how many. Pending deliveries
   * are never purged: they are still being retried. Each state is one range of
   * `(state, updated_at)`, so a batch reads only what it deletes; replicas purging at once share the work.
   */
  async purgeSettledBatch(cutoff: Date, batchSize: number): Promise<number> {
    let deleted = 0;
    for (const state of ['delivered', 'failed'] as const) {
      if (deleted >= batchSize) break;
      const outcome = (await this.dataSource.query(
        `DELETE FROM forwarding_deliveries WHERE state = ? AND updated_at < ? ORDER BY updated_at LIMIT ?`,
        [state, cutoff, batchSize - deleted],
      )) as { affectedRows: number };
      deleted += outcome.affectedRows;
    }
    return deleted;
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
