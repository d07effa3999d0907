import { Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { ConfigModule, DatabaseConfig } from '@wxop/config';
import { MetricsService, ObservabilityModule } from '@wxop/observability';
import { adminQuery, databaseEnv, testEnv, uniqueRunId } from '@wxop/testing';
import { createConnection } from 'mysql2/promise';
import { DataSource, type MigrationInterface, type QueryRunner } from 'typeorm';

import {
  DatabaseErrorCode,
  DatabaseModule,
  migrationLockName,
  runMigrateCommand,
  runMigrations,
  type DatabaseError,
} from '../src';

/**
 * Two migrations that leave room for a race: DDL in MariaDB commits at once, and each pauses after
 * its DDL before TypeORM records it, so two unguarded runs both see it pending and the second fails.
 */
class CreateWidgets1700000000001 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE TABLE widgets (id INT NOT NULL PRIMARY KEY) ENGINE=InnoDB');
    await queryRunner.query('SELECT SLEEP(0.3)');
  }
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE widgets');
  }
}

class AddWidgetName1700000000002 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE widgets ADD COLUMN name VARCHAR(64) NULL');
    await queryRunner.query('SELECT SLEEP(0.3)');
  }
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE widgets DROP COLUMN name');
  }
}

const MIGRATIONS = [CreateWidgets1700000000001, AddWidgetName1700000000002];
const NAMES = MIGRATIONS.map((migration) => migration.name);

/** An app as far as its database goes: config, observability (the readiness registry) and DatabaseModule. */
async function startApp(env: Record<string, string>) {
  const moduleRef = await Test.createTestingModule({
    imports: [
      ConfigModule.forRoot({ schemas: [DatabaseConfig], env }),
      ObservabilityModule.forRoot({ serviceName: 'widgets', level: 'silent' }),
      DatabaseModule.forRoot({ defaultName: 'wxop_widgets', migrations: MIGRATIONS }),
    ],
  }).compile();
  await moduleRef.init();
  return moduleRef;
}

describe('migrations apart from serving', () => {
  let database: string;
  let env: Record<string, string>;

  const applied = async (): Promise<string[]> => {
    const tables = (await adminQuery(
      `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = '${database}' AND table_name = 'migrations'`,
    )) as unknown[];
    if (tables.length === 0) return [];
    const rows = (await adminQuery(`SELECT name FROM \`${database}\`.migrations ORDER BY id`)) as {
      name: string;
    }[];
    return rows.map((row) => row.name);
  };

  beforeEach(async () => {
    database = `wxop_test_database_${uniqueRunId()}`;
    await adminQuery(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    env = databaseEnv({ name: database });
  });

  afterEach(async () => {
    await adminQuery(`DROP DATABASE IF EXISTS \`${database}\``);
  });

  it('two migrators started together on a fresh database both succeed, and each migration is applied once', async () => {
    const runs = await Promise.all([
      runMigrations({ defaultName: 'wxop_widgets', migrations: MIGRATIONS, env }),
      runMigrations({ defaultName: 'wxop_widgets', migrations: MIGRATIONS, env }),
    ]);
    expect(runs.map((run) => run.database)).toEqual([database, database]);
    // One of them applied both; the other waited on the lock and found nothing left to do.
    expect(runs.map((run) => run.applied).sort((a, b) => a.length - b.length)).toEqual([[], NAMES]);
    expect(await applied()).toEqual(NAMES);
  });

  it('two apps starting together with DB_MIGRATIONS_RUN=true both start, and each migration is applied once', async () => {
    // Unguarded, the loser fails on "table already exists" and Nest's TypeORM retry hides it 3 s later.
    const errors = jest.spyOn(Logger.prototype, 'error');
    const apps = await Promise.all([startApp(env), startApp(env)]);
    try {
      expect(errors.mock.calls.map(([message]) => String(message))).toEqual([]);
      expect(await applied()).toEqual(NAMES);
      for (const app of apps) {
        await expect(app.get(DataSource).query('SELECT id, name FROM widgets')).resolves.toEqual([]);
      }
    } finally {
      for (const app of apps) await app.close();
    }
  });

  it('counts every statement the app sends in wxop_db_queries_total, a transaction’s own statements too', async () => {
    const app = await startApp(env);
    try {
      const metrics = app.get(MetricsService);
      const counted = async () =>
        (await metrics.registry.getSingleMetricAsString('wxop_db_queries_total'))
          .split('\n')
          .filter((line) => line.startsWith('wxop_db_queries_total'))
          .map((line) => Number(line.slice(line.lastIndexOf(' ') + 1)))[0];
      const before = await counted();
      const dataSource = app.get(DataSource);
      await dataSource.query('SELECT id FROM widgets');
      await dataSource.transaction(async (manager) => {
        await manager.query('SELECT id FROM widgets');
      });
      // One query, then START TRANSACTION, the query and COMMIT.
      expect((await counted())! - before!).toBe(4);
    } finally {
      await app.close();
    }
  });

  it('an app with DB_MIGRATIONS_RUN=false refuses a fresh database at once, naming it, the pending migrations and the command', async () => {
    const started = Date.now();
    const error = (await startApp({ ...env, DB_MIGRATIONS_RUN: 'false' }).catch(
      (e: unknown) => e,
    )) as DatabaseError;
    expect(error.code).toBe(DatabaseErrorCode.PendingMigrations);
    expect(error.message).toBe(
      `Database ${database} is not migrated: 2 pending migrations (${NAMES.join(', ')}). DB_MIGRATIONS_RUN=false, ` +
        "so this app does not apply them itself: run `node main.cjs migrate` first (the deployment's migrations " +
        'step), or start with DB_MIGRATIONS_RUN=true.',
    );
    // Not retried: TypeORM's connection retries would take 27 s.
    expect(Date.now() - started).toBeLessThan(2500);
    expect(await applied()).toEqual([]);
    const connections = (await adminQuery(
      `SELECT COUNT(*) AS n FROM information_schema.processlist WHERE db = '${database}'`,
    )) as { n: number }[];
    expect(Number(connections[0]!.n)).toBe(0);
  });

  it('an app with DB_MIGRATIONS_RUN=false refuses a partly migrated database, and starts once migrate ran', async () => {
    await runMigrations({ defaultName: 'wxop_widgets', migrations: [CreateWidgets1700000000001], env });
    const error = (await startApp({ ...env, DB_MIGRATIONS_RUN: 'false' }).catch(
      (e: unknown) => e,
    )) as DatabaseError;
    expect(error.message).toMatch(/: 1 pending migration \(AddWidgetName1700000000002\)\./);

    const out: string[] = [];
    const code = await runMigrateCommand(
      { defaultName: 'wxop_widgets', migrations: MIGRATIONS, env },
      { out: (line) => out.push(line), err: (line) => out.push(line) },
    );
    expect({ code, out }).toEqual({
      code: 0,
      out: [
        `${database}: applied AddWidgetName1700000000002`,
        `${database}: 1 of 2 migrations applied, schema up to date`,
      ],
    });

    const app = await startApp({ ...env, DB_MIGRATIONS_RUN: 'false' });
    try {
      await expect(app.get(DataSource).query('SELECT id, name FROM widgets')).resolves.toEqual([]);
      expect(await applied()).toEqual(NAMES);
    } finally {
      await app.close();
    }
  });

  it('a failing migration stops the run, which names it and the ones applied before it', async () => {
    class BreakWidgets1700000000003 implements MigrationInterface {
      async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query('ALTER TABLE no_such_table ADD COLUMN colour VARCHAR(16) NULL');
      }
      async down(): Promise<void> {
        throw new Error('not reversible');
      }
    }
    const out: string[] = [];
    const code = await runMigrateCommand(
      { defaultName: 'wxop_widgets', migrations: [...MIGRATIONS, BreakWidgets1700000000003], env },
      { out: (line) => out.push(line), err: (line) => out.push(line) },
    );
    expect(code).toBe(1);
    expect(out).toEqual([
      expect.stringMatching(
        new RegExp(
          `^${database}: migrations failed: Database ${database}: migration BreakWidgets1700000000003 failed: .*no_such_table.* \\(applied before it: ${NAMES.join(', ')}\\)$`,
        ),
      ),
    ]);
    expect(await applied()).toEqual(NAMES);
  });

  it('a migrator waits for the lock another process holds, and gives up after its timeout without migrating', async () => {
    const holder = await createConnection({
      host: testEnv.dbHost,
      port: testEnv.dbPort,
      user: testEnv.dbUser,
      password: testEnv.dbPassword,
    });
    try {
      await holder.query('SELECT GET_LOCK(?, 0)', [migrationLockName(database)]);
      const error = (await runMigrations({
        defaultName: 'wxop_widgets',
        migrations: MIGRATIONS,
        env,
        lockTimeoutSeconds: 1,
      }).catch((e: unknown) => e)) as DatabaseError;
      expect(error.code).toBe(DatabaseErrorCode.MigrationLockTimeout);
      expect(await applied()).toEqual([]);

      const waiting = runMigrations({
        defaultName: 'wxop_widgets',
        migrations: MIGRATIONS,
        env,
        lockTimeoutSeconds: 20,
      });
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(await applied()).toEqual([]);
      await holder.query('SELECT RELEASE_LOCK(?)', [migrationLockName(database)]);
      await expect(waiting).resolves.toMatchObject({ applied: NAMES });
    } finally {
      await holder.end();
    }
  });
});
