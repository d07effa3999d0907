import { Injectable } from '@nestjs/common';
import { inTransaction } from '@wxop/database';
import { DataSource } from 'typeorm';

import { TARGET_COLUMNS, toClaimed, type ClaimedTarget, type TargetRow } from './campaign.repository';
import type { TargetState } from './target-state';

const NOW = 'UTC_TIMESTAMP(3)';

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

  /**
   * Extends `owner`'s leases on the given targets before the operation works on them; answers the
   * appids it still holds (a lease that ran out and was taken by a worker is not renewed).
   */
  async renewLeases(
    owner: string,
    campaignId: string,
    authorizerAppids: string[],
    leaseSeconds: number,
  ): Promise<Set<string>> {
    if (authorizerAppids.length === 0) return new Set();
    return inTransaction(this.dataSource, async (manager) => {
      await manager.query(
        `UPDATE code_release_campaign_targets SET lease_until = ${NOW} + INTERVAL ? SECOND
         WHERE campaign_id = ? AND authorizer_appid IN (?) AND lease_owner = ?`,
        [leaseSeconds, campaignId, authorizerAppids, owner],
      );
      const held = (await manager.query(
        `SELECT authorizer_appid FROM code_release_campaign_targets
         WHERE campaign_id = ? AND authorizer_appid IN (?) AND lease_owner = ?`,
        [campaignId, authorizerAppids, owner],
      )) as { authorizer_appid: string }[];
      return new Set(held.map((row) => row.authorizer_appid));
    });
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

  /** Notes why a cancelled target's audit was or was not withdrawn. */
  async noteCancelled(
    campaignId: string,
    authorizerAppid: string,
    reason: string,
    errcode: number | null,
  ): Promise<void> {
    await this.dataSource.query(
      `UPDATE code_release_campaign_targets SET reason = ?, errcode = ?, updated_at = ${NOW}
       WHERE campaign_id = ? AND authorizer_appid = ? AND state = 'cancelled'`,
      [reason, errcode, campaignId, authorizerAppid],
    );
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
}
