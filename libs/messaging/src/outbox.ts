import { Injectable } from '@nestjs/common';
import type { EventEnvelope } from '@wxop/contracts';
import { DataSource, type EntityManager, type MigrationInterface, type QueryRunner } from 'typeorm';

import { EventPublisher } from './event-publisher';

/** Table a service's database has when it publishes through the outbox (add OutboxMigration). */
export const OUTBOX_TABLE = 'messaging_outbox';

const BATCH = 200;

/**
 * Transactional outbox: a domain event is recorded in the same database transaction as the state
 * change it announces, then published with a confirm and deleted. So an event is never lost when
 * the broker is down or the process dies after the commit, and never announces a change that was
 * rolled back. `relay()` publishes what is pending, in batches taken oldest first (a batch's events
 * go out together, so a failed one may be overtaken by a later one: consumers must not rely on the
 * order of different events); several replicas share the work (rows claimed with SKIP LOCKED). A
 * publish that reached the broker just before a crash goes out again with the same id, which
 * consumers' inboxes drop.
 *
 * An app lists it as a provider (it needs the app's DataSource and MessagingModule's EventPublisher).
 */
@Injectable()
export class TransactionalOutbox {
  private running?: Promise<number>;
  private again = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly publisher: EventPublisher,
  ) {}

  /** Records the event inside the caller's transaction (once per event id). */
  async add(manager: EntityManager, envelope: EventEnvelope<unknown>): Promise<void> {
    await manager.query(
      `INSERT IGNORE INTO ${OUTBOX_TABLE} (event_id, routing_key, payload) VALUES (?, ?, ?)`,
      [envelope.id, envelope.type, JSON.stringify(envelope)],
    );
  }

  /** Records many events inside the caller's transaction in one statement (once per event id). */
  async addMany(manager: EntityManager, envelopes: EventEnvelope<unknown>[]): Promise<void> {
    if (envelopes.length === 0) return;
    await manager.query(
      `INSERT IGNORE INTO ${OUTBOX_TABLE} (event_id, routing_key, payload) VALUES ${envelopes
        .map(() => '(?, ?, ?)')
        .join(', ')}`,
      envelopes.flatMap((envelope) => [envelope.id, envelope.type, JSON.stringify(envelope)]),
    );
  }

  /**
   * Publishes every pending event it can now; returns how many. A call during a pass makes that pass
   * run once more when it ends (its events may have been committed after the pass read the table),
   * and resolves with it. Never throws: what could not be published stays for the next call.
   */
  relay(): Promise<number> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      let published = 0;
      do {
        this.again = false;
        published += await this.drain();
      } while (this.again);
      return published;
    })().finally(() => (this.running = undefined));
    return this.running;
  }

  /** Pending events and the age of the oldest, for metrics. */
  async stats(): Promise<{ depth: number; oldestAgeSeconds: number }> {
    const [row] = (await this.dataSource.query(
      `SELECT COUNT(*) AS depth,
              COALESCE(TIMESTAMPDIFF(MICROSECOND, MIN(created_at), UTC_TIMESTAMP(3)), 0) AS age
       FROM ${OUTBOX_TABLE}`,
    )) as { depth: string | number; age: string | number }[];
    return { depth: Number(row?.depth ?? 0), oldestAgeSeconds: Number(row?.age ?? 0) / 1e6 };
  }

  private async drain(): Promise<number> {
    let published = 0;
    try {
      for (;;) {
        const batch = await this.dataSource.transaction('READ COMMITTED', async (manager) => {
          const rows = (await manager.query(
            `SELECT id, payload FROM ${OUTBOX_TABLE} ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED`,
            [BATCH],
          )) as { id: string; payload: string }[];
          const outcomes = await Promise.allSettled(
            rows.map((row) => this.publisher.publish(JSON.parse(row.payload) as EventEnvelope)),
          );
          const done = rows.filter((_, i) => outcomes[i]!.status === 'fulfilled').map((row) => row.id);
          if (done.length > 0) await manager.query(`DELETE FROM ${OUTBOX_TABLE} WHERE id IN (?)`, [done]);
          return { size: rows.length, done: done.length };
        });
        published += batch.done;
        if (batch.size < BATCH || batch.done < batch.size) return published;
      }
    } catch {
      // database or broker unavailable: the rows stay and the next relay() tries again
      return published;
    }
  }
}

/** Creates the outbox table; include it in the migrations of each app that uses TransactionalOutbox. */
export class OutboxMigration1764000000001 implements MigrationInterface {
  name = 'OutboxMigration1764000000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE ${OUTBOX_TABLE} (
        id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
        event_id CHAR(36) NOT NULL,
        routing_key VARCHAR(255) NOT NULL,
        payload MEDIUMTEXT NOT NULL,
        created_at DATETIME(3) NOT NULL DEFAULT (UTC_TIMESTAMP(3)),
        PRIMARY KEY (id),
        UNIQUE KEY uq_messaging_outbox_event_id (event_id)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE ${OUTBOX_TABLE}`);
  }
}
