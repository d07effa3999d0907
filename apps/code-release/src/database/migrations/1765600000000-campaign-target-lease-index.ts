import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An index on a campaign's leases (ADR 0024): every claim counts the campaign's live leases under
 * the campaign row's lock, and without it that count read every target of the campaign (10,000
 * rows a claim at 10,000 targets) instead of the few dozen leased ones.
 */
export class CampaignTargetLeaseIndex1765600000000 implements MigrationInterface {
  name = 'CampaignTargetLeaseIndex1765600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE code_release_campaign_targets
         ADD KEY idx_code_release_targets_lease (campaign_id, lease_until)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE code_release_campaign_targets DROP KEY idx_code_release_targets_lease`,
    );
  }
}
