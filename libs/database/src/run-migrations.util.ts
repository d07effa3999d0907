import { DatabaseConfig, loadConfig } from '@wxop/config';
import { DataSource } from 'typeorm';

import { dataSourceOptions, type AppSchema } from './data-source-options.util';
import { applyPendingMigrations } from './migrations.util';

export interface RunMigrationsOptions extends AppSchema {
  /** Defaults to process.env; validated by the app's own DatabaseConfig rules. */
  env?: Record<string, string | undefined>;
  lockTimeoutSeconds?: number;
}

export interface MigrationsRun {
  database: string;
  /** Names of the migrations this run applied, in order; empty when the schema was up to date. */
  applied: string[];
  /** How many migrations the app has. */
  total: number;
}

/**
 * Applies an app's pending migrations and disconnects: the app's migrate entry, without HTTP, the
 * broker or schedulers. Takes the same lock as an app migrating at start, so any number may run at once.
 */
export async function runMigrations(options: RunMigrationsOptions): Promise<MigrationsRun> {
  const { db } = loadConfig({ db: DatabaseConfig }, options.env);
  // Migrations run on the lock's own connection: one is all the pool needs.
  const dataSource = new DataSource({ ...dataSourceOptions(db, options), poolSize: 1 });
  await dataSource.initialize();
  try {
    const applied = await applyPendingMigrations(dataSource, options.lockTimeoutSeconds);
    return {
      database: String(dataSource.options.database),
      applied,
      total: options.migrations.length,
    };
  } finally {
    await dataSource.destroy();
  }
}
