import { Logger } from '@nestjs/common';
import { DataSource, type DataSourceOptions } from 'typeorm';

import { pendingMigrationsError } from './database.errors';
import { applyPendingMigrations, databaseOf, pendingMigrations } from './migrations.util';

export interface SchemaPolicy {
  /** DB_MIGRATIONS_RUN: apply pending migrations (under the lock), or refuse to serve when any is pending. */
  migrate: boolean;
  /** Named in the refusal: what the operator runs to migrate. */
  migrateCommand: string;
  lockTimeoutSeconds?: number;
}

/**
 * Connects an app's DataSource and brings its schema up to date, or refuses: nothing can use the
 * database before its migrations are applied, since Nest injects the DataSource only once this resolves.
 */
export async function openAppDataSource(
  options: DataSourceOptions,
  policy: SchemaPolicy,
): Promise<DataSource> {
  const dataSource = new DataSource({ ...options, migrationsRun: false });
  await dataSource.initialize();
  try {
    const database = databaseOf(dataSource);
    if (policy.migrate) {
      const applied = await applyPendingMigrations(dataSource, policy.lockTimeoutSeconds);
      if (applied.length > 0)
        new Logger('DatabaseModule').log({ msg: 'migrations applied', database, migrations: applied });
    } else {
      const pending = await pendingMigrations(dataSource);
      if (pending.length > 0) throw pendingMigrationsError(database, pending, policy.migrateCommand);
    }
    return dataSource;
  } catch (error) {
    // The pool would keep the process alive (and TypeORM's retry would open another one).
    await dataSource.destroy().catch(() => undefined);
    throw error;
  }
}
