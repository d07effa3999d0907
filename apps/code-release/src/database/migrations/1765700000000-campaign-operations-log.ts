import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Operations on many targets run after their RPC has answered (ADR 0022, amended): each is a row
 * leased by the replica driving it (`lease_owner` is also the owner of its targets' leases), and
 * each chosen target a row whose `outcome` stays NULL until it is done, so another replica takes
 * the operation over where it stopped once the lease runs out. `due_at` holds a target back (a
 * cancelled target's submit that may still be in flight is looked at again after it).
 */
export class CampaignOperationsLog1765700000000 implements MigrationInterface {
  name = 'CampaignOperationsLog1765700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE code_release_operations (
        operation_id CHAR(36) NOT NULL,
        campaign_id VARCHAR(64) NOT NULL,
        operation VARCHAR(32) NOT NULL,
        requested_by VARCHAR(128) NOT NULL,
        status VARCHAR(16) NOT NULL,
        lease_owner VARCHAR(128) NULL,
        lease_until DATETIME(3) NULL,
        created_at DATETIME(3) NOT NULL,
        updated_at DATETIME(3) NOT NULL,
        finished_at DATETIME(3) NULL,
        PRIMARY KEY (operation_id),
        KEY idx_code_release_operations_lease (status, lease_until),
        KEY idx_code_release_operations_campaign (campaign_id, created_at)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
    await queryRunner.query(
      `CREATE TABLE code_release_operation_targets (
        operation_id CHAR(36) NOT NULL,
        authorizer_appid VARCHAR(64) NOT NULL,
        ordinal INT NOT NULL,
        initial_state VARCHAR(32) NOT NULL,
        audit_id BIGINT NULL,
        due_at DATETIME(3) NOT NULL,
        outcome VARCHAR(16) NULL,
        state VARCHAR(32) NULL,
        errcode INT NULL,
        message VARCHAR(1024) NULL,
        PRIMARY KEY (operation_id, authorizer_appid),
        KEY idx_code_release_operation_targets_pending (operation_id, outcome, ordinal)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE code_release_operation_targets`);
    await queryRunner.query(`DROP TABLE code_release_operations`);
  }
}
