import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Authorizations whose code could not be exchanged (issue #12): recovered through
 * api_get_authorizer_list (`recovery` as a way an authorization reaches us), or failed with a
 * reason and announced as `authorization.failed`. One row per auth code. MariaDB DDL is not
 * transactional: each statement stands alone and `down` undoes them in reverse (it fails while
 * rows still say `recovery`: delete or change those first).
 */
export class AuthorizationOutcomes1764300000000 implements MigrationInterface {
  name = 'AuthorizationOutcomes1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE authorizers
        MODIFY authorized_via ENUM('push', 'landing', 'sync', 'fast_registration', 'recovery') NULL`,
    );
    await queryRunner.query(
      `ALTER TABLE authorization_grants
        MODIFY recorded_by ENUM('push', 'landing', 'fast_registration', 'recovery') NOT NULL`,
    );
    await queryRunner.query(
      `ALTER TABLE authorizer_history
        MODIFY source ENUM('push', 'landing', 'sync', 'fast_registration', 'recovery') NOT NULL`,
    );
    await queryRunner.query(
      `CREATE TABLE authorization_outcomes (
        code_hash CHAR(64) NOT NULL,
        component_appid VARCHAR(64) NOT NULL,
        authorizer_appid VARCHAR(64) NOT NULL,
        outcome ENUM('failed', 'recovered') NOT NULL,
        reason ENUM('auth_code_expired', 'auth_code_rejected', 'recovery_unavailable') NULL,
        errcode INT NULL,
        detail VARCHAR(512) NOT NULL,
        link_id VARCHAR(32) NULL,
        biz_ref VARCHAR(128) NULL,
        authorized_at DATETIME(3) NULL,
        event_id CHAR(36) NULL,
        created_at DATETIME(3) NOT NULL,
        PRIMARY KEY (code_hash),
        KEY idx_authorization_outcomes_recent (component_appid, created_at),
        KEY idx_authorization_outcomes_authorizer (component_appid, authorizer_appid, created_at)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE authorization_outcomes`);
    await queryRunner.query(
      `ALTER TABLE authorizer_history
        MODIFY source ENUM('push', 'landing', 'sync', 'fast_registration') NOT NULL`,
    );
    await queryRunner.query(
      `ALTER TABLE authorization_grants
        MODIFY recorded_by ENUM('push', 'landing', 'fast_registration') NOT NULL`,
    );
    await queryRunner.query(
      `ALTER TABLE authorizers
        MODIFY authorized_via ENUM('push', 'landing', 'sync', 'fast_registration') NULL`,
    );
  }
}
