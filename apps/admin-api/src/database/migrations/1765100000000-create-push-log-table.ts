import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The push log (ADR 0017): every `wechat.#` push as received, newest first by `id`.
 * Secondary InnoDB indexes carry the primary key, so `(component_appid)` serves
 * `WHERE component_appid = ? ORDER BY id DESC` without a sort. MariaDB DDL is not
 * transactional: the statement is idempotent, `down` drops the table.
 */
export class CreatePushLogTable1765100000000 implements MigrationInterface {
  name = 'CreatePushLogTable1765100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE IF NOT EXISTS admin_push_log (
        id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
        event_id CHAR(36) NOT NULL,
        type VARCHAR(255) NOT NULL,
        component_appid VARCHAR(64) NOT NULL,
        authorizer_appid VARCHAR(64) NULL,
        occurred_at DATETIME(3) NOT NULL,
        received_at DATETIME(3) NOT NULL,
        replay_of CHAR(36) NULL,
        secrets_hashed TINYINT(1) NOT NULL DEFAULT 0,
        fields LONGTEXT NOT NULL,
        raw_xml MEDIUMTEXT NULL,
        search_text TEXT NOT NULL,
        PRIMARY KEY (id),
        UNIQUE KEY uq_admin_push_log_event_id (event_id),
        KEY idx_admin_push_log_component (component_appid),
        KEY idx_admin_push_log_authorizer (authorizer_appid),
        KEY idx_admin_push_log_type (type),
        KEY idx_admin_push_log_received_at (received_at)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS admin_push_log`);
  }
}
