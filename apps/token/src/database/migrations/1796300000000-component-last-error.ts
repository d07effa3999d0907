import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The errcode (absent for a transport failure) and time of the component token's last failed
 * refresh, beside its message (`last_error`): what `token.components.list` / `token.component.health`
 * show operators. Cleared with `last_error` by the next successful refresh.
 */
export class ComponentLastError1796300000000 implements MigrationInterface {
  name = 'ComponentLastError1796300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE token_components
        ADD COLUMN last_error_errcode INT NULL AFTER last_error,
        ADD COLUMN last_error_at DATETIME(3) NULL AFTER last_error_errcode`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE token_components DROP COLUMN last_error_at, DROP COLUMN last_error_errcode`,
    );
  }
}
