import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Forwarding to HTTP subscribers (ADR 0018): rules, one delivery per (rule, event), and each
 * delivery attempt. Times are UTC `DATETIME(3)` from the database clock. MariaDB DDL is not
 * transactional: each statement is idempotent, `down` drops in reverse.
 */
export class CreateForwardingTables1765200000000 implements MigrationInterface {
  name = 'CreateForwardingTables1765200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE IF NOT EXISTS forwarding_rules (
        id CHAR(36) NOT NULL,
        name VARCHAR(128) NOT NULL,
        event_pattern VARCHAR(255) NOT NULL,
        component_appid VARCHAR(64) NULL,
        authorizer_appid VARCHAR(64) NULL,
        target_url VARCHAR(2048) NOT NULL,
        enabled TINYINT(1) NOT NULL DEFAULT 1,
        concurrency INT UNSIGNED NOT NULL DEFAULT 4,
        secret_encrypted VARCHAR(512) NOT NULL,
        previous_secret_encrypted VARCHAR(512) NULL,
        previous_secret_expires_at DATETIME(3) NULL,
        created_at DATETIME(3) NOT NULL,
        updated_at DATETIME(3) NOT NULL,
        PRIMARY KEY (id),
        UNIQUE KEY uq_forwarding_rules_name (name)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await queryRunner.query(
      `CREATE TABLE IF NOT EXISTS forwarding_deliveries (
        id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
        rule_id CHAR(36) NOT NULL,
        event_id CHAR(36) NOT NULL,
        event_type VARCHAR(255) NOT NULL,
        envelope JSON NOT NULL,
        is_test TINYINT(1) NOT NULL DEFAULT 0,
        state ENUM('pending', 'delivered', 'failed') NOT NULL DEFAULT 'pending',
        attempts INT UNSIGNED NOT NULL DEFAULT 0,
        last_status_code INT NULL,
        last_error VARCHAR(1024) NULL,
        created_at DATETIME(3) NOT NULL,
        updated_at DATETIME(3) NOT NULL,
        delivered_at DATETIME(3) NULL,
        PRIMARY KEY (id),
        UNIQUE KEY uq_forwarding_deliveries_rule_event (rule_id, event_id),
        KEY idx_forwarding_deliveries_rule_state (rule_id, state, id),
        KEY idx_forwarding_deliveries_rule_created (rule_id, created_at),
        KEY idx_forwarding_deliveries_state_updated (state, updated_at),
        CONSTRAINT fk_forwarding_deliveries_rule FOREIGN KEY (rule_id) REFERENCES forwarding_rules (id) ON DELETE CASCADE
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await queryRunner.query(
      `CREATE TABLE IF NOT EXISTS forwarding_attempts (
        id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
        delivery_id BIGINT UNSIGNED NOT NULL,
        attempt INT UNSIGNED NOT NULL,
        status_code INT NULL,
        latency_ms INT UNSIGNED NOT NULL,
        error VARCHAR(1024) NULL,
        response_head VARCHAR(1024) NULL,
        attempted_at DATETIME(3) NOT NULL,
        PRIMARY KEY (id),
        KEY idx_forwarding_attempts_delivery (delivery_id, id),
        CONSTRAINT fk_forwarding_attempts_delivery FOREIGN KEY (delivery_id) REFERENCES forwarding_deliveries (id) ON DELETE CASCADE
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE IF EXISTS forwarding_attempts');
    await queryRunner.query('DROP TABLE IF EXISTS forwarding_deliveries');
    await queryRunner.query('DROP TABLE IF EXISTS forwarding_rules');
  }
}
