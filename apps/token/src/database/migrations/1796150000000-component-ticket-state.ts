import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the token service knows about a component's ticket and its last failed refresh: the
 * errcode and time WeChat refused the stored ticket (61005/61006; cleared by the next ticket),
 * and the capped backoff after other failures (consecutive failures, earliest next call). Kept
 * in the database so every replica, and a restarted one, honours them.
 */
export class ComponentTicketState1796150000000 implements MigrationInterface {
  name = 'ComponentTicketState1796150000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE token_components
        ADD COLUMN ticket_refused_errcode INT NULL AFTER ticket_create_time,
        ADD COLUMN ticket_refused_at DATETIME(3) NULL AFTER ticket_refused_errcode,
        ADD COLUMN refresh_failures INT UNSIGNED NOT NULL DEFAULT 0 AFTER last_error,
        ADD COLUMN refresh_retry_at DATETIME(3) NULL AFTER refresh_failures`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE token_components
        DROP COLUMN refresh_retry_at,
        DROP COLUMN refresh_failures,
        DROP COLUMN ticket_refused_at,
        DROP COLUMN ticket_refused_errcode`,
    );
  }
}
