import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Operators, their sessions and refresh tokens, login throttling and the audit log (ADR 0016).
 * MariaDB DDL is not transactional: each statement is idempotent, `down` drops in reverse.
 */
export class CreateAdminCoreTables1765000000000 implements MigrationInterface {
  name = 'CreateAdminCoreTables1765000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE IF NOT EXISTS admin_users (
        id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
        username VARCHAR(64) NOT NULL,
        password_hash VARCHAR(255) NOT NULL,
        role ENUM('admin', 'operator', 'viewer') NOT NULL,
        disabled TINYINT(1) NOT NULL DEFAULT 0,
        password_changed_at DATETIME(3) NOT NULL,
        last_login_at DATETIME(3) NULL,
        created_at DATETIME(3) NOT NULL,
        updated_at DATETIME(3) NOT NULL,
        PRIMARY KEY (id),
        UNIQUE KEY uq_admin_users_username (username)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await queryRunner.query(
      `CREATE TABLE IF NOT EXISTS admin_sessions (
        id CHAR(36) NOT NULL,
        user_id BIGINT UNSIGNED NOT NULL,
        created_at DATETIME(3) NOT NULL,
        expires_at DATETIME(3) NOT NULL,
        last_refreshed_at DATETIME(3) NOT NULL,
        revoked_at DATETIME(3) NULL,
        revoked_reason ENUM('logout', 'password_change', 'refresh_reuse', 'user_changed') NULL,
        ip VARCHAR(64) NULL,
        user_agent VARCHAR(512) NULL,
        PRIMARY KEY (id),
        KEY idx_admin_sessions_user (user_id, revoked_at),
        CONSTRAINT fk_admin_sessions_user FOREIGN KEY (user_id) REFERENCES admin_users (id) ON DELETE CASCADE
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await queryRunner.query(
      `CREATE TABLE IF NOT EXISTS admin_refresh_tokens (
        token_hash CHAR(64) NOT NULL,
        session_id CHAR(36) NOT NULL,
        issued_at DATETIME(3) NOT NULL,
        expires_at DATETIME(3) NOT NULL,
        used_at DATETIME(3) NULL,
        PRIMARY KEY (token_hash),
        KEY idx_admin_refresh_tokens_session (session_id),
        CONSTRAINT fk_admin_refresh_tokens_session FOREIGN KEY (session_id) REFERENCES admin_sessions (id) ON DELETE CASCADE
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await queryRunner.query(
      `CREATE TABLE IF NOT EXISTS admin_login_throttles (
        scope ENUM('account', 'ip') NOT NULL,
        subject VARCHAR(128) NOT NULL,
        failures INT UNSIGNED NOT NULL DEFAULT 0,
        window_started_at DATETIME(3) NOT NULL,
        last_failure_at DATETIME(3) NULL,
        locked_until DATETIME(3) NULL,
        PRIMARY KEY (scope, subject)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`,
    );
    await queryRunner.query(
      `CREATE TABLE IF NOT EXISTS audit_log (
        id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
        at DATETIME(3) NOT NULL,
        actor_user_id BIGINT UNSIGNED NULL,
        actor_username VARCHAR(64) NULL,
        actor_role VARCHAR(16) NULL,
        action VARCHAR(128) NOT NULL,
        target VARCHAR(255) NULL,
        method VARCHAR(8) NULL,
        path VARCHAR(512) NULL,
        ip VARCHAR(64) NULL,
        user_agent VARCHAR(512) NULL,
        outcome ENUM('success', 'failure') NOT NULL,
        error_code VARCHAR(64) NULL,
        details JSON NULL,
        correlation_id VARCHAR(64) NULL,
        PRIMARY KEY (id),
        KEY idx_audit_log_at (at),
        KEY idx_audit_log_actor (actor_username, at),
        KEY idx_audit_log_action (action, at),
        KEY idx_audit_log_target (target, at)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS audit_log`);
    await queryRunner.query(`DROP TABLE IF EXISTS admin_login_throttles`);
    await queryRunner.query(`DROP TABLE IF EXISTS admin_refresh_tokens`);
    await queryRunner.query(`DROP TABLE IF EXISTS admin_sessions`);
    await queryRunner.query(`DROP TABLE IF EXISTS admin_users`);
  }
}
