import { Module, type DynamicModule, type OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DatabaseConfig } from '@wxop/config';
import { HealthRegistry } from '@wxop/observability';
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
  }
}
