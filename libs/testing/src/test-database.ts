import { createConnection } from 'mysql2/promise';
import { DataSource, type DataSourceOptions, type MigrationInterface } from 'typeorm';

import { testEnv, uniqueRunId } from './test-env';

export interface TestDatabase {
  name: string;
  dataSource: DataSource;
  /** Drops the database and closes the pool. */
  drop(): Promise<void>;
}

export interface TestDatabaseOptions {
  /** Short prefix naming the suite, e.g. `messaging`. */
  prefix: string;
  /** The app's real migrations, applied in order. */
  migrations: (new () => MigrationInterface)[];
  entities?: DataSourceOptions['entities'];
}

/** One statement on the test server with no default database (CREATE/DROP DATABASE, probes); answers its rows. */
export async function adminQuery(sql: string): Promise<unknown> {
  const connection = await createConnection({
    host: testEnv.dbHost,
    port: testEnv.dbPort,
    user: testEnv.dbUser,
    password: testEnv.dbPassword,
  });
  try {
    const [rows] = await connection.query(sql);
    return rows;
  } finally {
    await connection.end();
  }
}

/**
 * A fresh database for one test run (`wxop_test_<prefix>_<run id>`), with the given
 * migrations applied exactly as in production (`synchronize: false`).
 */
export async function createTestDatabase(options: TestDatabaseOptions): Promise<TestDatabase> {
  const name = `wxop_test_${options.prefix.replace(/[^A-Za-z0-9_]/g, '_')}_${uniqueRunId()}`.slice(0, 64);
  await adminQuery(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  const dataSource = new DataSource({
    type: 'mysql',
    host: testEnv.dbHost,
    port: testEnv.dbPort,
    username: testEnv.dbUser,
    password: testEnv.dbPassword,
    database: name,
    charset: 'utf8mb4_unicode_ci',
    timezone: 'Z',
    synchronize: false,
    migrationsRun: false,
    migrations: options.migrations,
    entities: options.entities ?? [],
    poolSize: 10,
    logging: false,
  });
  try {
    await dataSource.initialize();
    await dataSource.runMigrations({ transaction: 'each' });
  } catch (error) {
    await adminQuery(`DROP DATABASE IF EXISTS \`${name}\``).catch(() => undefined);
    throw error;
  }
  return {
    name,
    dataSource,
    drop: async () => {
      if (dataSource.isInitialized) await dataSource.destroy();
      await adminQuery(`DROP DATABASE IF EXISTS \`${name}\``);
    },
  };
}

/** The DB_* variables an app needs to use a test database. */
export function databaseEnv(database: Pick<TestDatabase, 'name'>): Record<string, string> {
  return {
    DB_HOST: testEnv.dbHost,
    DB_PORT: String(testEnv.dbPort),
    DB_USER: testEnv.dbUser,
    DB_PASSWORD: testEnv.dbPassword,
    DB_NAME: database.name,
  };
}
