import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The template library as last read from WeChat, and every operator action on one mini program's
 * versions. Times are UTC (`UTC_TIMESTAMP(3)`). WeChat's own times (create_time) are kept as Unix seconds.
 */
export class CreateCodeReleaseTables1765200000000 implements MigrationInterface {
  name = 'CreateCodeReleaseTables1765200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE code_release_template_drafts (
        component_appid VARCHAR(64) NOT NULL,
        draft_id BIGINT NOT NULL,
        user_version VARCHAR(64) NOT NULL,
        user_desc VARCHAR(1024) NOT NULL,
        source_miniprogram_appid VARCHAR(64) NULL,
        source_miniprogram VARCHAR(255) NULL,
        developer VARCHAR(255) NULL,
        create_time BIGINT NOT NULL,
        synced_at DATETIME(3) NOT NULL,
        PRIMARY KEY (component_appid, draft_id)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await queryRunner.query(
      `CREATE TABLE code_release_templates (
        component_appid VARCHAR(64) NOT NULL,
        template_id BIGINT NOT NULL,
        draft_id BIGINT NULL,
        template_type TINYINT NOT NULL,
        user_version VARCHAR(64) NOT NULL,
        user_desc VARCHAR(1024) NOT NULL,
        source_miniprogram_appid VARCHAR(64) NULL,
        source_miniprogram VARCHAR(255) NULL,
        developer VARCHAR(255) NULL,
        category_list JSON NULL,
        audit_scene INT NULL,
        audit_status INT NULL,
        reason VARCHAR(1024) NULL,
        create_time BIGINT NOT NULL,
        synced_at DATETIME(3) NOT NULL,
        PRIMARY KEY (component_appid, template_id)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await queryRunner.query(
      `CREATE TABLE code_release_template_syncs (
        component_appid VARCHAR(64) NOT NULL,
        drafts INT NOT NULL,
        templates INT NOT NULL,
        synced_at DATETIME(3) NOT NULL,
        PRIMARY KEY (component_appid)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await queryRunner.query(
      `CREATE TABLE release_history (
        id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
        component_appid VARCHAR(64) NOT NULL,
        authorizer_appid VARCHAR(64) NOT NULL,
        action VARCHAR(32) NOT NULL,
        actor VARCHAR(128) NOT NULL,
        input JSON NOT NULL,
        outcome ENUM('succeeded', 'already', 'failed') NOT NULL,
        errcode INT NULL,
        message VARCHAR(1024) NULL,
        result JSON NULL,
        campaign_id VARCHAR(64) NULL,
        occurred_at DATETIME(3) NOT NULL,
        PRIMARY KEY (id),
        KEY idx_release_history_account (component_appid, authorizer_appid, id)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE release_history');
    await queryRunner.query('DROP TABLE code_release_template_syncs');
    await queryRunner.query('DROP TABLE code_release_templates');
    await queryRunner.query('DROP TABLE code_release_template_drafts');
  }
}
