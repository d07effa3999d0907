import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The index a claim reads in its own order (ADR 0024): `claim_due_at` is `next_attempt_at` while
 * the target can still move and NULL once it is final, so `(campaign_id, claim_due_at, ordinal)`
 * holds exactly the targets a worker may take, in the order it takes them. The claim then reads
 * LIMIT rows (and the few leased ones before them) instead of sorting, and locking, every due
 * target under the campaign row's lock: at 10,000 targets that sort was the campaign's bottleneck.
 * The final states are FINAL_TARGET_STATES (target-state.ts); the claim still filters on state,
 * so a state made final later only makes the index less selective, never the claim wrong.
 */
export class CampaignTargetClaimIndex1765710000000 implements MigrationInterface {
  name = 'CampaignTargetClaimIndex1765710000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE code_release_campaign_targets
         ADD COLUMN claim_due_at DATETIME(3) AS (IF(state IN
           ('released', 'reverted', 'rejected', 'failed', 'cancelled', 'skipped'), NULL, next_attempt_at)) STORED,
         ADD KEY idx_code_release_targets_claim (campaign_id, claim_due_at, ordinal)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE code_release_campaign_targets
         DROP KEY idx_code_release_targets_claim, DROP COLUMN claim_due_at`,
    );
  }
}
