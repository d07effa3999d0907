import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, type MigrationInterface, type QueryRunner } from 'typeorm';

/** Table every consuming service's database has (add InboxMigration to its migrations). */
export const INBOX_TABLE = 'messaging_inbox';

export interface InboxResult<T> {
  /** True when this consumer had already processed the event: the effect did not run. */
  duplicate: boolean;
  result?: T;
}

/**
 * Exactly-once effects on at-least-once delivery: records `(consumer, event id)` and runs
 * the effect in the same database transaction. A redelivery, a WeChat retry with the same
 * deterministic id, or a concurrent duplicate finds the row and skips the effect; if the
 * effect throws, the row is rolled back with it and the retry runs it again.
 *
 * An app lists it as a provider (it needs the app's DataSource).
 */
@Injectable()
export class Inbox {
  constructor(private readonly dataSource: DataSource) {}

  async process<T>(
    consumer: string,
    eventId: string,
    effect: (manager: EntityManager) => Promise<T>,
  ): Promise<InboxResult<T>> {
    return this.dataSource.transaction(async (manager) => {
      // INSERT IGNORE waits on a concurrent transaction holding the same key, then sees its row.
      const outcome = (await manager.query(
        `INSERT IGNORE INTO ${INBOX_TABLE} (consumer, event_id, processed_at) VALUES (?, ?, CURRENT_TIMESTAMP(3))`,
        [consumer, eventId],
      )) as { affectedRows: number };
      if (outcome.affectedRows === 0) return { duplicate: true };
      return { duplicate: false, result: await effect(manager) };
    });
  }

  /** True when this consumer has recorded the event (for effects that cannot run inside the transaction). */
  async seen(consumer: string, eventId: string): Promise<boolean> {
    const rows = (await this.dataSource.query(
      `SELECT 1 FROM ${INBOX_TABLE} WHERE consumer = ? AND event_id = ? LIMIT 1`,
      [consumer, eventId],
    )) as unknown[];
    return rows.length > 0;
  }

  /** Deletes records older than the given age; run on a schedule (e.g. keep 7 days). */
  async prune(olderThanMs: number, batchSize = 10_000): Promise<number> {
    let total = 0;
    for (;;) {
      const outcome = (await this.dataSource.query(
        `DELETE FROM ${INBOX_TABLE} WHERE processed_at < (CURRENT_TIMESTAMP(3) - INTERVAL ? MICROSECOND) LIMIT ?`,
        [olderThanMs * 1000, batchSize],
      )) as { affectedRows: number };
      total += outcome.affectedRows;
      if (outcome.affectedRows < batchSize) return total;
    }
  }
}

/** Creates the inbox table; include it in each consuming app's migrations. */
export class InboxMigration1763800000000 implements MigrationInterface {
  name = 'InboxMigration1763800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE ${INBOX_TABLE} (
        consumer VARCHAR(128) NOT NULL,
        event_id CHAR(36) NOT NULL,
        processed_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        PRIMARY KEY (consumer, event_id),
        KEY idx_messaging_inbox_processed_at (processed_at)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE ${INBOX_TABLE}`);
  }
}
