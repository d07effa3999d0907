import {
  DatabaseErrorCode,
  isPendingMigrationsError,
  migrationFailedError,
  pendingMigrationsError,
} from './database.errors';

describe(pendingMigrationsError.name, () => {
  it('names the database, every pending migration, the switch and the command to run', () => {
    const sut = pendingMigrationsError(
      'wxop_token',
      ['CreateTokenTables1', 'Outbox2'],
      'node main.cjs migrate',
    );
    expect(sut.code).toBe(DatabaseErrorCode.PendingMigrations);
    expect(sut.message).toBe(
      'Database wxop_token is not migrated: 2 pending migrations (CreateTokenTables1, Outbox2). ' +
        'DB_MIGRATIONS_RUN=false, so this app does not apply them itself: run `node main.cjs migrate` first ' +
        "(the deployment's migrations step), or start with DB_MIGRATIONS_RUN=true.",
    );
    expect(isPendingMigrationsError(sut)).toBe(true);
  });

  it('is the only error an app does not retry', () => {
    expect(isPendingMigrationsError(new Error('connect ECONNREFUSED'))).toBe(false);
  });
});

describe(migrationFailedError.name, () => {
  it('names the failed migration, the cause, and says when nothing was applied before it', () => {
    const cause = new Error("Table 'widgets' already exists");
    const sut = migrationFailedError('wxop_token', 'CreateWidgets1', [], cause);
    expect(sut.code).toBe(DatabaseErrorCode.MigrationFailed);
    expect(sut.message).toBe(
      "Database wxop_token: migration CreateWidgets1 failed: Table 'widgets' already exists (nothing applied)",
    );
    expect(sut.cause).toBe(cause);
  });
});
