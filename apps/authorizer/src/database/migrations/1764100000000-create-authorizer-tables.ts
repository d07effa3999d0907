import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Links, authorizers and grants. Times are UTC (`UTC_TIMESTAMP(3)`). Auth and pre-auth codes are
 * stored as SHA-256 hex only (lookup keys); `wechat_url` holds the link's pre-auth code, exactly
 * as exposed as the link itself (whoever has the start URL can open it).
 */
export class CreateAuthorizerTables1764100000000 implements MigrationInterface {
  name = 'CreateAuthorizerTables1764100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE authorization_links (
        id VARCHAR(32) NOT NULL,
        component_appid VARCHAR(64) NOT NULL,
        kind ENUM('pc', 'h5') NOT NULL,
        auth_type TINYINT UNSIGNED NULL,
        biz_appid VARCHAR(64) NULL,
        category_id_list VARCHAR(1000) NULL,
        biz_ref VARCHAR(128) NULL,
        pre_auth_code_hash CHAR(64) NOT NULL,
        wechat_url TEXT NOT NULL,
        expires_at DATETIME(3) NOT NULL,
        created_at DATETIME(3) NOT NULL,
        PRIMARY KEY (id),
        UNIQUE KEY uq_authorization_links_pre_auth_code (pre_auth_code_hash),
        KEY idx_authorization_links_expires_at (expires_at)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await queryRunner.query(
      `CREATE TABLE authorizers (
        component_appid VARCHAR(64) NOT NULL,
        authorizer_appid VARCHAR(64) NOT NULL,
        status ENUM('authorized', 'unauthorized') NOT NULL,
        biz_ref VARCHAR(128) NULL,
        func_info VARCHAR(2000) NOT NULL DEFAULT '[]',
        authorizer_type ENUM('official_account', 'mini_program') NULL,
        nick_name VARCHAR(255) NULL,
        user_name VARCHAR(64) NULL,
        authorized_at DATETIME(3) NULL,
        unauthorized_at DATETIME(3) NULL,
        created_at DATETIME(3) NOT NULL,
        updated_at DATETIME(3) NOT NULL,
        PRIMARY KEY (component_appid, authorizer_appid),
        KEY idx_authorizers_biz_ref (component_appid, biz_ref),
        KEY idx_authorizers_status (component_appid, status)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await queryRunner.query(
      `CREATE TABLE authorization_grants (
        code_hash CHAR(64) NOT NULL,
        component_appid VARCHAR(64) NOT NULL,
        authorizer_appid VARCHAR(64) NOT NULL,
        link_id VARCHAR(32) NULL,
        biz_ref VARCHAR(128) NULL,
        func_info VARCHAR(2000) NOT NULL,
        event_type VARCHAR(64) NOT NULL,
        event_id CHAR(36) NOT NULL,
        recorded_by ENUM('push', 'landing') NOT NULL,
        created_at DATETIME(3) NOT NULL,
        PRIMARY KEY (code_hash),
        KEY idx_authorization_grants_authorizer (component_appid, authorizer_appid),
        KEY idx_authorization_grants_link (link_id)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE authorization_grants`);
    await queryRunner.query(`DROP TABLE authorizers`);
    await queryRunner.query(`DROP TABLE authorization_links`);
  }
}
