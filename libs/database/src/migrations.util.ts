import { DataSource, MigrationExecutor } from 'typeorm';

import { withMigrationLock } from './migration-lock.util';

/** How long a process waits for another one's migrations before it gives up (the longest migration we expect). */
export const DEFAULT_MIGRATION_LOCK_TIMEOUT_SECONDS = 300;

/** The name of the database a DataSource is connected to. */
export function databaseOf(dataSource: DataSource): string {
  return String((dataSource.options as { database?: unknown }).database);
}

/**
 * Applies the DataSource's pending migrations, each in its own transaction, under the database's
 * migrations lock; answers the names applied (none when another process got there first).
 */
export async function applyPendingMigrations(
  dataSource: DataSource,
  lockTimeoutSeconds = DEFAULT_MIGRATION_LOCK_TIMEOUT_SECONDS,
): Promise<string[]> {
  return withMigrationLock(dataSource, databaseOf(dataSource), lockTimeoutSeconds, async (queryRunner) => {
    const executor = new MigrationExecutor(dataSource, queryRunner);
    executor.transaction = 'each';
    const applied = await executor.executePendingMigrations();
    return applied.map((migration) => migration.name);
  });
}

/** The names of the DataSource's migrations that the database has not recorded as applied, in order. */
export async function pendingMigrations(dataSource: DataSource): Promise<string[]> {
  const pending = await new MigrationExecutor(dataSource).getPendingMigrations();
  return pending.map((migration) => migration.name);
}
