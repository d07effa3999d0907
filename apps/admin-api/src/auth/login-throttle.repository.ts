import { Injectable } from '@nestjs/common';
import { inTransaction } from '@wxop/database';
import { DataSource } from 'typeorm';

import { afterFailure, type ThrottleRules, type ThrottleState } from './login-throttle.util';

export type ThrottleScope = 'account' | 'ip';

interface ThrottleRow {
  failures: number;
  window_started_at: Date;
  last_failure_at: Date | null;
  locked_until: Date | null;
}

function toState(row: ThrottleRow | undefined): ThrottleState | undefined {
  return row
    ? {
        failures: Number(row.failures),
        windowStartedAt: row.window_started_at,
        lastFailureAt: row.last_failure_at,
        lockedUntil: row.locked_until,
      }
    : undefined;
}

/** admin_login_throttles: failed logins per username and per IP, in MySQL so every replica sees them. */
@Injectable()
export class LoginThrottleRepository {
  constructor(private readonly dataSource: DataSource) {}

  async read(scope: ThrottleScope, subject: string): Promise<ThrottleState | undefined> {
    const rows: ThrottleRow[] = await this.dataSource.query(
      `SELECT failures, window_started_at, last_failure_at, locked_until FROM admin_login_throttles
        WHERE scope = ? AND subject = ?`,
      [scope, subject.slice(0, 128)],
    );
    return toState(rows[0]);
  }

  /** Counts one failure under the row's lock (replicas counting at once never lose one). */
  async recordFailure(
    scope: ThrottleScope,
    subject: string,
    rules: ThrottleRules,
    now: Date,
  ): Promise<ThrottleState> {
    const key = subject.slice(0, 128);
    return inTransaction(this.dataSource, async (manager) => {
      await manager.query(
        `INSERT IGNORE INTO admin_login_throttles (scope, subject, failures, window_started_at) VALUES (?, ?, 0, ?)`,
        [scope, key, now],
      );
      const rows: ThrottleRow[] = await manager.query(
        `SELECT failures, window_started_at, last_failure_at, locked_until FROM admin_login_throttles
          WHERE scope = ? AND subject = ? FOR UPDATE`,
        [scope, key],
      );
      const current = toState(rows[0]);
      const next = afterFailure(current && current.failures > 0 ? current : undefined, rules, now);
      await manager.query(
        `UPDATE admin_login_throttles SET failures = ?, window_started_at = ?, last_failure_at = ?, locked_until = ?
          WHERE scope = ? AND subject = ?`,
        [next.failures, next.windowStartedAt, next.lastFailureAt, next.lockedUntil, scope, key],
      );
      return next;
    });
  }

  async clear(scope: ThrottleScope, subject: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM admin_login_throttles WHERE scope = ? AND subject = ?`, [
      scope,
      subject.slice(0, 128),
    ]);
  }

  /** Deletes up to `batch` rows whose window started before `before` and that hold no lock now. */
  async purgeStale(before: Date, now: Date, batch: number): Promise<number> {
    const result: { affectedRows?: number } = await this.dataSource.query(
      `DELETE FROM admin_login_throttles
        WHERE window_started_at < ? AND (locked_until IS NULL OR locked_until < ?) LIMIT ?`,
      [before, now, batch],
    );
    return Number(result.affectedRows ?? 0);
  }
}
