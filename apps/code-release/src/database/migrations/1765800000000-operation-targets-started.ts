import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Two things a background operation needs of its targets (ADR 0022, operations): `started_at`,
 * written before the target's WeChat call, so whoever runs the target again after a crash knows
 * the call may have reached WeChat and reconciles instead of answering "not applicable"; and an
 * index that finds the targets due now without walking past those held back (cancel's late submits).
 */
export class OperationTargetsStarted1765800000000 implements MigrationInterface {
  name = 'OperationTargetsStarted1765800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE code_release_operation_targets
         ADD COLUMN started_at DATETIME(3) NULL AFTER due_at,
         ADD KEY idx_code_release_operation_targets_due (operation_id, outcome, due_at)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE code_release_operation_targets
         DROP KEY idx_code_release_operation_targets_due, DROP COLUMN started_at`,
    );
  }
}
