import { Injectable } from '@nestjs/common';
import type { CampaignListSort, EventEnvelope } from '@wxop/contracts';
import { inTransaction, isLockConflict } from '@wxop/database';
import { TransactionalOutbox } from '@wxop/messaging';
import { DataSource, type EntityManager } from 'typeorm';

import {
  AUDIT_STATES,
  FINAL_TARGET_STATES,
  SIDE_EFFECT_STATES,
  TargetStates,
  type TargetState,
} from './target-state';

const NOW = 'UTC_TIMESTAMP(3)';

export type CampaignStatus = 'running' | 'paused' | 'cancelled' | 'finished';

/** A campaign as created: its inputs are frozen in `inputs` and never change afterwards. */
export interface NewCampaign {
  campaignId: string;
  componentAppid: string;
  templateId: number;
  userVersion: string;
  userDesc: string;
  inputs: Record<string, unknown>;
  concurrency: number;
  quotaReserve: number;
  createdBy: string;
}

export interface NewTarget {
  authorizerAppid: string;
  bizRef: string | null;
  nickName: string | null;
  variables: Record<string, string> | null;
}

export interface CampaignRecord extends Omit<NewCampaign, 'inputs'> {
  inputs: Record<string, unknown>;
  status: CampaignStatus;
  pauseReason: string | null;
  targetCount: number;
  /** Bumped by every retry that sends targets back: the campaign's later `finished` events get ids of their own. */
  generation: number;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

/** A target claimed by one replica under a lease. */
export interface ClaimedTarget {
  campaignId: string;
  authorizerAppid: string;
  ordinal: number;
  bizRef: string | null;
  nickName: string | null;
  variables: Record<string, string> | null;
  state: TargetState;
  attempt: number;
  auditId: number | null;
  grayStep: number | null;
  /** When the current gray step was set (database clock). */
  grayStepAt: Date | null;
  approvedForRelease: boolean;
  /** Why it waits or was held (e.g. `gray_reverted`). */
  reason: string | null;
  submittedAt: Date | null;
  /** When speedupaudit was asked for this attempt's audit (at most once). */
  speedupAt: Date | null;
  /**
   * The previous lease on this target ran out without its owner finishing a step that calls
   * WeChat: the step may have reached WeChat, so it is reconciled before being repeated.
   */
  mustReconcile: boolean;
}

/** A state change of one target, written only while the writer still holds its lease. */
export interface TargetChange {
  state: TargetState;
  step?: string | null;
  auditId?: number | null;
  grayStep?: number | null;
  /** With grayStep: stamp `gray_step_at` with the database's now. */
  grayStepSetNow?: boolean;
  approvedForRelease?: boolean;
  errcode?: number | null;
  message?: string | null;
  reason?: string | null;
  screenshots?: string[] | null;
  /** Seconds until the target is due again; 0 = at once. */
  dueInSeconds?: number;
  /** Keep the lease (the worker goes on with the next step at once). Default: release it. */
  keepLease?: boolean;
  /** With keepLease: renew the lease for this long from now. */
  leaseSeconds?: number;
  incrementAttempt?: boolean;
}

/** A target row as read with TARGET_COLUMNS. */
export interface TargetRow {
  campaign_id: string;
  authorizer_appid: string;
  ordinal: number;
  biz_ref: string | null;
  nick_name: string | null;
  variables: string | Record<string, string> | null;
  state: TargetState;
  attempt: number;
  audit_id: string | number | null;
  gray_step: number | null;
  gray_step_at: Date | null;
  approved_for_release: number;
  reason: string | null;
  submitted_at: Date | null;
  speedup_at: Date | null;
  lease_owner: string | null;
  lease_until: Date | null;
}

/** A target as an operator reads it (targets.list). */
export interface TargetView {
  authorizerAppid: string;
  ordinal: number;
  bizRef: string | null;
  state: TargetState;
  step: string | null;
  attempt: number;
  auditId: number | null;
  grayStep: number | null;
  errcode: number | null;
  message: string | null;
  reason: string | null;
  screenshots: string[] | null;
  updatedAt: Date;
}

interface TargetViewRow {
  authorizer_appid: string;
  ordinal: number;
  biz_ref: string | null;
  state: TargetState;
  step: string | null;
  attempt: number;
  audit_id: string | number | null;
  gray_step: number | null;
  errcode: number | null;
  message: string | null;
  reason: string | null;
  screenshots: string | string[] | null;
  updated_at: Date;
}

interface CampaignRow {
  campaign_id: string;
  component_appid: string;
  template_id: string | number;
  user_version: string;
  user_desc: string;
  inputs: string | Record<string, unknown>;
  concurrency: number;
  quota_reserve: number;
  status: CampaignStatus;
  pause_reason: string | null;
  target_count: number;
  generation: number;
  created_by: string;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

/** Columns of each list order: whitelisted, so no operator input reaches the SQL text. */
const CAMPAIGN_SORT_COLUMNS: Record<CampaignListSort, string> = {
  createdAt: 'created_at',
  finishedAt: 'finished_at',
  status: 'status',
  userVersion: 'user_version',
  templateId: 'template_id',
};

function campaignOrder(sort: CampaignListSort, order: 'asc' | 'desc'): string {
  const direction = order === 'asc' ? 'ASC' : 'DESC';
  // created_at second so equal keys come newest first (or oldest, ascending), the id last for a stable page.
  const tieBreak = sort === 'createdAt' ? '' : `, created_at ${direction}`;
  return `${CAMPAIGN_SORT_COLUMNS[sort]} ${direction}${tieBreak}, campaign_id ${direction}`;
}

const CAMPAIGN_COLUMNS = `campaign_id, component_appid, template_id, user_version, user_desc, inputs, concurrency,
  quota_reserve, status, pause_reason, target_count, generation, created_by, created_at, started_at, finished_at`;
export const TARGET_COLUMNS = `campaign_id, authorizer_appid, ordinal, biz_ref, nick_name, variables, state, attempt, audit_id,
  gray_step, gray_step_at, approved_for_release, reason, submitted_at, speedup_at, lease_owner, lease_until`;

const json = <T>(value: string | T | null): T | null =>
  value === null ? null : typeof value === 'string' ? (JSON.parse(value) as T) : value;

const FINAL_LIST = [...FINAL_TARGET_STATES];

/**
 * How the lease owner of an operator's operation begins: such leases are short-lived and are not
 * counted against a campaign's concurrency by the worker (the worker would otherwise stall the
 * campaign while an operation works on many targets).
 */
export const OPERATION_OWNER_PREFIX = 'ops:';

function toCampaign(row: CampaignRow): CampaignRecord {
  return {
    campaignId: row.campaign_id,
    componentAppid: row.component_appid,
    templateId: Number(row.template_id),
    userVersion: row.user_version,
    userDesc: row.user_desc,
    inputs: json<Record<string, unknown>>(row.inputs) ?? {},
    concurrency: row.concurrency,
    quotaReserve: row.quota_reserve,
    status: row.status,
    pauseReason: row.pause_reason,
    targetCount: row.target_count,
    generation: Number(row.generation ?? 0),
    createdBy: row.created_by,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  };
}

export function toClaimed(row: TargetRow): ClaimedTarget {
  return {
    campaignId: row.campaign_id,
    authorizerAppid: row.authorizer_appid,
    ordinal: row.ordinal,
    bizRef: row.biz_ref,
    nickName: row.nick_name,
    variables: json<Record<string, string>>(row.variables),
    state: row.state,
    attempt: row.attempt,
    auditId: row.audit_id === null ? null : Number(row.audit_id),
    grayStep: row.gray_step,
    grayStepAt: row.gray_step_at,
    approvedForRelease: row.approved_for_release === 1,
    reason: row.reason,
    submittedAt: row.submitted_at,
    speedupAt: row.speedup_at,
    // A lease left set (expired) means its holder never finished: even this replica's id after a restart.
    mustReconcile: row.lease_owner !== null && SIDE_EFFECT_STATES.has(row.state),
  };
}

/** A target that was in audit, or whose submit was in flight, when its campaign was cancelled. */
export interface InFlightAudit {
  authorizerAppid: string;
  auditId: number | null;
  state: TargetState;
}

/** The only code touching the campaign tables. */
@Injectable()
export class CampaignRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: TransactionalOutbox,
  ) {}

  /** Inserts the campaign, its frozen targets (in the given order) and its `started` event, in one transaction. */
  async create(campaign: NewCampaign, targets: NewTarget[], events: EventEnvelope<unknown>[]): Promise<void> {
    await inTransaction(this.dataSource, async (manager) => {
      await manager.query(
        `INSERT INTO code_release_campaigns
           (campaign_id, component_appid, template_id, user_version, user_desc, inputs, concurrency, quota_reserve,
            status, target_count, created_by, created_at, started_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'running', ?, ?, ${NOW}, ${NOW}, ${NOW})`,
        [
          campaign.campaignId,
          campaign.componentAppid,
          campaign.templateId,
          campaign.userVersion,
          campaign.userDesc,
          JSON.stringify(campaign.inputs),
          campaign.concurrency,
          campaign.quotaReserve,
          targets.length,
          campaign.createdBy,
        ],
      );
      for (let start = 0; start < targets.length; start += 500) {
        const chunk = targets.slice(start, start + 500);
        await manager.query(
          `INSERT INTO code_release_campaign_targets
             (campaign_id, authorizer_appid, ordinal, biz_ref, nick_name, variables, state, next_attempt_at,
              created_at, updated_at)
           VALUES ${chunk.map(() => `(?, ?, ?, ?, ?, ?, 'pending', ${NOW}, ${NOW}, ${NOW})`).join(', ')}`,
          chunk.flatMap((target, index) => [
            campaign.campaignId,
            target.authorizerAppid,
            start + index,
            target.bizRef,
            target.nickName,
            target.variables === null ? null : JSON.stringify(target.variables),
          ]),
        );
      }
      await this.outbox.addMany(manager, events);
    });
  }

  async find(campaignId: string): Promise<CampaignRecord | undefined> {
    const rows = (await this.dataSource.query(
      `SELECT ${CAMPAIGN_COLUMNS} FROM code_release_campaigns WHERE campaign_id = ?`,
      [campaignId],
    )) as CampaignRow[];
    return rows[0] ? toCampaign(rows[0]) : undefined;
  }

  /** Campaigns in the asked order (newest first by default), optionally of one component and status. */
  async list(filter: {
    componentAppid?: string;
    status?: CampaignStatus;
    limit: number;
    offset: number;
    sort?: CampaignListSort;
    order?: 'asc' | 'desc';
  }): Promise<CampaignRecord[]> {
    const { where, values } = campaignFilterSql(filter);
    const rows = (await this.dataSource.query(
      `SELECT ${CAMPAIGN_COLUMNS} FROM code_release_campaigns ${where}
       ORDER BY ${campaignOrder(filter.sort ?? 'createdAt', filter.order ?? 'desc')} LIMIT ? OFFSET ?`,
      [...values, filter.limit, filter.offset],
    )) as CampaignRow[];
    return rows.map(toCampaign);
  }

  /** One page of a campaign's targets in ordinal order, after `afterOrdinal`, optionally of one state. */
  async listTargets(
    campaignId: string,
    filter: { state?: TargetState; afterOrdinal: number; limit: number },
  ): Promise<TargetView[]> {
    const rows = (await this.dataSource.query(
      `SELECT authorizer_appid, ordinal, biz_ref, state, step, attempt, audit_id, gray_step, errcode, message, reason,
              screenshots, updated_at
       FROM code_release_campaign_targets
       WHERE campaign_id = ? AND ordinal > ? ${filter.state ? 'AND state = ?' : ''}
       ORDER BY ordinal LIMIT ?`,
      [campaignId, filter.afterOrdinal, ...(filter.state ? [filter.state] : []), filter.limit],
    )) as TargetViewRow[];
    return rows.map((row) => ({
      authorizerAppid: row.authorizer_appid,
      ordinal: row.ordinal,
      bizRef: row.biz_ref,
      state: row.state,
      step: row.step,
      attempt: row.attempt,
      auditId: row.audit_id === null ? null : Number(row.audit_id),
      grayStep: row.gray_step,
      errcode: row.errcode,
      message: row.message,
      reason: row.reason,
      screenshots: json<string[]>(row.screenshots),
      updatedAt: row.updated_at,
    }));
  }

  /**
   * Sends failed and rejected targets (all, or the chosen ones) back to pending as a new attempt, and
   * a finished campaign back to running with its generation bumped, in one transaction. A retried
   * target was never submitted in its failed attempt or is a deliberate new one, so the
   * once-per-campaign submit rule holds per attempt; the attempt is part of its events' ids.
   * Returns how many targets were retried.
   */
  async retryFailed(campaignId: string, authorizerAppids: string[] | undefined): Promise<number> {
    return inTransaction(this.dataSource, async (manager) => {
      const outcome = (await manager.query(
        `UPDATE code_release_campaign_targets
         SET state = 'pending', step = NULL, errcode = NULL, message = NULL, reason = NULL, screenshots = NULL,
             audit_id = NULL, attempt = attempt + 1, lease_owner = NULL, lease_until = NULL,
             gray_step = NULL, gray_step_at = NULL, approved_for_release = 0, submitted_at = NULL,
             speedup_at = NULL, next_attempt_at = ${NOW}, updated_at = ${NOW}
         WHERE campaign_id = ? AND state IN ('failed', 'rejected')
           ${authorizerAppids ? 'AND authorizer_appid IN (?)' : ''}`,
        [campaignId, ...(authorizerAppids ? [authorizerAppids] : [])],
      )) as { affectedRows: number };
      if (outcome.affectedRows > 0) {
        await manager.query(
          `UPDATE code_release_campaigns
           SET finished_at = IF(status = 'finished', NULL, finished_at),
               status = IF(status = 'finished', 'running', status),
               generation = generation + 1, updated_at = ${NOW}
           WHERE campaign_id = ?`,
          [campaignId],
        );
      }
      return outcome.affectedRows;
    });
  }

  /** Campaigns a worker should look at. */
  async runningCampaignIds(): Promise<string[]> {
    const rows = (await this.dataSource.query(
      `SELECT campaign_id FROM code_release_campaigns WHERE status = 'running' ORDER BY created_at`,
    )) as { campaign_id: string }[];
    return rows.map((row) => row.campaign_id);
  }

  /**
   * Claims due targets of a running campaign for `owner`, never more than the campaign's
   * concurrency under live leases across all replicas: the campaign row is locked while counting,
   * the targets are taken with SKIP LOCKED and leased in the same transaction (ADR 0008's model).
   * The targets are read through idx_code_release_targets_claim in its own order, so the claim
   * reads (and locks) LIMIT rows, not every due target (ADR 0024); a leased target is due again
   * when its lease ends, so the leases in flight are not in that range either.
   * `states` narrows the claim (the quota wave claims waiting targets only when quota is known).
   */
  async claimDue(
    campaignId: string,
    owner: string,
    leaseSeconds: number,
    states?: readonly TargetState[],
  ): Promise<ClaimedTarget[]> {
    return inTransaction(this.dataSource, async (manager) => {
      const campaigns = (await manager.query(
        `SELECT status, concurrency FROM code_release_campaigns WHERE campaign_id = ? FOR UPDATE`,
        [campaignId],
      )) as Pick<CampaignRow, 'status' | 'concurrency'>[];
      const campaign = campaigns[0];
      if (!campaign || campaign.status !== 'running') return [];
      // Read after the lock is held (a statement of its own: a subquery of the locking read would
      // read from before the wait, missing the leases of the claim that held the lock).
      const [live] = (await manager.query(
        `SELECT COUNT(*) AS n FROM code_release_campaign_targets
         WHERE campaign_id = ? AND lease_until >= ${NOW} AND lease_owner NOT LIKE ?`,
        [campaignId, `${OPERATION_OWNER_PREFIX}%`],
      )) as { n: number | string }[];
      const room = campaign.concurrency - Number(live?.n ?? 0);
      if (room <= 0) return [];
      const stateFilter = states && states.length > 0 ? `AND state IN (?)` : `AND state NOT IN (?)`;
      const rows = (await manager.query(
        `SELECT ${TARGET_COLUMNS} FROM code_release_campaign_targets
           FORCE INDEX (idx_code_release_targets_claim)
         WHERE campaign_id = ? AND claim_due_at <= ${NOW} ${stateFilter}
           AND (lease_until IS NULL OR lease_until < ${NOW})
         ORDER BY claim_due_at, ordinal LIMIT ? FOR UPDATE SKIP LOCKED`,
        [campaignId, states && states.length > 0 ? states : FINAL_LIST, room],
      )) as TargetRow[];
      if (rows.length === 0) return [];
      await manager.query(
        `UPDATE code_release_campaign_targets
         SET lease_owner = ?, lease_until = ${NOW} + INTERVAL ? SECOND, next_attempt_at = ${NOW} + INTERVAL ? SECOND
         WHERE campaign_id = ? AND authorizer_appid IN (?)`,
        [owner, leaseSeconds, leaseSeconds, campaignId, rows.map((row) => row.authorizer_appid)],
      );
      return rows.map((row) => toClaimed(row));
    });
  }

  /**
   * Moves one target from `from` to `change.state` with its events, only if `owner` still holds the
   * lease and the target is still in `from` (a replica whose lease was taken over writes nothing).
   * Returns false when the fence refused the write.
   */
  async transition(
    owner: string,
    target: Pick<ClaimedTarget, 'campaignId' | 'authorizerAppid'>,
    from: TargetState,
    change: TargetChange,
    events: EventEnvelope<unknown>[] = [],
  ): Promise<boolean> {
    const write = async (manager: EntityManager): Promise<boolean> => {
      const sets: string[] = [
        'state = ?',
        'updated_at = ' + NOW,
        `next_attempt_at = ${NOW} + INTERVAL ? SECOND`,
      ];
      // A holder going on with the next step keeps the target out of the claim's range until its
      // renewed lease ends (a crash makes it due then, as the lease runs out).
      const dueInSeconds =
        change.keepLease && change.leaseSeconds
          ? Math.max(change.leaseSeconds, change.dueInSeconds ?? 0)
          : (change.dueInSeconds ?? 0);
      const values: unknown[] = [change.state, dueInSeconds];
      const optional: [keyof TargetChange, string, (value: never) => unknown][] = [
        ['step', 'step', (v) => v],
        ['auditId', 'audit_id', (v) => v],
        ['grayStep', 'gray_step', (v) => v],
        ['errcode', 'errcode', (v) => v],
        ['message', 'message', (v: string | null) => (v === null ? null : v.slice(0, 1024))],
        ['reason', 'reason', (v) => v],
        ['screenshots', 'screenshots', (v: string[] | null) => (v === null ? null : JSON.stringify(v))],
      ];
      for (const [key, column, map] of optional) {
        if (change[key] !== undefined) {
          sets.push(`${column} = ?`);
          values.push(map(change[key] as never));
        }
      }
      if (change.grayStepSetNow) sets.push(`gray_step_at = ${NOW}`);
      if (change.approvedForRelease !== undefined) {
        sets.push('approved_for_release = ?');
        values.push(change.approvedForRelease ? 1 : 0);
      }
      if (change.incrementAttempt) sets.push('attempt = attempt + 1');
      if (!change.keepLease) sets.push('lease_owner = NULL', 'lease_until = NULL');
      else if (change.leaseSeconds) {
        // The holder goes on with the next step: the lease is renewed from now.
        sets.push(`lease_until = ${NOW} + INTERVAL ? SECOND`);
        values.push(change.leaseSeconds);
      }
      // The submit's time, once: a poll that finds the audit still running (in_audit → in_audit) keeps it,
      // or "in audit for afterSeconds" (the speedup policy) would restart at every poll.
      if (change.state === TargetStates.InAudit && !AUDIT_STATES.has(from))
        sets.push(`submitted_at = ${NOW}`);
      if (AUDIT_STATES.has(from) && !AUDIT_STATES.has(change.state)) sets.push(`audit_result_at = ${NOW}`);
      if (change.state === TargetStates.Released) sets.push(`released_at = ${NOW}`);
      const outcome = (await manager.query(
        `UPDATE code_release_campaign_targets SET ${sets.join(', ')}
         WHERE campaign_id = ? AND authorizer_appid = ? AND state = ? AND lease_owner = ?`,
        [...values, target.campaignId, target.authorizerAppid, from, owner],
      )) as { affectedRows: number };
      if (outcome.affectedRows !== 1) return false;
      await this.outbox.addMany(manager, events);
      return true;
    };
    // Without events the fenced UPDATE is the whole change: one statement, no transaction around it.
    return events.length === 0 ? write(this.dataSource.manager) : this.writeTransaction(write);
  }

  /**
   * A transaction at the connection's own isolation level: without the SET TRANSACTION that
   * inTransaction sends first, one statement fewer for each event-bearing transition. Its writes
   * are an UPDATE by primary key and outbox INSERTs, which take the same row locks at any level;
   * lock conflicts are retried as inTransaction retries them.
   */
  private async writeTransaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.dataSource.transaction(work);
      } catch (error) {
        if (attempt >= 3 || !isLockConflict(error)) throw error;
        await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20 * attempt));
      }
    }
  }

  /** Gives a lease back without a change (the worker stopped, or nothing was due). Fenced by owner. */
  async releaseLease(
    owner: string,
    target: Pick<ClaimedTarget, 'campaignId' | 'authorizerAppid'>,
    dueInSeconds = 0,
  ): Promise<boolean> {
    const outcome = (await this.dataSource.query(
      `UPDATE code_release_campaign_targets
       SET lease_owner = NULL, lease_until = NULL, next_attempt_at = ${NOW} + INTERVAL ? SECOND
       WHERE campaign_id = ? AND authorizer_appid = ? AND lease_owner = ?`,
      [dueInSeconds, target.campaignId, target.authorizerAppid, owner],
    )) as { affectedRows: number };
    return outcome.affectedRows === 1;
  }

  /**
   * Applies an audit result (push or poll) to the target of this mini program that awaits one,
   * whoever holds its lease: compare-and-set on the state, so a worker polling the same target
   * finds its own write refused. Returns the target it changed, if any.
   */
  async applyAuditResult(
    manager: EntityManager,
    authorizerAppid: string,
    change: {
      state: TargetState;
      reason?: string | null;
      screenshots?: string[] | null;
      auditId?: number | null;
    },
    build: (target: {
      campaignId: string;
      auditId: number | null;
      attempt: number;
    }) => EventEnvelope<unknown>[],
  ): Promise<{ campaignId: string } | undefined> {
    // The campaign's status is read, not locked (a join would lock the campaign row with the
    // target's, and every push then waits for, and holds up, the claims that lock it: ADR 0024).
    // A cancel locks the row after this target, or sets it cancelled before: either way one wins.
    const rows = (await manager.query(
      `SELECT t.campaign_id, t.audit_id, t.attempt, t.state FROM code_release_campaign_targets t
       WHERE t.authorizer_appid = ? AND t.state IN (?)
         AND EXISTS (SELECT 1 FROM code_release_campaigns c
                     WHERE c.campaign_id = t.campaign_id AND c.status IN ('running', 'paused'))
       ORDER BY t.submitted_at DESC LIMIT 1 FOR UPDATE`,
      [authorizerAppid, [...AUDIT_STATES]],
    )) as { campaign_id: string; audit_id: string | number | null; attempt: number; state: TargetState }[];
    const row = rows[0];
    if (!row) return undefined;
    const auditId = row.audit_id === null ? null : Number(row.audit_id);
    if (change.auditId != null && auditId !== null && change.auditId !== auditId) return undefined;
    await manager.query(
      `UPDATE code_release_campaign_targets
       SET state = ?, reason = ?, screenshots = ?, audit_result_at = ${NOW}, next_attempt_at = ${NOW},
           lease_owner = NULL, lease_until = NULL, updated_at = ${NOW}
       WHERE campaign_id = ? AND authorizer_appid = ? AND state = ?`,
      [
        change.state,
        change.reason ?? null,
        change.screenshots ? JSON.stringify(change.screenshots) : null,
        row.campaign_id,
        authorizerAppid,
        row.state,
      ],
    );
    await this.outbox.addMany(manager, build({ campaignId: row.campaign_id, auditId, attempt: row.attempt }));
    return { campaignId: row.campaign_id };
  }

  /**
   * Moves the campaign from one of `from` to `to` with its events, in one transaction; false when it
   * was in none of them. With `generation`, only while the campaign is still at that generation: a
   * decision taken on counts read before a retry committed (which bumps it) changes nothing.
   */
  async setStatus(
    campaignId: string,
    from: CampaignStatus[],
    to: CampaignStatus,
    reason: string | null,
    events: EventEnvelope<unknown>[] = [],
    generation?: number,
  ): Promise<boolean> {
    return inTransaction(this.dataSource, (manager) =>
      this.statusIn(manager, campaignId, from, to, reason, events, generation),
    );
  }

  /**
   * Cancels a running or paused campaign like `setStatus`, and answers, read in the same transaction
   * just before they were cancelled, its targets in audit or whose submit was in flight (for the
   * undo of their audits): none can enter audit under the campaign after it. `withinCancel` runs in
   * that transaction once the campaign is cancelled (cancel's undo operation is recorded there); if
   * it throws, nothing is cancelled.
   */
  async cancelWithAudits(
    campaignId: string,
    reason: string,
    withinCancel?: (manager: EntityManager, inFlight: InFlightAudit[]) => Promise<void>,
  ): Promise<{ cancelled: boolean; inFlight: InFlightAudit[] }> {
    return inTransaction(this.dataSource, async (manager) => {
      await manager.query(`SELECT campaign_id FROM code_release_campaigns WHERE campaign_id = ? FOR UPDATE`, [
        campaignId,
      ]);
      const rows = (await manager.query(
        `SELECT authorizer_appid, audit_id, state FROM code_release_campaign_targets
         WHERE campaign_id = ? AND state IN (?) ORDER BY ordinal FOR UPDATE`,
        [campaignId, [...AUDIT_STATES, TargetStates.Submitting]],
      )) as { authorizer_appid: string; audit_id: string | number | null; state: TargetState }[];
      const cancelled = await this.statusIn(
        manager,
        campaignId,
        ['running', 'paused'],
        'cancelled',
        reason,
        [],
      );
      if (!cancelled) return { cancelled, inFlight: [] };
      const inFlight = rows.map((row) => ({
        authorizerAppid: row.authorizer_appid,
        auditId: row.audit_id === null ? null : Number(row.audit_id),
        state: row.state,
      }));
      await withinCancel?.(manager, inFlight);
      return { cancelled, inFlight };
    });
  }

  private async statusIn(
    manager: EntityManager,
    campaignId: string,
    from: CampaignStatus[],
    to: CampaignStatus,
    reason: string | null,
    events: EventEnvelope<unknown>[] = [],
    generation?: number,
  ): Promise<boolean> {
    {
      const outcome = (await manager.query(
        `UPDATE code_release_campaigns SET status = ?, pause_reason = ?, updated_at = ${NOW},
           finished_at = IF(? IN ('finished', 'cancelled'), ${NOW}, finished_at)
         WHERE campaign_id = ? AND status IN (?) ${generation === undefined ? '' : 'AND generation = ?'}`,
        [to, reason, to, campaignId, from, ...(generation === undefined ? [] : [generation])],
      )) as { affectedRows: number };
      if (outcome.affectedRows !== 1) return false;
      if (to === 'cancelled') {
        await manager.query(
          `UPDATE code_release_campaign_targets SET state = 'cancelled', lease_owner = NULL, lease_until = NULL,
             updated_at = ${NOW}
           WHERE campaign_id = ? AND state NOT IN (?)`,
          [campaignId, FINAL_LIST],
        );
      }
      await this.outbox.addMany(manager, events);
      return true;
    }
  }

  /** Counts per state of one campaign. */
  async countsByState(campaignId: string): Promise<{ state: TargetState; count: number }[]> {
    const rows = (await this.dataSource.query(
      `SELECT state, COUNT(*) AS n FROM code_release_campaign_targets WHERE campaign_id = ? GROUP BY state`,
      [campaignId],
    )) as { state: TargetState; n: number | string }[];
    return rows.map((row) => ({ state: row.state, count: Number(row.n) }));
  }
}

/** The WHERE clause (with its values) of a campaign list or count: optionally one component and status. */
export function campaignFilterSql(filter: { componentAppid?: string; status?: CampaignStatus }): {
  where: string;
  values: unknown[];
} {
  const clauses: string[] = [];
  const values: unknown[] = [];
  if (filter.componentAppid) {
    clauses.push('component_appid = ?');
    values.push(filter.componentAppid);
  }
  if (filter.status) {
    clauses.push('status = ?');
    values.push(filter.status);
  }
  return { where: clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '', values };
}
