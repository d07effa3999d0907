import { createHash } from 'node:crypto';

import type { DataSource, QueryRunner } from 'typeorm';

import { DatabaseError, DatabaseErrorCode } from './database.errors';

/** MySQL refuses lock names longer than 64 characters (MariaDB does not, but one name must work on both). */
const MAX_LOCK_NAME = 64;

/** `wxop_migrations_<database>`; a name too long for MySQL gets a digest of the database name instead. */
export function migrationLockName(database: string): string {
  const name = `wxop_migrations_${database}`;
  if (name.length <= MAX_LOCK_NAME) return name;
  return `wxop_migrations_${createHash('sha256').update(database).digest('hex').slice(0, 48)}`;
}

/**
 * Runs `work` holding the database's named lock (GET_LOCK), on one dedicated connection that the work
 * must use too: MariaDB's DDL is not transactional, so two processes applying the same migration at
 * once break each other, and the lock makes the second wait and then find nothing left to do. The
 * server frees the lock if the process dies, since the lock belongs to the connection.
 */
export async function withMigrationLock<T>(
  dataSource: DataSource,
  database: string,
  timeoutSeconds: number,
  work: (queryRunner: QueryRunner) => Promise<T>,
): Promise<T> {
  const name = migrationLockName(database);
  const queryRunner = dataSource.createQueryRunner();
  try {
    await queryRunner.connect();
    const [row] = (await queryRunner.query('SELECT GET_LOCK(?, ?) AS acquired', [name, timeoutSeconds])) as {
      acquired: number | string | null;
    }[];
    if (Number(row?.acquired) !== 1) {
      throw new DatabaseError(
        DatabaseErrorCode.MigrationLockTimeout,
        `Database ${database}: another process held the migrations lock ${name} for more than ${timeoutSeconds} s ` +
          `(a migration still running, or a stuck session: SELECT IS_USED_LOCK('${name}') names its connection).`,
      );
    }
    try {
      return await work(queryRunner);
    } finally {
      await queryRunner.query('SELECT RELEASE_LOCK(?)', [name]);
    }
  } finally {
    await queryRunner.release();
  }
}
