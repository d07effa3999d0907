import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The release side of campaigns (ADR 0022): a campaign's `generation` (bumped by every retry that
 * sends targets back, so its second `release.campaign.finished` has an id of its own), and per
 * target when its gray step was set and when it was sped up (speedupaudit at most once per attempt).
 */
export class CampaignReleaseOperations1765400000000 implements MigrationInterface {
  name = 'CampaignReleaseOperations1765400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE code_release_campaigns ADD COLUMN generation INT NOT NULL DEFAULT 0 AFTER target_count`,
    );
    await queryRunner.query(
      `ALTER TABLE code_release_campaign_targets
         ADD COLUMN gray_step_at DATETIME(3) NULL AFTER gray_step,
         ADD COLUMN speedup_at DATETIME(3) NULL AFTER submitted_at`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE code_release_campaign_targets DROP COLUMN speedup_at, DROP COLUMN gray_step_at`,
    );
    await queryRunner.query(`ALTER TABLE code_release_campaigns DROP COLUMN generation`);
  }
}
