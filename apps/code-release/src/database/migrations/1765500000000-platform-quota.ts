import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The platform-wide submit quota (ADR 0023): one row per component, shared by every replica and
 * campaign. `rest` is queryquota's answer at `read_at`; `used_since_read` counts the submits
 * claimed since then (answered or in flight), `reserved_in_flight` those WeChat has not answered
 * yet. A claim locks the row (`FOR UPDATE`), so two replicas never spend the same unit.
 */
export class PlatformQuota1765500000000 implements MigrationInterface {
  name = 'PlatformQuota1765500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE code_release_quota (
        component_appid VARCHAR(64) NOT NULL,
        rest INT NOT NULL DEFAULT 0,
        quota_limit INT NOT NULL DEFAULT 0,
        read_at DATETIME(3) NULL,
        used_since_read INT NOT NULL DEFAULT 0,
        reserved_in_flight INT NOT NULL DEFAULT 0,
        last_claim_at DATETIME(3) NULL,
        updated_at DATETIME(3) NOT NULL,
        PRIMARY KEY (component_appid)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE code_release_quota`);
  }
}
