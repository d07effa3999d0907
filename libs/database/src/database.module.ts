import { Module, type DynamicModule, type OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DatabaseConfig } from '@wxop/config';
import { HealthRegistry, MetricsService } from '@wxop/observability';
import { DataSource } from 'typeorm';

import { dataSourceOptions, type AppSchema } from './data-source-options.util';
import { isPendingMigrationsError } from './database.errors';
import { openAppDataSource } from './open-data-source.util';

export interface DatabaseModuleOptions extends AppSchema {
  /** What an operator runs to migrate, named when DB_MIGRATIONS_RUN=false finds pending migrations. */
  migrateCommand?: string;
}

/** The migrate entry of every app image (`node main.cjs migrate`, see each app's main.ts). */
const IMAGE_MIGRATE_COMMAND = 'node main.cjs migrate';

/**
 * One app's MySQL/MariaDB database through TypeORM (dataSourceOptions) and a `database` readiness
 * check. At start the schema is migrated under a named lock (DB_MIGRATIONS_RUN=true, the default)
 * or checked, and an app with pending migrations refuses to start (DB_MIGRATIONS_RUN=false).
 */
@Module({})
export class DatabaseModule implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly health: HealthRegistry,
    private readonly metrics: MetricsService,
  ) {}

  static forRoot(options: DatabaseModuleOptions): DynamicModule {
    const migrateCommand = options.migrateCommand ?? IMAGE_MIGRATE_COMMAND;
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [DatabaseConfig],
          // `migrationsRun` carries DB_MIGRATIONS_RUN to the factory, which applies the migrations
          // itself under the lock (TypeORM's own run takes none) and hands TypeORM `false`.
          useFactory: (db: DatabaseConfig) => ({
            ...dataSourceOptions(db, options),
            migrationsRun: db.DB_MIGRATIONS_RUN,
            // Nest retries a failed connection 9 times, 3 s apart; waiting does not migrate a schema.
            toRetry: (error: unknown) => !isPendingMigrationsError(error),
          }),
          dataSourceFactory: (typeormOptions) =>
            openAppDataSource(typeormOptions!, {
              migrate: typeormOptions!.migrationsRun === true,
              migrateCommand,
            }),
        }),
      ],
    };
  }

  onModuleInit(): void {
    this.health.register('database', async () => {
      await this.dataSource.query('SELECT 1');
    });
    countQueries(this.dataSource, this.metrics);
  }
}

/**
 * `wxop_db_queries_total`: every statement the app sent to its database (those of a transaction,
 * START TRANSACTION and COMMIT included), counted where TypeORM logs queries. The server's own
 * counter (`Questions`) is shared by every client; benchmarks divide this one by their work.
 */
function countQueries(dataSource: DataSource, metrics: MetricsService): void {
  const queries = metrics.counter(
    'wxop_db_queries_total',
    'Statements this process sent to its database (transaction statements included)',
  );
  const logger = dataSource.logger;
  const logQuery = logger.logQuery.bind(logger);
  logger.logQuery = (query, parameters, queryRunner) => {
    queries.inc();
    return logQuery(query, parameters, queryRunner);
  };
}
