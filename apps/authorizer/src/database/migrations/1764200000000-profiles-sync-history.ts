import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Profiles (api_get_authorizer_info), credential state (token.* events), how each authorization
 * reached us, status history, full-sync runs with their per-component lease, and fast
 * registrations. MariaDB DDL is not transactional: each statement stands alone and `down` undoes
 * them in reverse.
 */
export class ProfilesSyncHistory1764200000000 implements MigrationInterface {
  name = 'ProfilesSyncHistory1764200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE authorizers
        ADD COLUMN authorized_via ENUM('push', 'landing', 'sync', 'fast_registration') NULL AFTER unauthorized_at,
        ADD COLUMN announced_event_id CHAR(36) NULL AFTER authorized_via,
        ADD COLUMN head_img VARCHAR(512) NULL,
        ADD COLUMN alias VARCHAR(64) NULL,
        ADD COLUMN principal_name VARCHAR(255) NULL,
        ADD COLUMN signature VARCHAR(1024) NULL,
        ADD COLUMN qrcode_url VARCHAR(512) NULL,
        ADD COLUMN service_type SMALLINT NULL,
        ADD COLUMN verify_type SMALLINT NULL,
        ADD COLUMN account_status SMALLINT NULL,
        ADD COLUMN mini_program TEXT NULL,
        ADD COLUMN profile_refreshed_at DATETIME(3) NULL,
        ADD COLUMN profile_error VARCHAR(255) NULL,
        ADD COLUMN profile_lease_until DATETIME(3) NULL,
        ADD COLUMN credential_status ENUM('active', 'invalid') NULL,
        ADD COLUMN credential_errcode INT NULL,
        ADD COLUMN credential_changed_at DATETIME(3) NULL,
        ADD KEY idx_authorizers_profile_due (status, profile_refreshed_at),
        ADD KEY idx_authorizers_type (component_appid, authorizer_type, status)`,
    );
    await queryRunner.query(
      `ALTER TABLE authorization_grants
        MODIFY recorded_by ENUM('push', 'landing', 'fast_registration') NOT NULL`,
    );
    await queryRunner.query(
      `CREATE TABLE authorizer_history (
        id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
        component_appid VARCHAR(64) NOT NULL,
        authorizer_appid VARCHAR(64) NOT NULL,
        status ENUM('authorized', 'updated', 'unauthorized') NOT NULL,
        source ENUM('push', 'landing', 'sync', 'fast_registration') NOT NULL,
        func_info VARCHAR(2000) NULL,
        biz_ref VARCHAR(128) NULL,
        event_id CHAR(36) NULL,
        occurred_at DATETIME(3) NOT NULL,
        created_at DATETIME(3) NOT NULL,
        PRIMARY KEY (id),
        KEY idx_authorizer_history_authorizer (component_appid, authorizer_appid, id)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await queryRunner.query(
      `CREATE TABLE authorizer_syncs (
        id CHAR(36) NOT NULL,
        component_appid VARCHAR(64) NOT NULL,
        trigger_kind ENUM('start', 'schedule', 'operator') NOT NULL,
        status ENUM('running', 'succeeded', 'partial', 'failed') NOT NULL,
        complete TINYINT(1) NOT NULL DEFAULT 0,
        total_count INT NULL,
        listed INT NOT NULL DEFAULT 0,
        discovered INT NOT NULL DEFAULT 0,
        handed_over INT NOT NULL DEFAULT 0,
        profiles_refreshed INT NOT NULL DEFAULT 0,
        marked_unauthorized INT NOT NULL DEFAULT 0,
        without_refresh_token INT NOT NULL DEFAULT 0,
        failed INT NOT NULL DEFAULT 0,
        list_calls INT NOT NULL DEFAULT 0,
        info_calls INT NOT NULL DEFAULT 0,
        error VARCHAR(1000) NULL,
        owner VARCHAR(64) NOT NULL,
        started_at DATETIME(3) NOT NULL,
        finished_at DATETIME(3) NULL,
        PRIMARY KEY (id),
        KEY idx_authorizer_syncs_component (component_appid, started_at)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await queryRunner.query(
      `CREATE TABLE authorizer_sync_leases (
        component_appid VARCHAR(64) NOT NULL,
        sync_id CHAR(36) NOT NULL,
        owner VARCHAR(64) NOT NULL,
        lease_until DATETIME(3) NOT NULL,
        PRIMARY KEY (component_appid)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await queryRunner.query(
      `CREATE TABLE fast_registrations (
        push_event_id CHAR(36) NOT NULL,
        component_appid VARCHAR(64) NOT NULL,
        status INT NOT NULL,
        msg VARCHAR(255) NULL,
        authorizer_appid VARCHAR(64) NULL,
        name VARCHAR(255) NULL,
        info TEXT NULL,
        registered_at DATETIME(3) NOT NULL,
        created_at DATETIME(3) NOT NULL,
        PRIMARY KEY (push_event_id),
        KEY idx_fast_registrations_component (component_appid, created_at),
        KEY idx_fast_registrations_authorizer (component_appid, authorizer_appid)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE fast_registrations`);
    await queryRunner.query(`DROP TABLE authorizer_sync_leases`);
    await queryRunner.query(`DROP TABLE authorizer_syncs`);
    await queryRunner.query(`DROP TABLE authorizer_history`);
    await queryRunner.query(
      `ALTER TABLE authorization_grants MODIFY recorded_by ENUM('push', 'landing') NOT NULL`,
    );
    await queryRunner.query(
      `ALTER TABLE authorizers
        DROP KEY idx_authorizers_type, DROP KEY idx_authorizers_profile_due,
        DROP COLUMN credential_changed_at, DROP COLUMN credential_errcode, DROP COLUMN credential_status,
        DROP COLUMN profile_lease_until, DROP COLUMN profile_error, DROP COLUMN profile_refreshed_at,
        DROP COLUMN mini_program, DROP COLUMN account_status, DROP COLUMN verify_type, DROP COLUMN service_type,
        DROP COLUMN qrcode_url, DROP COLUMN signature, DROP COLUMN principal_name, DROP COLUMN alias,
        DROP COLUMN head_img, DROP COLUMN announced_event_id, DROP COLUMN authorized_via`,
    );
  }
}
