import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Release campaigns: the campaign with its inputs frozen at creation, one row per target mini
 * program (state machine, lease, WeChat's last answer), and every audit result received (push or
 * poll) so a result that arrives before its target records the audit id is not lost.
 * Times are UTC (`UTC_TIMESTAMP(3)`, the database clock, so replicas agree on leases).
 */
export class CreateCampaignTables1765300000000 implements MigrationInterface {
  name = 'CreateCampaignTables1765300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE code_release_campaigns (
        campaign_id CHAR(36) NOT NULL,
        component_appid VARCHAR(64) NOT NULL,
        template_id BIGINT NOT NULL,
        user_version VARCHAR(64) NOT NULL,
        user_desc VARCHAR(1024) NOT NULL,
        inputs JSON NOT NULL,
        concurrency INT NOT NULL,
        quota_reserve INT NOT NULL,
        status VARCHAR(16) NOT NULL,
        pause_reason VARCHAR(255) NULL,
        target_count INT NOT NULL,
        created_by VARCHAR(128) NOT NULL,
        created_at DATETIME(3) NOT NULL,
        started_at DATETIME(3) NULL,
        finished_at DATETIME(3) NULL,
        updated_at DATETIME(3) NOT NULL,
        PRIMARY KEY (campaign_id),
        KEY idx_code_release_campaigns_status (status, created_at)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await queryRunner.query(
      `CREATE TABLE code_release_campaign_targets (
        campaign_id CHAR(36) NOT NULL,
        authorizer_appid VARCHAR(64) NOT NULL,
        ordinal INT NOT NULL,
        biz_ref VARCHAR(128) NULL,
        nick_name VARCHAR(255) NULL,
        variables JSON NULL,
        state VARCHAR(32) NOT NULL,
        step VARCHAR(32) NULL,
        attempt INT NOT NULL DEFAULT 0,
        audit_id BIGINT NULL,
        gray_step INT NULL,
        approved_for_release TINYINT(1) NOT NULL DEFAULT 0,
        lease_owner VARCHAR(128) NULL,
        lease_until DATETIME(3) NULL,
        next_attempt_at DATETIME(3) NOT NULL,
        errcode INT NULL,
        message VARCHAR(1024) NULL,
        reason TEXT NULL,
        screenshots JSON NULL,
        event_seq INT NOT NULL DEFAULT 0,
        submitted_at DATETIME(3) NULL,
        audit_result_at DATETIME(3) NULL,
        released_at DATETIME(3) NULL,
        created_at DATETIME(3) NOT NULL,
        updated_at DATETIME(3) NOT NULL,
        PRIMARY KEY (campaign_id, authorizer_appid),
        KEY idx_code_release_targets_due (campaign_id, state, next_attempt_at),
        KEY idx_code_release_targets_ordinal (campaign_id, ordinal),
        KEY idx_code_release_targets_appid (authorizer_appid, state)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await queryRunner.query(
      `CREATE TABLE code_release_audit_results (
        event_id CHAR(36) NOT NULL,
        component_appid VARCHAR(64) NOT NULL,
        authorizer_appid VARCHAR(64) NOT NULL,
        outcome VARCHAR(16) NOT NULL,
        audit_id BIGINT NULL,
        reason TEXT NULL,
        screenshots JSON NULL,
        result_time DATETIME(3) NULL,
        source VARCHAR(8) NOT NULL,
        applied_to_campaign CHAR(36) NULL,
        received_at DATETIME(3) NOT NULL,
        PRIMARY KEY (event_id),
        KEY idx_code_release_audit_results_appid (component_appid, authorizer_appid, received_at)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE code_release_audit_results`);
    await queryRunner.query(`DROP TABLE code_release_campaign_targets`);
    await queryRunner.query(`DROP TABLE code_release_campaigns`);
  }
}
