import { Module, type OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DatabaseConfig } from '@wxop/config';
import { HealthRegistry } from '@wxop/observability';
import { DataSource } from 'typeorm';

import { INGRESS_MIGRATIONS } from './migrations';

/** The ingress database (`wxop_ingress` by default) with its migrations applied at start. */
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [DatabaseConfig],
      useFactory: (db: DatabaseConfig) => ({
        type: 'mysql' as const,
        host: db.DB_HOST,
        port: db.DB_PORT,
        username: db.DB_USER,
        password: db.DB_PASSWORD,
        database: db.DB_NAME ?? 'wxop_ingress',
        charset: 'utf8mb4_unicode_ci',
        timezone: 'Z',
        poolSize: db.DB_POOL_SIZE,
        synchronize: false,
        migrations: INGRESS_MIGRATIONS,
        migrationsRun: true,
        migrationsTransactionMode: 'each' as const,
        logging: false,
        // Fail fast when the database is gone: a push must get its 503 within WeChat's 5 s.
        connectTimeout: 2000,
        extra: { connectTimeout: 2000 },
      }),
    }),
  ],
})
export class DatabaseModule implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly health: HealthRegistry,
  ) {}

  onModuleInit(): void {
    this.health.register('database', async () => {
      await this.dataSource.query('SELECT 1');
    });
  }
}
