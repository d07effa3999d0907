import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { CampaignOperationPage, CampaignOperationSummary } from '@wxop/contracts';
import { inTransaction } from '@wxop/database';
import { DataSource, type EntityManager } from 'typeorm';

import {
  TARGET_COLUMNS,
  toClaimed,
  type ClaimedTarget,
  type InFlightAudit,
  type TargetRow,
} from './campaign.repository';
import type { TargetState } from './target-state';

const NOW = 'UTC_TIMESTAMP(3)';

/** What is kept of one chosen target of an operation that runs in the background. */
export interface OperationTargetInput {
  authorizerAppid: string;
  /** The target's state when the operation took it. */
  state: string;
  auditId?: number | null;
  /** Not to be worked on before this many seconds from now (0: at once). */
  dueInSeconds?: number;
}

/** An operation that runs in the background (`code_release_operations`). */
export interface OperationRecord {
  operationId: string;
  campaignId: string;
  operation: string;
  requestedBy: string;
  /** Owner of the operation's lease and of its targets' leases. */
  owner: string;
}

/** A target of a background operation still to do. */
export interface PendingOperationTarget {
  authorizerAppid: string;
  initialState: string;
  auditId: number | null;
  /** Its WeChat call was started by an owner before (who stopped or crashed): it may have reached WeChat. */
  started: boolean;
}

/** Fences a write to an operation's rows by the operation's current owner (joined as `op`). */
const OWNED = `JOIN code_release_operations op ON op.operation_id = ? AND op.lease_owner = ? AND op.status = 'running'`;

/** How one target of a background operation ended. */
export interface OperationTargetOutcome {
  authorizerAppid: string;
  outcome: string;
  state: string;
  errcode?: number;
  message?: string;
}

const SUMMARY_SELECT = `SELECT op.operation_id, op.campaign_id, op.operation, op.requested_by, op.status,
    op.created_at, op.updated_at, op.finished_at FROM code_release_operations op`;

interface OperationSummaryRow {
  operation_id: string;
  campaign_id: string;
  operation: CampaignOperationSummary['operation'];
  requested_by: string;
  status: CampaignOperationSummary['status'];
  created_at: Date;
  updated_at: Date;
  finished_at: Date | null;
}

function summaryOf(
  row: OperationSummaryRow,
  counts: Map<string, Map<string | null, number>>,
): CampaignOperationSummary {
  const byOutcome = counts.get(row.operation_id) ?? new Map<string | null, number>();
  const outcomes: CampaignOperationSummary['outcomes'] = {};
  let total = 0;
  for (const [outcome, count] of byOutcome) {
    total += count;
    if (outcome !== null) outcomes[outcome as keyof CampaignOperationSummary['outcomes']] = count;
  }
  return {
    operationId: row.operation_id,
    campaignId: row.campaign_id,
    operation: row.operation,
    requestedBy: row.requested_by,
    status: row.status,
    total,
    pending: byOutcome.get(null) ?? 0,
    outcomes,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    finishedAt: row.finished_at?.toISOString() ?? null,
  };
}

/** `code-release.campaigns.operations.list` as parsed. */
export interface OperationListQuery {
  campaignId: string;
  status?: 'running' | 'finished';
  order: 'asc' | 'desc';
  limit: number;
  offset: number;
}

/** A target of an operation as recorded: its outcome and what came with it (all null while still to do). */
export interface RecordedOutcome {
  authorizerAppid: string;
  outcome: string | null;
  state: string | null;
  errcode: number | null;
  message: string | null;
}

/** The chosen targets of an operation, sorted by what can be done with them now. */
export interface ChosenTargets {
  /** In a state the operation applies to, now leased by the operation's owner. */
  claimed: ClaimedTarget[];
  /** In such a state, but a worker (or another operation) holds its lease right now. */
  busy: { authorizerAppid: string; state: TargetState }[];
  /** In another state, or not a target of this campaign (state `not_in_campaign`). */
  notApplicable: { authorizerAppid: string; state: string }[];
}

/**
 * The operator's operations on campaign targets (ADR 0022): claims chosen targets under the same
 * leases as the worker (so an operation and a worker never act on one target at once), the
 * approval flag, the once-per-attempt speedup mark, and the undo counts read from release_history.
 */
@Injectable()
export class CampaignOperationsRepository {
  /** Undo locks held at once by this process: each holds a pool connection (DB_POOL_SIZE, 10 by default). */
  private static readonly UNDO_LOCKS_AT_ONCE = 3;
  private undoLocksHeld = 0;
  private readonly undoLockWaiters: (() => void)[] = [];

  constructor(private readonly dataSource: DataSource) {}

  /**
   * Leases the chosen targets (all of the campaign's when `authorizerAppids` is omitted) that are
   * in `states` and not leased by anyone, whatever the campaign's status: a released target of a
   * finished campaign can still be reverted.
   */
  async claimChosen(
    campaignId: string,
    states: readonly TargetState[],
    authorizerAppids: string[] | undefined,
    owner: string,
    leaseSeconds: number,
  ): Promise<ChosenTargets> {
    return inTransaction(this.dataSource, async (manager) => {
      const rows = (await manager.query(
        `SELECT ${TARGET_COLUMNS}, (lease_until IS NOT NULL AND lease_until >= ${NOW}) AS leased
         FROM code_release_campaign_targets
         WHERE campaign_id = ? ${authorizerAppids ? 'AND authorizer_appid IN (?)' : 'AND state IN (?)'}
         ORDER BY ordinal FOR UPDATE SKIP LOCKED`,
        [campaignId, authorizerAppids ?? states],
      )) as (TargetRow & { leased: number | string })[];
      const result: ChosenTargets = { claimed: [], busy: [], notApplicable: [] };
      const seen = new Set(rows.map((row) => row.authorizer_appid));
      for (const row of rows) {
        if (!states.includes(row.state))
          result.notApplicable.push({ authorizerAppid: row.authorizer_appid, state: row.state });
        else if (Number(row.leased) === 1)
          result.busy.push({ authorizerAppid: row.authorizer_appid, state: row.state });
        else result.claimed.push(toClaimed(row));
      }
      const missing = (authorizerAppids ?? []).filter((appid) => !seen.has(appid));
      if (missing.length > 0) {
        // Locked by another transaction this instant (busy), or not a target of this campaign.
        const known = (await manager.query(
          `SELECT authorizer_appid, state FROM code_release_campaign_targets
           WHERE campaign_id = ? AND authorizer_appid IN (?)`,
          [campaignId, missing],
        )) as { authorizer_appid: string; state: TargetState }[];
        const states = new Map(known.map((row) => [row.authorizer_appid, row.state]));
        for (const appid of missing) {
          const state = states.get(appid);
          if (state) result.busy.push({ authorizerAppid: appid, state });
          else result.notApplicable.push({ authorizerAppid: appid, state: 'not_in_campaign' });
        }
      }
      if (!authorizerAppids) {
        // The campaign's targets in `states` that another transaction (a worker's claim) locks this
        // instant were skipped above: a plain read sees them, and they are busy, not forgotten.
        const all = (await manager.query(
          `SELECT authorizer_appid, state FROM code_release_campaign_targets
           WHERE campaign_id = ? AND state IN (?) ORDER BY ordinal`,
          [campaignId, states],
        )) as { authorizer_appid: string; state: TargetState }[];
        for (const row of all)
          if (!seen.has(row.authorizer_appid))
            result.busy.push({ authorizerAppid: row.authorizer_appid, state: row.state });
      }
      if (result.claimed.length > 0) {
        await manager.query(
          `UPDATE code_release_campaign_targets SET lease_owner = ?, lease_until = ${NOW} + INTERVAL ? SECOND
           WHERE campaign_id = ? AND authorizer_appid IN (?)`,
          [owner, leaseSeconds, campaignId, result.claimed.map((target) => target.authorizerAppid)],
        );
      }
      return result;
    });
  }

  /**
   * Sets the approval flag of the chosen targets in `states` and makes them due now; answers the
   * targets it approved and the others with their state. No lease is needed: the worker reads the
   * flag when it next claims the target (holdForApproval never pushes an approved target's due time back).
   */
  async approve(
    campaignId: string,
    states: readonly TargetState[],
    authorizerAppids: string[] | undefined,
  ): Promise<{
    approved: { authorizerAppid: string; state: TargetState; already: boolean }[];
    others: { authorizerAppid: string; state: string }[];
  }> {
    return inTransaction(this.dataSource, async (manager) => {
      const rows = (await manager.query(
        `SELECT authorizer_appid, state, approved_for_release FROM code_release_campaign_targets
         WHERE campaign_id = ? ${authorizerAppids ? 'AND authorizer_appid IN (?)' : 'AND state IN (?)'}
         ORDER BY ordinal FOR UPDATE`,
        [campaignId, authorizerAppids ?? states],
      )) as { authorizer_appid: string; state: TargetState; approved_for_release: number }[];
      const approved = rows
        .filter((row) => states.includes(row.state))
        .map((row) => ({
          authorizerAppid: row.authorizer_appid,
          state: row.state,
          already: row.approved_for_release === 1,
        }));
      const seen = new Set(rows.map((row) => row.authorizer_appid));
      const others = [
        ...rows
          .filter((row) => !states.includes(row.state))
          .map((row) => ({ authorizerAppid: row.authorizer_appid, state: row.state as string })),
        ...(authorizerAppids ?? [])
          .filter((appid) => !seen.has(appid))
          .map((appid) => ({ authorizerAppid: appid, state: 'not_in_campaign' })),
      ];
      const fresh = approved.filter((target) => !target.already).map((target) => target.authorizerAppid);
      if (fresh.length > 0) {
        await manager.query(
          `UPDATE code_release_campaign_targets
           SET approved_for_release = 1, next_attempt_at = ${NOW}, updated_at = ${NOW}
           WHERE campaign_id = ? AND authorizer_appid IN (?)`,
          [campaignId, fresh],
        );
      }
      return { approved, others };
    });
  }

  /**
   * Gives back the lease of a target that waits for the operator's approval, due again in
   * `seconds` — or at once if an approval came in while the worker held it.
   */
  async holdForApproval(
    owner: string,
    target: Pick<ClaimedTarget, 'campaignId' | 'authorizerAppid'>,
    seconds: number,
  ): Promise<void> {
    await this.dataSource.query(
      `UPDATE code_release_campaign_targets
       SET lease_owner = NULL, lease_until = NULL,
           next_attempt_at = IF(approved_for_release = 1, ${NOW}, ${NOW} + INTERVAL ? SECOND)
       WHERE campaign_id = ? AND authorizer_appid = ? AND lease_owner = ?`,
      [seconds, target.campaignId, target.authorizerAppid, owner],
    );
  }

  /** Gives an operation's lease back and leaves the target's due time as it was (a gray step's wait goes on). */
  async releaseOnly(
    owner: string,
    target: Pick<ClaimedTarget, 'campaignId' | 'authorizerAppid'>,
  ): Promise<void> {
    await this.dataSource.query(
      `UPDATE code_release_campaign_targets SET lease_owner = NULL, lease_until = NULL
       WHERE campaign_id = ? AND authorizer_appid = ? AND lease_owner = ?`,
      [target.campaignId, target.authorizerAppid, owner],
    );
  }

  /**
   * Marks this attempt's audit as sped up before speedupaudit is called (fenced by the lease and by
   * `speedup_at IS NULL`): a crash after the mark loses one speedup, never makes a second one.
   */
  async markSpeedup(
    owner: string,
    target: Pick<ClaimedTarget, 'campaignId' | 'authorizerAppid'>,
  ): Promise<boolean> {
    const outcome = (await this.dataSource.query(
      `UPDATE code_release_campaign_targets SET speedup_at = ${NOW}, updated_at = ${NOW}
       WHERE campaign_id = ? AND authorizer_appid = ? AND lease_owner = ? AND speedup_at IS NULL`,
      [target.campaignId, target.authorizerAppid, owner],
    )) as { affectedRows: number };
    return outcome.affectedRows === 1;
  }

  /** Takes back `markSpeedup` when WeChat refused the speedup (fenced by the same lease). */
  async unmarkSpeedup(
    owner: string,
    target: Pick<ClaimedTarget, 'campaignId' | 'authorizerAppid'>,
  ): Promise<void> {
    await this.dataSource.query(
      `UPDATE code_release_campaign_targets SET speedup_at = NULL, updated_at = ${NOW}
       WHERE campaign_id = ? AND authorizer_appid = ? AND lease_owner = ?`,
      [target.campaignId, target.authorizerAppid, owner],
    );
  }

  /**
   * Notes why a cancelled target's audit was or was not withdrawn, while `operation` is still its
   * owner's (a replica that lost it writes nothing); an `audit_undone` already noted stays (a re-run
   * after a crash finds the audit gone and must not report the withdrawal failed).
   */
  async noteCancelled(
    operation: OperationRecord,
    authorizerAppid: string,
    reason: string,
    errcode: number | null,
  ): Promise<boolean> {
    const outcome = (await this.dataSource.query(
      `UPDATE code_release_campaign_targets t ${OWNED}
       SET t.reason = ?, t.errcode = ?, t.updated_at = ${NOW}
       WHERE t.campaign_id = ? AND t.authorizer_appid = ? AND t.state = 'cancelled'
         AND (t.reason IS NULL OR t.reason <> 'audit_undone')`,
      [operation.operationId, operation.owner, reason, errcode, operation.campaignId, authorizerAppid],
    )) as { affectedRows: number };
    return outcome.affectedRows === 1;
  }

  /**
   * Holds undocodeaudit's count and call for one mini program to one caller at a time (a named
   * lock on the server, across replicas): two undos at once both read the count below the limit.
   * Waits up to `waitSeconds` for the lock; throws if it does not get it.
   */
  async withUndoLock<T>(
    componentAppid: string,
    authorizerAppid: string,
    run: () => Promise<T>,
    waitSeconds = 30,
  ): Promise<T> {
    // The lock's connection is held for the WeChat call, while the count and the history row need
    // others from the same pool: a cap keeps a batch of undos from taking every connection and
    // then waiting for one forever.
    while (this.undoLocksHeld >= CampaignOperationsRepository.UNDO_LOCKS_AT_ONCE)
      await new Promise<void>((resolve) => this.undoLockWaiters.push(resolve));
    this.undoLocksHeld += 1;
    try {
      return await this.underUndoLock(componentAppid, authorizerAppid, run, waitSeconds);
    } finally {
      this.undoLocksHeld -= 1;
      this.undoLockWaiters.shift()?.();
    }
  }

  private async underUndoLock<T>(
    componentAppid: string,
    authorizerAppid: string,
    run: () => Promise<T>,
    waitSeconds: number,
  ): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    // A lock name is at most 64 characters: the pair is hashed.
    const name = `wxop:undo:${createHash('sha1').update(`${componentAppid}|${authorizerAppid}`).digest('hex')}`;
    try {
      const [row] = (await runner.query(`SELECT GET_LOCK(?, ?) AS got`, [name, waitSeconds])) as {
        got: number | string | null;
      }[];
      if (Number(row?.got) !== 1) throw new Error(`undo of ${authorizerAppid}: another undo holds it`);
      try {
        return await run();
      } finally {
        await runner.query(`SELECT RELEASE_LOCK(?)`, [name]);
      }
    } finally {
      await runner.release();
    }
  }

  /** Whether release_history holds a successful `action` of the campaign on this mini program. */
  async historyRecorded(
    componentAppid: string,
    authorizerAppid: string,
    campaignId: string,
    action: string,
  ): Promise<boolean> {
    const rows = (await this.dataSource.query(
      `SELECT 1 AS found FROM release_history
       WHERE component_appid = ? AND authorizer_appid = ? AND campaign_id = ? AND action = ?
         AND outcome = 'succeeded' LIMIT 1`,
      [componentAppid, authorizerAppid, campaignId, action],
    )) as unknown[];
    return rows.length > 0;
  }

  /**
   * Successful undocodeaudit calls of one mini program since `dayStart` and `monthStart`, by hand or
   * by any campaign: release_history records every one, so it is the platform's own count.
   */
  async undosUsed(
    componentAppid: string,
    authorizerAppid: string,
    dayStart: Date,
    monthStart: Date,
  ): Promise<{ today: number; thisMonth: number }> {
    const [row] = (await this.dataSource.query(
      `SELECT COALESCE(SUM(occurred_at >= ?), 0) AS today, COUNT(*) AS month FROM release_history
       WHERE component_appid = ? AND authorizer_appid = ? AND action = 'undo' AND outcome = 'succeeded'
         AND occurred_at >= ?`,
      [dayStart, componentAppid, authorizerAppid, monthStart],
    )) as { today: number | string; month: number | string }[];
    return { today: Number(row?.today ?? 0), thisMonth: Number(row?.month ?? 0) };
  }

  /**
   * Records an operation that goes on after its RPC answers: the operation leased by `owner` (the
   * owner of its targets' leases too) and each target to do, in the given order.
   */
  async recordOperation(
    operation: OperationRecord,
    targets: OperationTargetInput[],
    leaseSeconds: number,
  ): Promise<void> {
    await inTransaction(this.dataSource, (manager) =>
      this.insertOperation(manager, operation, targets, leaseSeconds),
    );
  }

  private async insertOperation(
    manager: EntityManager,
    operation: OperationRecord,
    targets: OperationTargetInput[],
    leaseSeconds: number,
  ): Promise<void> {
    {
      await manager.query(
        `INSERT INTO code_release_operations
           (operation_id, campaign_id, operation, requested_by, status, lease_owner, lease_until, created_at, updated_at)
         VALUES (?, ?, ?, ?, 'running', ?, ${NOW} + INTERVAL ? SECOND, ${NOW}, ${NOW})`,
        [
          operation.operationId,
          operation.campaignId,
          operation.operation,
          operation.requestedBy,
          operation.owner,
          leaseSeconds,
        ],
      );
      for (let start = 0; start < targets.length; start += 1000) {
        const chunk = targets.slice(start, start + 1000);
        await manager.query(
          `INSERT INTO code_release_operation_targets
             (operation_id, authorizer_appid, ordinal, initial_state, audit_id, due_at)
           VALUES ${chunk.map(() => `(?, ?, ?, ?, ?, ${NOW} + INTERVAL ? SECOND)`).join(', ')}`,
          chunk.flatMap((target, index) => [
            operation.operationId,
            target.authorizerAppid,
            start + index,
            target.state,
            target.auditId ?? null,
            target.dueInSeconds ?? 0,
          ]),
        );
      }
    }
  }

  /**
   * Records cancel's undo operation over the targets that were in audit or submitting, inside the
   * cancel's transaction (CampaignRepository.cancelWithAudits' `withinCancel`): a crash right after
   * the cancel cannot leave audits nobody withdraws. Records nothing when there are none.
   */
  async recordCancelUndos(
    manager: EntityManager,
    operation: OperationRecord,
    inFlight: InFlightAudit[],
    leaseSeconds: number,
  ): Promise<void> {
    if (inFlight.length === 0) return;
    await this.insertOperation(
      manager,
      operation,
      inFlight.map(({ authorizerAppid, auditId, state }) => ({ authorizerAppid, auditId, state })),
      leaseSeconds,
    );
  }

  /** Each target of the operation, in order, with its outcome (null while still to do). */
  async outcomesOf(operationId: string): Promise<RecordedOutcome[]> {
    const rows = (await this.dataSource.query(
      `SELECT authorizer_appid AS authorizerAppid, outcome, state, errcode, message
       FROM code_release_operation_targets WHERE operation_id = ? ORDER BY ordinal`,
      [operationId],
    )) as RecordedOutcome[];
    return rows.map((row) => ({ ...row, errcode: row.errcode === null ? null : Number(row.errcode) }));
  }

  /**
   * Deletes up to `limit` operations finished before `cutoff`, with their targets, in one short
   * transaction (replicas purging together only share the work); answers how many operations went.
   * Running operations stay whatever their age.
   */
  async purgeFinishedBatch(cutoff: Date, limit: number): Promise<number> {
    return inTransaction(this.dataSource, async (manager) => {
      const rows = (await manager.query(
        `SELECT operation_id FROM code_release_operations
         WHERE status = 'finished' AND finished_at < ? ORDER BY finished_at LIMIT ? FOR UPDATE SKIP LOCKED`,
        [cutoff, limit],
      )) as { operation_id: string }[];
      if (rows.length === 0) return 0;
      const ids = rows.map((row) => row.operation_id);
      await manager.query(`DELETE FROM code_release_operation_targets WHERE operation_id IN (?)`, [ids]);
      await manager.query(`DELETE FROM code_release_operations WHERE operation_id IN (?)`, [ids]);
      return ids.length;
    });
  }

  /** One background operation with its progress; null when there is none with this id. */
  async summary(operationId: string): Promise<CampaignOperationSummary | null> {
    const [row] = (await this.dataSource.query(`${SUMMARY_SELECT} WHERE op.operation_id = ?`, [
      operationId,
    ])) as OperationSummaryRow[];
    if (!row) return null;
    return summaryOf(row, await this.outcomeCounts([operationId]));
  }

  /** A page of a campaign's background operations by creation time (idx_code_release_operations_campaign). */
  async summariesOf(query: OperationListQuery): Promise<CampaignOperationPage> {
    const where = `WHERE op.campaign_id = ?${query.status ? ' AND op.status = ?' : ''}`;
    const parameters = [query.campaignId, ...(query.status ? [query.status] : [])];
    const direction = query.order === 'asc' ? 'ASC' : 'DESC';
    const rows = (await this.dataSource.query(
      `${SUMMARY_SELECT} ${where} ORDER BY op.created_at ${direction}, op.operation_id ${direction} LIMIT ? OFFSET ?`,
      [...parameters, query.limit, query.offset],
    )) as OperationSummaryRow[];
    const [{ n }] = (await this.dataSource.query(
      `SELECT COUNT(*) AS n FROM code_release_operations op ${where}`,
      parameters,
    )) as [{ n: number | string }];
    if (rows.length === 0) return { operations: [], total: Number(n) };
    const counts = await this.outcomeCounts(rows.map((row) => row.operation_id));
    return { operations: rows.map((row) => summaryOf(row, counts)), total: Number(n) };
  }

  /** Targets per operation and outcome (NULL: still to do), one GROUP BY over the primary key. */
  private async outcomeCounts(operationIds: string[]): Promise<Map<string, Map<string | null, number>>> {
    const rows = (await this.dataSource.query(
      `SELECT operation_id, outcome, COUNT(*) AS n FROM code_release_operation_targets
       WHERE operation_id IN (?) GROUP BY operation_id, outcome`,
      [operationIds],
    )) as { operation_id: string; outcome: string | null; n: number | string }[];
    const counts = new Map<string, Map<string | null, number>>();
    for (const row of rows) {
      const byOutcome = counts.get(row.operation_id) ?? new Map<string | null, number>();
      byOutcome.set(row.outcome, Number(row.n));
      counts.set(row.operation_id, byOutcome);
    }
    return counts;
  }

  /**
   * The next targets of the operation still to do and due now, in order; and, when none is due,
   * in how many seconds the next one is (null: nothing left).
   */
  async pendingTargets(
    operationId: string,
    limit: number,
  ): Promise<{ due: PendingOperationTarget[]; nextInSeconds: number | null }> {
    const rows = (await this.dataSource.query(
      // Due ones only, before the LIMIT: held-back targets early in the order must not crowd out
      // those due now (idx_code_release_operation_targets_due).
      `SELECT authorizer_appid, initial_state, audit_id, started_at IS NOT NULL AS started
       FROM code_release_operation_targets
       WHERE operation_id = ? AND outcome IS NULL AND due_at <= ${NOW} ORDER BY ordinal LIMIT ?`,
      [operationId, limit],
    )) as {
      authorizer_appid: string;
      initial_state: string;
      audit_id: string | number | null;
      started: number | string;
    }[];
    const due = rows.map((row) => ({
      authorizerAppid: row.authorizer_appid,
      initialState: row.initial_state,
      auditId: row.audit_id === null ? null : Number(row.audit_id),
      started: Number(row.started) === 1,
    }));
    if (due.length > 0) return { due, nextInSeconds: 0 };
    const [next] = (await this.dataSource.query(
      `SELECT TIMESTAMPDIFF(MICROSECOND, ${NOW}, MIN(due_at)) DIV 1000 AS wait_ms
       FROM code_release_operation_targets WHERE operation_id = ? AND outcome IS NULL`,
      [operationId],
    )) as { wait_ms: number | string | null }[];
    if (next?.wait_ms === null || next?.wait_ms === undefined) return { due, nextInSeconds: null };
    return { due, nextInSeconds: Math.max(0, Number(next.wait_ms) / 1000) };
  }

  /**
   * Holds a target of the operation back for `seconds`, to be looked at again then as `initialState`
   * (fenced by the operation's owner).
   */
  async deferTarget(
    operation: OperationRecord,
    authorizerAppid: string,
    seconds: number,
    initialState: string,
  ): Promise<boolean> {
    const outcome = (await this.dataSource.query(
      `UPDATE code_release_operation_targets o ${OWNED}
       SET o.due_at = ${NOW} + INTERVAL ? SECOND, o.initial_state = ?
       WHERE o.operation_id = ? AND o.authorizer_appid = ? AND o.outcome IS NULL`,
      [operation.operationId, operation.owner, seconds, initialState, operation.operationId, authorizerAppid],
    )) as { affectedRows: number };
    return outcome.affectedRows === 1;
  }

  /**
   * Notes, before a target's WeChat call, that the call may reach WeChat (fenced by the operation's
   * owner): false when the operation is no longer this owner's, and then nothing is to be called.
   */
  async markStarted(operation: OperationRecord, authorizerAppid: string): Promise<boolean> {
    const outcome = (await this.dataSource.query(
      `UPDATE code_release_operation_targets o ${OWNED}
       SET o.started_at = COALESCE(o.started_at, ${NOW})
       WHERE o.operation_id = ? AND o.authorizer_appid = ? AND o.outcome IS NULL`,
      [operation.operationId, operation.owner, operation.operationId, authorizerAppid],
    )) as { affectedRows: number };
    return outcome.affectedRows === 1;
  }

  /**
   * Writes how targets of the operation ended (a target with an outcome is never worked on again),
   * only while the operation is still `operation.owner`'s: a replica that lost it writes nothing
   * over its successor's outcomes.
   */
  async noteOutcomes(operation: OperationRecord, outcomes: OperationTargetOutcome[]): Promise<number> {
    let written = 0;
    for (const outcome of outcomes) {
      const result = (await this.dataSource.query(
        `UPDATE code_release_operation_targets o ${OWNED}
         SET o.outcome = ?, o.state = ?, o.errcode = ?, o.message = ?
         WHERE o.operation_id = ? AND o.authorizer_appid = ? AND o.outcome IS NULL`,
        [
          operation.operationId,
          operation.owner,
          outcome.outcome,
          outcome.state,
          outcome.errcode ?? null,
          outcome.message?.slice(0, 1024) ?? null,
          operation.operationId,
          outcome.authorizerAppid,
        ],
      )) as { affectedRows: number };
      written += result.affectedRows;
    }
    return written;
  }

  /**
   * Renews the operation's lease and its targets' (those `owner` still holds); false when the
   * operation is no longer `owner`'s (its lease ran out and another replica took it over).
   */
  async renewOperation(operation: OperationRecord, leaseSeconds: number): Promise<boolean> {
    return inTransaction(this.dataSource, async (manager) => {
      const outcome = (await manager.query(
        `UPDATE code_release_operations SET lease_until = ${NOW} + INTERVAL ? SECOND, updated_at = ${NOW}
         WHERE operation_id = ? AND lease_owner = ? AND status = 'running'`,
        [leaseSeconds, operation.operationId, operation.owner],
      )) as { affectedRows: number };
      if (outcome.affectedRows !== 1) return false;
      await manager.query(
        `UPDATE code_release_campaign_targets SET lease_until = ${NOW} + INTERVAL ? SECOND
         WHERE campaign_id = ? AND lease_owner = ?`,
        [leaseSeconds, operation.campaignId, operation.owner],
      );
      return true;
    });
  }

  /** Ends the operation (fenced by its owner) and gives back any target lease it still holds. */
  async finishOperation(operation: OperationRecord): Promise<boolean> {
    return inTransaction(this.dataSource, async (manager) => {
      const outcome = (await manager.query(
        `UPDATE code_release_operations SET status = 'finished', lease_owner = NULL, lease_until = NULL,
           finished_at = ${NOW}, updated_at = ${NOW}
         WHERE operation_id = ? AND lease_owner = ? AND status = 'running'`,
        [operation.operationId, operation.owner],
      )) as { affectedRows: number };
      await manager.query(
        `UPDATE code_release_campaign_targets SET lease_owner = NULL, lease_until = NULL
         WHERE campaign_id = ? AND lease_owner = ?`,
        [operation.campaignId, operation.owner],
      );
      return outcome.affectedRows === 1;
    });
  }

  /**
   * Lets the operation's leases run out now (this replica stops): another replica takes it over
   * at its next look instead of after the lease's full time.
   */
  async handOver(operation: OperationRecord): Promise<void> {
    await this.dataSource.query(
      `UPDATE code_release_operations SET lease_until = ${NOW} - INTERVAL 1 SECOND, updated_at = ${NOW}
       WHERE operation_id = ? AND lease_owner = ? AND status = 'running'`,
      [operation.operationId, operation.owner],
    );
    await this.dataSource.query(
      `UPDATE code_release_campaign_targets SET lease_until = ${NOW} - INTERVAL 1 SECOND
       WHERE campaign_id = ? AND lease_owner = ?`,
      [operation.campaignId, operation.owner],
    );
  }

  /**
   * Takes over one running operation whose lease ran out (its replica died or stopped) under
   * `ownerFor(operationId)`; the targets still to do whose lease the old owner left untouched move
   * to the new owner, so no worker can take them between the two. A target someone else took in
   * between is not the operation's any more: the caller answers it `busy`.
   */
  async takeOverStale(
    ownerFor: (operationId: string) => string,
    leaseSeconds: number,
    skip: readonly string[] = [],
  ): Promise<OperationRecord | null> {
    return inTransaction(this.dataSource, async (manager) => {
      // `skip`: the operations this process drives (a late renewal must not make it race itself).
      const [row] = (await manager.query(
        `SELECT operation_id, campaign_id, operation, requested_by, lease_owner FROM code_release_operations
         WHERE status = 'running' AND (lease_until IS NULL OR lease_until < ${NOW})
           ${skip.length > 0 ? 'AND operation_id NOT IN (?)' : ''}
         ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED`,
        skip.length > 0 ? [skip] : [],
      )) as {
        operation_id: string;
        campaign_id: string;
        operation: string;
        requested_by: string;
        lease_owner: string | null;
      }[];
      if (!row) return null;
      const owner = ownerFor(row.operation_id);
      await manager.query(
        `UPDATE code_release_operations SET lease_owner = ?, lease_until = ${NOW} + INTERVAL ? SECOND,
           updated_at = ${NOW} WHERE operation_id = ?`,
        [owner, leaseSeconds, row.operation_id],
      );
      if (row.lease_owner !== null) {
        await manager.query(
          `UPDATE code_release_campaign_targets t
             JOIN code_release_operation_targets o
               ON o.operation_id = ? AND o.authorizer_appid = t.authorizer_appid AND o.outcome IS NULL
           SET t.lease_owner = ?, t.lease_until = ${NOW} + INTERVAL ? SECOND
           WHERE t.campaign_id = ? AND t.lease_owner = ?`,
          [row.operation_id, owner, leaseSeconds, row.campaign_id, row.lease_owner],
        );
      }
      return {
        operationId: row.operation_id,
        campaignId: row.campaign_id,
        operation: row.operation,
        requestedBy: row.requested_by,
        owner,
      };
    });
  }

  /** The chosen targets' rows as an operation works on them, with who holds each lease now. */
  async targetsOf(
    campaignId: string,
    authorizerAppids: string[],
  ): Promise<(ClaimedTarget & { leaseOwner: string | null })[]> {
    if (authorizerAppids.length === 0) return [];
    const rows = (await this.dataSource.query(
      `SELECT ${TARGET_COLUMNS}, lease_owner AS current_lease_owner FROM code_release_campaign_targets
       WHERE campaign_id = ? AND authorizer_appid IN (?)`,
      [campaignId, authorizerAppids],
    )) as (TargetRow & { current_lease_owner: string | null })[];
    return rows.map((row) => ({ ...toClaimed(row), leaseOwner: row.current_lease_owner }));
  }
}
