/** Why a database could not be brought to (or found at) the app's schema. */
export enum DatabaseErrorCode {
  /** DB_MIGRATIONS_RUN=false and the schema lacks some of the app's migrations. */
  PendingMigrations = 'DATABASE_PENDING_MIGRATIONS',
  /** Another process held the database's migrations lock for longer than we wait. */
  MigrationLockTimeout = 'DATABASE_MIGRATION_LOCK_TIMEOUT',
  /** A migration threw; those before it stay applied. */
  MigrationFailed = 'DATABASE_MIGRATION_FAILED',
}

/** A database error with its code; the message is written for the operator who reads the log. */
export class DatabaseError extends Error {
  constructor(
    readonly code: DatabaseErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DatabaseError';
  }
}

/** The refusal of an app that must not migrate (DB_MIGRATIONS_RUN=false) to serve an unmigrated schema. */
export function pendingMigrationsError(
  database: string,
  pending: string[],
  migrateCommand: string,
): DatabaseError {
  return new DatabaseError(
    DatabaseErrorCode.PendingMigrations,
    `Database ${database} is not migrated: ${pending.length} pending migration${pending.length === 1 ? '' : 's'} ` +
      `(${pending.join(', ')}). DB_MIGRATIONS_RUN=false, so this app does not apply them itself: ` +
      `run \`${migrateCommand}\` first (the deployment's migrations step), or start with DB_MIGRATIONS_RUN=true.`,
  );
}

/** True for the error an app must not retry: waiting does not migrate a schema. */
export function isPendingMigrationsError(error: unknown): boolean {
  return error instanceof DatabaseError && error.code === DatabaseErrorCode.PendingMigrations;
}

/** A failed migration run, saying which migration failed and which ones this run applied before it. */
export function migrationFailedError(
  database: string,
  failed: string | undefined,
  appliedBefore: string[],
  cause: unknown,
): DatabaseError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new DatabaseError(
    DatabaseErrorCode.MigrationFailed,
    `Database ${database}: migration ${failed ?? '(unknown)'} failed: ${reason}` +
      (appliedBefore.length > 0 ? ` (applied before it: ${appliedBefore.join(', ')})` : ' (nothing applied)'),
    { cause },
  );
}
