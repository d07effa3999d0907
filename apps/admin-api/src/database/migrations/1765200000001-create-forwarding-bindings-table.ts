import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The bindings of `admin-api.forwarding` (ADR 0018): each pattern the queue was bound with, so a
 * reconcile can unbind those no enabled rule uses any more (AMQP cannot list a queue's bindings).
 * The queue was bound with `#` before this table existed: it is recorded here so the first
 * reconcile removes it unless a rule wants it.
 */
export class CreateForwardingBindingsTable1765200000001 implements MigrationInterface {
  name = 'CreateForwardingBindingsTable1765200000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE IF NOT EXISTS forwarding_bindings (
        pattern VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
        bound_at DATETIME(3) NOT NULL,
        PRIMARY KEY (pattern)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await queryRunner.query(
      `INSERT IGNORE INTO forwarding_bindings (pattern, bound_at) VALUES ('#', UTC_TIMESTAMP(3))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE IF EXISTS forwarding_bindings');
  }
}
