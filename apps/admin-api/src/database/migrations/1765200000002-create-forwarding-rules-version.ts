import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The version of the forwarding rules (ADR 0018): one row, bumped in the transaction of every
 * rule write, so each replica can tell with one primary-key read whether the rules it cached are
 * still the committed ones (a rule created through another replica included).
 */
export class CreateForwardingRulesVersion1765200000002 implements MigrationInterface {
  name = 'CreateForwardingRulesVersion1765200000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE IF NOT EXISTS forwarding_rules_version (
        id TINYINT UNSIGNED NOT NULL,
        version BIGINT UNSIGNED NOT NULL,
        PRIMARY KEY (id)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await queryRunner.query('INSERT IGNORE INTO forwarding_rules_version (id, version) VALUES (1, 0)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE IF EXISTS forwarding_rules_version');
  }
}
