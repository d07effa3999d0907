import { Injectable } from '@nestjs/common';
import { inTransaction } from '@wxop/database';
import { DataSource } from 'typeorm';

import {
  claimDecision,
  DEFAULT_QUOTA_TIMINGS,
  mustReread,
  type QuotaClaim,
  type QuotaTimings,
  type SubmitSettlement,
} from './platform-quota.util';
import type { QuotaReading } from './quota.util';

const NOW = 'UTC_TIMESTAMP(3)';

interface QuotaRow {
  rest: number;
  used_since_read: number;
  reserved_in_flight: number;
  read_age_ms: string | number | null;
  last_claim_age_ms: string | number | null;
}

const seconds = (ms: string | number | null) => (ms === null ? null : Number(ms) / 1000);

/**
 * The platform-wide submit quota shared by every replica and campaign (ADR 0023). A claim locks
 * the component's row with `SELECT … FOR UPDATE`, re-reads queryquota when the reading is stale
 * and no claimed submit is unanswered, and spends one unit only while `rest − used − reserve ≥ 1`:
 * two replicas together never submit more than the bound.
 */
@Injectable()
export class PlatformQuotaRepository {
  constructor(private readonly dataSource: DataSource) {}

  timings: QuotaTimings = DEFAULT_QUOTA_TIMINGS;
  private readonly ensured = new Set<string>();

  /**
   * Claims one submit for the component, keeping `reserve` back. `read` is queryquota with some
   * authorizer's token; it runs under the row lock, so one replica reads while the others wait.
   */
  async claim(
    componentAppid: string,
    reserve: number,
    read: () => Promise<QuotaReading>,
  ): Promise<QuotaClaim> {
    if (!this.ensured.has(componentAppid)) {
      // Created once, outside the claim's transaction: an INSERT there would take a shared lock
      // that deadlocks with the other replica's FOR UPDATE.
      await this.dataSource.query(
        `INSERT IGNORE INTO code_release_quota (component_appid, updated_at) VALUES (?, ${NOW})`,
        [componentAppid],
      );
      this.ensured.add(componentAppid);
    }
    return inTransaction(this.dataSource, async (manager) => {
      const lock = async () =>
        (
          (await manager.query(
            `SELECT rest, used_since_read, reserved_in_flight,
                    TIMESTAMPDIFF(MICROSECOND, read_at, ${NOW}) DIV 1000 AS read_age_ms,
                    TIMESTAMPDIFF(MICROSECOND, last_claim_at, ${NOW}) DIV 1000 AS last_claim_age_ms
               FROM code_release_quota WHERE component_appid = ? FOR UPDATE`,
            [componentAppid],
          )) as QuotaRow[]
        )[0];
      const row = await lock();
      let state = {
        rest: Number(row!.rest),
        usedSinceRead: Number(row!.used_since_read),
        reservedInFlight: Number(row!.reserved_in_flight),
        readAgeSeconds: seconds(row!.read_age_ms),
        lastClaimAgeSeconds: seconds(row!.last_claim_age_ms),
      };
      if (mustReread(state, reserve, this.timings)) {
        const reading = await read();
        state = { ...state, rest: reading.rest, usedSinceRead: 0, reservedInFlight: 0, readAgeSeconds: 0 };
        await manager.query(
          `UPDATE code_release_quota SET rest = ?, quota_limit = ?, read_at = ${NOW}, used_since_read = 0,
             reserved_in_flight = 0, updated_at = ${NOW} WHERE component_appid = ?`,
          [reading.rest, reading.limit, componentAppid],
        );
      }
      const decision = claimDecision(state, reserve);
      if (decision.granted) {
        // Absolute values from the locked read: the lock, not the arithmetic, makes the claim safe.
        await manager.query(
          `UPDATE code_release_quota SET used_since_read = ?, reserved_in_flight = ?, last_claim_at = ${NOW},
             updated_at = ${NOW} WHERE component_appid = ?`,
          [state.usedSinceRead + 1, state.reservedInFlight + 1, componentAppid],
        );
      }
      return decision;
    });
  }

  /** Records how a claimed submit ended: a refused one gives its unit back, 85085 empties the quota. */
  async settle(componentAppid: string, settlement: SubmitSettlement): Promise<void> {
    const set =
      settlement === 'refunded'
        ? 'used_since_read = GREATEST(0, used_since_read - 1),'
        : settlement === 'exhausted'
          ? `rest = 0, used_since_read = 0, read_at = ${NOW},`
          : '';
    await this.dataSource.query(
      `UPDATE code_release_quota SET ${set} reserved_in_flight = GREATEST(0, reserved_in_flight - 1),
         updated_at = ${NOW} WHERE component_appid = ?`,
      [componentAppid],
    );
  }

  /** The last reading and what was claimed against it since (what an operator or a test reads). */
  async left(componentAppid: string): Promise<{ rest: number; usedSinceRead: number } | null> {
    const reading = await this.reading(componentAppid);
    return reading ? { rest: reading.rest, usedSinceRead: reading.usedSinceRead } : null;
  }

  /** The last queryquota reading with its limit and time; null before the first read. */
  async reading(
    componentAppid: string,
  ): Promise<{ rest: number; limit: number; usedSinceRead: number; readAt: Date | null } | null> {
    const [row] = (await this.dataSource.query(
      `SELECT rest, quota_limit, used_since_read, read_at FROM code_release_quota WHERE component_appid = ?`,
      [componentAppid],
    )) as { rest: number; quota_limit: number; used_since_read: number; read_at: Date | null }[];
    return row
      ? {
          rest: Number(row.rest),
          limit: Number(row.quota_limit),
          usedSinceRead: Number(row.used_since_read),
          readAt: row.read_at,
        }
      : null;
  }
}
