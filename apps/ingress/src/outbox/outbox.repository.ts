import { Injectable } from '@nestjs/common';
import type { EventEnvelope } from '@wxop/contracts';
import { SecretBox } from '@wxop/secrets';
import { DataSource, type EntityManager } from 'typeorm';

import { openOutboxPayload, sealOutboxPayload, type OpenedOutboxPayload } from './outbox-payload.util';

/** A stored row, its payload opened (or the reason it does not open). */
export type OutboxRow = { id: string; eventId: string; attempts: number } & OpenedOutboxPayload;

/** The only code touching `ingress_outbox`; payloads are sealed with libs/secrets (outbox-payload.util.ts). */
@Injectable()
export class OutboxRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly box: SecretBox,
  ) {}

  /** Stores an event that could not be confirmed; a retried push with the same id is stored once. */
  async add(envelope: EventEnvelope): Promise<void> {
    await this.dataSource.query(
      'INSERT IGNORE INTO ingress_outbox (event_id, routing_key, payload) VALUES (?, ?, ?)',
      [envelope.id, envelope.type, sealOutboxPayload(this.box, envelope)],
    );
  }

  /** Runs `work` on the oldest rows, locked so that another replica's relay skips them. */
  async withOldest<T>(
    limit: number,
    work: (rows: OutboxRow[], manager: EntityManager) => Promise<T>,
  ): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      const stored = (await manager.query(
        'SELECT id, event_id, attempts, payload FROM ingress_outbox ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED',
        [limit],
      )) as { id: string; event_id: string; attempts: number | string; payload: string }[];
      const rows = stored.map((row) => ({
        id: row.id,
        eventId: row.event_id,
        attempts: Number(row.attempts),
        ...openOutboxPayload(this.box, row.event_id, row.payload),
      }));
      return work(rows, manager);
    });
  }

  async remove(manager: EntityManager, ids: string[]): Promise<void> {
    if (ids.length > 0) await manager.query('DELETE FROM ingress_outbox WHERE id IN (?)', [ids]);
  }

  async recordFailure(manager: EntityManager, ids: string[], error: string): Promise<void> {
    if (ids.length > 0) {
      await manager.query(
        'UPDATE ingress_outbox SET attempts = attempts + 1, last_error = ? WHERE id IN (?)',
        [error.slice(0, 500), ids],
      );
    }
  }

  /** Depth and age of the oldest row, for metrics. */
  async stats(): Promise<{ depth: number; oldestAgeSeconds: number }> {
    const [row] = (await this.dataSource.query(
      'SELECT COUNT(*) AS depth, COALESCE(TIMESTAMPDIFF(MICROSECOND, MIN(created_at), CURRENT_TIMESTAMP(3)), 0) AS age FROM ingress_outbox',
    )) as { depth: string | number; age: string | number }[];
    return { depth: Number(row?.depth ?? 0), oldestAgeSeconds: Number(row?.age ?? 0) / 1e6 };
  }
}
