import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every secret column holds libs/secrets ciphertext (`v1.<keyId>.…`), bound to its row and column.
 * Times are UTC (`UTC_TIMESTAMP(3)`); leases and due times are compared with the database's clock,
 * the one clock every replica shares.
 */
export class CreateTokenTables1764000000000 implements MigrationInterface {
  name = 'CreateTokenTables1764000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE token_components (
        component_appid VARCHAR(64) NOT NULL,
        secret TEXT NOT NULL,
        message_token TEXT NOT NULL,
        encoding_aes_key TEXT NOT NULL,
        ticket TEXT NULL,
        ticket_received_at DATETIME(3) NULL,
        ticket_create_time BIGINT NULL,
        access_token TEXT NULL,
        access_token_expires_at DATETIME(3) NULL,
        refresh_due_at DATETIME(3) NULL,
        last_error VARCHAR(255) NULL,
        start_push_requested_at DATETIME(3) NULL,
        lease_owner VARCHAR(64) NULL,
        lease_until DATETIME(3) NULL,
        created_at DATETIME(3) NOT NULL,
        updated_at DATETIME(3) NOT NULL,
        PRIMARY KEY (component_appid)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await queryRunner.query(
      `CREATE TABLE token_authorizers (
        component_appid VARCHAR(64) NOT NULL,
        authorizer_appid VARCHAR(64) NOT NULL,
        status ENUM('active', 'invalid', 'revoked') NOT NULL,
        func_info VARCHAR(2000) NOT NULL DEFAULT '[]',
        refresh_token TEXT NULL,
        access_token TEXT NULL,
        access_token_expires_at DATETIME(3) NULL,
        refresh_due_at DATETIME(3) NULL,
        invalid_errcode INT NULL,
        last_refreshed_at DATETIME(3) NULL,
        failures INT UNSIGNED NOT NULL DEFAULT 0,
        last_error VARCHAR(255) NULL,
        lease_owner VARCHAR(64) NULL,
        lease_until DATETIME(3) NULL,
        status_changed_at DATETIME(3) NOT NULL,
        created_at DATETIME(3) NOT NULL,
        updated_at DATETIME(3) NOT NULL,
        PRIMARY KEY (component_appid, authorizer_appid),
        KEY idx_token_authorizers_due (status, refresh_due_at)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await queryRunner.query(
      `CREATE TABLE token_auth_codes (
        component_appid VARCHAR(64) NOT NULL,
        code_hash CHAR(64) NOT NULL,
        authorizer_appid VARCHAR(64) NULL,
        func_info VARCHAR(2000) NULL,
        errcode INT NULL,
        created_at DATETIME(3) NOT NULL,
        PRIMARY KEY (component_appid, code_hash),
        KEY idx_token_auth_codes_created_at (created_at)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE token_auth_codes');
    await queryRunner.query('DROP TABLE token_authorizers');
    await queryRunner.query('DROP TABLE token_components');
  }
}
