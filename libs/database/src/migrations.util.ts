import { DataSource, MigrationExecutor } from 'typeorm';

import { migrationFailedError } from './database.errors';
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
  const database = databaseOf(dataSource);
  return withMigrationLock(dataSource, database, lockTimeoutSeconds, async (queryRunner) => {
    const executor = new MigrationExecutor(dataSource, queryRunner);
    executor.transaction = 'each';
    const before = (await executor.getPendingMigrations()).map((migration) => migration.name);
    try {
      const applied = await executor.executePendingMigrations();
      return applied.map((migration) => migration.name);
    } catch (error) {
      // TypeORM's error is the SQL one; the operator also needs to know where the run stopped.
      const after = await executor
        .getPendingMigrations()
        .then((pending) => pending.map((migration) => migration.name))
        .catch(() => before);
      throw migrationFailedError(
        database,
        after[0],
        before.filter((name) => !after.includes(name)),
        error,
      );
    }
  });
}

/** The names of the DataSource's migrations that the database has not recorded as applied, in order. */
export async function pendingMigrations(dataSource: DataSource): Promise<string[]> {
  const pending = await new MigrationExecutor(dataSource).getPendingMigrations();
  return pending.map((migration) => migration.name);
}
