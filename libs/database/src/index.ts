export { DatabaseModule, type DatabaseModuleOptions } from './database.module';
export { dataSourceOptions, type AppSchema } from './data-source-options.util';
export { DatabaseError, DatabaseErrorCode } from './database.errors';
export { migrationLockName } from './migration-lock.util';
export { applyPendingMigrations, pendingMigrations } from './migrations.util';
export { runMigrations, type MigrationsRun, type RunMigrationsOptions } from './run-migrations.util';
export { runMigrateCommand, type MigrateCommandIo } from './migrate-command.util';
export { inTransaction, isLockConflict, type TransactionOptions } from './transaction.util';
export { ScheduledPurge, type ScheduledPurgeOptions } from './scheduled-purge';
