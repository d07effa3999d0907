import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `authorizer.links.list` reads one component's links newest first (optionally of one bizRef):
 * without an index it scanned and sorted the whole table. (component_appid, created_at, id) serves
 * the listing by a backward range scan with no filesort; (component_appid, biz_ref, created_at, id)
 * does the same for a bizRef. Checked with EXPLAIN on MariaDB 10.11
 * (test/links-list.integration-spec.ts). Each statement stands alone (MariaDB DDL is not
 * transactional); `down` drops them in reverse.
 */
export class AuthorizationLinksListIndex1765610000000 implements MigrationInterface {
  name = 'AuthorizationLinksListIndex1765610000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE authorization_links
        ADD KEY idx_authorization_links_component_created (component_appid, created_at, id)`,
    );
    await queryRunner.query(
      `ALTER TABLE authorization_links
        ADD KEY idx_authorization_links_component_biz_ref (component_appid, biz_ref, created_at, id)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE authorization_links DROP KEY idx_authorization_links_component_biz_ref`,
    );
    await queryRunner.query(
      `ALTER TABLE authorization_links DROP KEY idx_authorization_links_component_created`,
    );
  }
}
