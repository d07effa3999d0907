import type { DataSource, EntityManager } from 'typeorm';

export interface TransactionOptions {
  /**
   * Runs the work again (up to 3 times in all) when InnoDB picks it as a deadlock victim. Default
   * true; set false when the work has effects outside the database (a WeChat call must not repeat).
   */
  retryDeadlocks?: boolean;
}

const DEADLOCK_CODES = new Set(['ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT']);

/** True for InnoDB's "deadlock found" and "lock wait timeout" errors (the transaction was rolled back). */
export function isLockConflict(error: unknown): boolean {
  const code = (error as { code?: unknown; driverError?: { code?: unknown } } | undefined)?.code;
  const driverCode = (error as { driverError?: { code?: unknown } } | undefined)?.driverError?.code;
  return DEADLOCK_CODES.has(String(code)) || DEADLOCK_CODES.has(String(driverCode));
}

/**
 * A transaction in READ COMMITTED: row locks only, no gap locks, so `FOR UPDATE [SKIP LOCKED]`
 * claims and inserts of new rows do not deadlock each other the way they do under InnoDB's default
 * REPEATABLE READ. Lock conflicts can still happen between rows; `retryDeadlocks` retries them.
 */
export async function inTransaction<T>(
  dataSource: DataSource,
  work: (manager: EntityManager) => Promise<T>,
  options: TransactionOptions = {},
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await dataSource.transaction('READ COMMITTED', work);
    } catch (error) {
      if (options.retryDeadlocks === false || attempt >= 3 || !isLockConflict(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20 * attempt));
    }
  }
}
