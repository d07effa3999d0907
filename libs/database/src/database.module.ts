import { Module, type DynamicModule, type OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DatabaseConfig } from '@wxop/config';
import { HealthRegistry } from '@wxop/observability';
import { DataSource, type MigrationInterface } from 'typeorm';

export interface DatabaseModuleOptions {
  /** The app's own database when DB_NAME is not set, e.g. `wxop_token`. */
  defaultName: string;
  /** The app's migrations in order; applied at start (`synchronize` is never used). */
  migrations: (new () => MigrationInterface)[];
}

/**
 * One app's MySQL/MariaDB database through TypeORM: UTC, utf8mb4, its migrations applied at start,
 * and a `database` readiness check. Connections fail fast (2 s) so callers get an error, not a hang.
 */
@Module({})
export class DatabaseModule implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly health: HealthRegistry,
  ) {}

  static forRoot(options: DatabaseModuleOptions): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [DatabaseConfig],
          useFactory: (db: DatabaseConfig) => ({
            type: 'mysql' as const,
            host: db.DB_HOST,
            port: db.DB_PORT,
            username: db.DB_USER,
            password: db.DB_PASSWORD,
            database: db.DB_NAME ?? options.defaultName,
            charset: 'utf8mb4_unicode_ci',
            timezone: 'Z',
            poolSize: db.DB_POOL_SIZE,
            synchronize: false,
            migrations: options.migrations,
            migrationsRun: true,
            migrationsTransactionMode: 'each' as const,
            logging: false,
            connectTimeout: 2000,
            extra: { connectTimeout: 2000 },
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
