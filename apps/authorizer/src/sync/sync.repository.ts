import { Injectable } from '@nestjs/common';
import type { SyncRunStatus, SyncRunSummary } from '@wxop/contracts';
import { DataSource } from 'typeorm';

const NOW = 'UTC_TIMESTAMP(3)';

/** What a sync run counts as it goes. */
export type SyncCounts = Pick<
  SyncRunSummary,
  | 'totalCount'
  | 'listed'
  | 'discovered'
  | 'handedOver'
  | 'profilesRefreshed'
  | 'markedUnauthorized'
  | 'withoutRefreshToken'
  | 'failed'
  | 'listCalls'
  | 'infoCalls'
>;

interface SyncRow {
  id: string;
  component_appid: string;
  trigger_kind: SyncRunSummary['trigger'];
  status: SyncRunStatus;
  complete: number;
  total_count: number | null;
  listed: number;
  discovered: number;
  handed_over: number;
  profiles_refreshed: number;
  marked_unauthorized: number;
  without_refresh_token: number;
  failed: number;
  list_calls: number;
  info_calls: number;
  error: string | null;
  started_at: Date;
  finished_at: Date | null;
  /** The run's lease is still held (NULL when it is gone: the replica running it died). */
  leased: number | null;
}

const SELECT_RUN = `SELECT s.*, (l.sync_id IS NOT NULL AND l.lease_until >= ${NOW}) AS leased
  FROM authorizer_syncs s LEFT JOIN authorizer_sync_leases l ON l.component_appid = s.component_appid AND l.sync_id = s.id`;

/**
 * The only code touching `authorizer_syncs` and `authorizer_sync_leases`. One sync per component
 * runs at a time across replicas: the lease row names the run; a run whose lease expired (its
 * replica died) is reported as failed, and the next start takes the lease over.
 */
@Injectable()
export class SyncRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Takes the component's sync lease for this run, unless a live one is held: answers the holder's run id. */
  async acquireLease(
    componentAppid: string,
    syncId: string,
    owner: string,
    seconds: number,
  ): Promise<string> {
    // Assignments run left to right: once sync_id is taken over, the others follow it.
    await this.dataSource.query(
      `INSERT INTO authorizer_sync_leases (component_appid, sync_id, owner, lease_until)
       VALUES (?, ?, ?, ${NOW} + INTERVAL ? SECOND)
       ON DUPLICATE KEY UPDATE
         sync_id = IF(lease_until < ${NOW}, VALUES(sync_id), sync_id),
         owner = IF(sync_id = VALUES(sync_id), VALUES(owner), owner),
         lease_until = IF(sync_id = VALUES(sync_id), VALUES(lease_until), lease_until)`,
      [componentAppid, syncId, owner, seconds],
    );
    const [row] = (await this.dataSource.query(
      `SELECT sync_id FROM authorizer_sync_leases WHERE component_appid = ?`,
      [componentAppid],
    )) as { sync_id: string }[];
    return row!.sync_id;
  }

  /** Extends the lease; false when it was lost (expired and taken over). */
  async renewLease(componentAppid: string, syncId: string, seconds: number): Promise<boolean> {
    const outcome = (await this.dataSource.query(
      `UPDATE authorizer_sync_leases SET lease_until = ${NOW} + INTERVAL ? SECOND
       WHERE component_appid = ? AND sync_id = ?`,
      [seconds, componentAppid, syncId],
    )) as { affectedRows: number };
    return outcome.affectedRows > 0;
  }

  async releaseLease(componentAppid: string, syncId: string): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM authorizer_sync_leases WHERE component_appid = ? AND sync_id = ?`,
      [componentAppid, syncId],
    );
  }

  async insertRun(run: {
    syncId: string;
    componentAppid: string;
    trigger: SyncRunSummary['trigger'];
    owner: string;
  }): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO authorizer_syncs (id, component_appid, trigger_kind, status, owner, started_at)
       VALUES (?, ?, ?, 'running', ?, ${NOW})`,
      [run.syncId, run.componentAppid, run.trigger, run.owner],
    );
  }

  /** Stores the counts so far, and the outcome when `status` is final. */
  async updateRun(
    syncId: string,
    counts: SyncCounts,
    outcome?: { status: Exclude<SyncRunStatus, 'running'>; complete: boolean; error?: string },
  ): Promise<void> {
    await this.dataSource.query(
      `UPDATE authorizer_syncs SET total_count = ?, listed = ?, discovered = ?, handed_over = ?,
         profiles_refreshed = ?, marked_unauthorized = ?, without_refresh_token = ?, failed = ?,
         list_calls = ?, info_calls = ?, status = COALESCE(?, status), complete = COALESCE(?, complete),
         error = COALESCE(?, error), finished_at = IF(? IS NULL, finished_at, ${NOW})
       WHERE id = ?`,
      [
        counts.totalCount,
        counts.listed,
        counts.discovered,
        counts.handedOver,
        counts.profilesRefreshed,
        counts.markedUnauthorized,
        counts.withoutRefreshToken,
        counts.failed,
        counts.listCalls,
        counts.infoCalls,
        outcome?.status ?? null,
        outcome ? Number(outcome.complete) : null,
        outcome?.error?.slice(0, 1000) ?? null,
        outcome?.status ?? null,
        syncId,
      ],
    );
  }

  async find(syncId: string): Promise<SyncRunSummary | undefined> {
    const [row] = (await this.dataSource.query(`${SELECT_RUN} WHERE s.id = ?`, [syncId])) as SyncRow[];
    return row ? summaryOf(row) : undefined;
  }

  async latest(componentAppid: string): Promise<SyncRunSummary | undefined> {
    const [row] = (await this.dataSource.query(
      `${SELECT_RUN} WHERE s.component_appid = ? ORDER BY s.started_at DESC, s.id LIMIT 1`,
      [componentAppid],
    )) as SyncRow[];
    return row ? summaryOf(row) : undefined;
  }

  /** When the component's last complete, successful sync started (scheduling). */
  async lastCompleteAt(componentAppid: string): Promise<Date | undefined> {
    const [row] = (await this.dataSource.query(
      `SELECT MAX(started_at) AS at FROM authorizer_syncs
       WHERE component_appid = ? AND status IN ('succeeded', 'partial') AND complete = 1`,
      [componentAppid],
    )) as { at: Date | null }[];
    return row?.at ?? undefined;
  }
}

function summaryOf(row: SyncRow): SyncRunSummary {
  const abandoned = row.status === 'running' && !Number(row.leased);
  return {
    syncId: row.id,
    componentAppid: row.component_appid,
    trigger: row.trigger_kind,
    status: abandoned ? 'failed' : row.status,
    complete: Boolean(row.complete),
    totalCount: row.total_count,
    listed: row.listed,
    discovered: row.discovered,
    handedOver: row.handed_over,
    profilesRefreshed: row.profiles_refreshed,
    markedUnauthorized: row.marked_unauthorized,
    withoutRefreshToken: row.without_refresh_token,
    failed: row.failed,
    listCalls: row.list_calls,
    infoCalls: row.info_calls,
    error: abandoned ? 'abandoned: the replica running it stopped' : row.error,
    startedAt: row.started_at.toISOString(),
    finishedAt: row.finished_at ? row.finished_at.toISOString() : null,
  };
}
