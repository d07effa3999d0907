import type { DatabaseConfig } from '@wxop/config';
import type { MigrationInterface } from 'typeorm';
import type { MysqlDataSourceOptions } from 'typeorm/driver/mysql/MysqlDataSourceOptions';

/** What identifies one app's schema: its database and its migrations. */
export interface AppSchema {
  /** The app's own database when DB_NAME is not set, e.g. `wxop_token`. */
  defaultName: string;
  /** The app's migrations in order (`synchronize` is never used). */
  migrations: (new () => MigrationInterface)[];
}

/**
 * The one TypeORM configuration of an app's database, for serving and for its migrate entry alike:
 * UTC, utf8mb4, connections that fail fast (2 s) so callers get an error, not a hang. Migrations are
 * never run by TypeORM's own `migrationsRun` (it takes no lock); libs/database applies them.
 */
export function dataSourceOptions(db: DatabaseConfig, schema: AppSchema): MysqlDataSourceOptions {
  return {
    type: 'mysql',
    host: db.DB_HOST,
    port: db.DB_PORT,
    username: db.DB_USER,
    password: db.DB_PASSWORD,
    database: db.DB_NAME ?? schema.defaultName,
    charset: 'utf8mb4_unicode_ci',
    timezone: 'Z',
    poolSize: db.DB_POOL_SIZE,
    synchronize: false,
    migrations: schema.migrations,
    migrationsRun: false,
    migrationsTransactionMode: 'each',
    logging: false,
    connectTimeout: 2000,
    extra: { connectTimeout: 2000 },
  };
}
