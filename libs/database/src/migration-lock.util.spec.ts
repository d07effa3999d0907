import type { DataSource, QueryRunner } from 'typeorm';

import { DatabaseError, DatabaseErrorCode } from './database.errors';
import { migrationLockName, withMigrationLock } from './migration-lock.util';

function fakeDataSource(acquired: number | null): {
  dataSource: DataSource;
  runner: jest.Mocked<QueryRunner>;
} {
  const runner = {
    connect: jest.fn().mockResolvedValue(undefined),
    release: jest.fn().mockResolvedValue(undefined),
    query: jest.fn(async (sql: string) => (sql.startsWith('SELECT GET_LOCK') ? [{ acquired }] : [{}])),
  } as unknown as jest.Mocked<QueryRunner>;
  const dataSource = { createQueryRunner: () => runner } as unknown as DataSource;
  return { dataSource, runner };
}

describe(migrationLockName.name, () => {
  it('names the lock after the database', () => {
    expect(migrationLockName('wxop_token')).toBe('wxop_migrations_wxop_token');
  });

  it('stays within the 64 characters MySQL allows, and distinct, for the longest database names', () => {
    const a = migrationLockName('a'.repeat(64));
    const b = migrationLockName(`${'a'.repeat(63)}b`);
    expect(a.length).toBeLessThanOrEqual(64);
    expect(b.length).toBeLessThanOrEqual(64);
    expect(a).not.toBe(b);
    expect(migrationLockName('a'.repeat(64))).toBe(a);
  });
});

describe(withMigrationLock.name, () => {
  it('runs the work on the connection holding the lock, then releases the lock and the connection', async () => {
    const { dataSource, runner } = fakeDataSource(1);
    const sut = await withMigrationLock(dataSource, 'wxop_token', 30, async (queryRunner) => {
      expect(queryRunner).toBe(runner);
      return 'done';
    });
    expect(sut).toBe('done');
    expect(runner.query.mock.calls.map(([sql, parameters]) => [sql, parameters])).toEqual([
      ['SELECT GET_LOCK(?, ?) AS acquired', ['wxop_migrations_wxop_token', 30]],
      ['SELECT RELEASE_LOCK(?)', ['wxop_migrations_wxop_token']],
    ]);
    expect(runner.release).toHaveBeenCalledTimes(1);
  });

  it('releases the lock and the connection when the work fails', async () => {
    const { dataSource, runner } = fakeDataSource(1);
    await expect(
      withMigrationLock(dataSource, 'wxop_token', 30, () => Promise.reject(new Error('migration broke'))),
    ).rejects.toThrow('migration broke');
    expect(runner.query).toHaveBeenLastCalledWith('SELECT RELEASE_LOCK(?)', ['wxop_migrations_wxop_token']);
    expect(runner.release).toHaveBeenCalledTimes(1);
  });

  it.each([0, null])(
    'gives up without running the work when GET_LOCK answers %p (timed out, or failed)',
    async (acquired) => {
      const { dataSource, runner } = fakeDataSource(acquired);
      const work = jest.fn();
      const error = await withMigrationLock(dataSource, 'wxop_token', 5, work).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DatabaseError);
      expect((error as DatabaseError).code).toBe(DatabaseErrorCode.MigrationLockTimeout);
      expect((error as DatabaseError).message).toMatch(/wxop_token.*wxop_migrations_wxop_token.*5 s/);
      expect(work).not.toHaveBeenCalled();
      expect(runner.query).toHaveBeenCalledTimes(1);
      expect(runner.release).toHaveBeenCalledTimes(1);
    },
  );
});
