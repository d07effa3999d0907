import { SchedulerRegistry } from '@nestjs/schedule';
import { createTestDatabase, type TestDatabase } from '@wxop/testing';
import { randomUUID } from 'node:crypto';

import { AdminApiConfig } from '../src/config/admin-api.config';
import { ADMIN_API_MIGRATIONS } from '../src/database/migrations';
import { ForwardingDeliveryRepository } from '../src/forwarding/forwarding-delivery.repository';
import { ForwardingRetentionService } from '../src/forwarding/forwarding-retention.service';

const DAY = 86_400_000;

/** The delivery log's retention removes only settled deliveries older than the retention, with their attempts. */
describe('forwarding delivery retention (admin-api, real MariaDB)', () => {
  let database: TestDatabase;
  let sut: ForwardingRetentionService;
  const ruleId = randomUUID();

  beforeAll(async () => {
    database = await createTestDatabase({ prefix: 'admin_fwd_retention', migrations: ADMIN_API_MIGRATIONS });
    // A batch of 2 makes the purge loop over several batches.
    const config = Object.assign(new AdminApiConfig(), {
      ADMIN_API_FORWARDING_RETENTION_DAYS: 30,
      ADMIN_API_FORWARDING_PURGE_BATCH_SIZE: 2,
    });
    sut = new ForwardingRetentionService(
      new ForwardingDeliveryRepository(database.dataSource),
      config,
      new SchedulerRegistry(),
    );
    await database.dataSource.query(
      `INSERT INTO forwarding_rules (id, name, event_pattern, target_url, enabled, concurrency, secret_encrypted,
         created_at, updated_at)
       VALUES (?, 'retention', '#', 'https://hooks.example.com/x', 1, 4, 'sealed', UTC_TIMESTAMP(3), UTC_TIMESTAMP(3))`,
      [ruleId],
    );
  });

  afterAll(async () => {
    await database?.drop();
  });

  it('purges settled deliveries older than 30 days and their attempts; keeps recent and pending ones', async () => {
    const now = new Date();
    const delivery = async (name: string, state: string, ageMs: number) => {
      const at = new Date(now.getTime() - ageMs);
      const result = (await database.dataSource.query(
        `INSERT INTO forwarding_deliveries (rule_id, event_id, event_type, envelope, state, attempts, created_at, updated_at)
         VALUES (?, ?, ?, '{}', ?, 1, ?, ?)`,
        [ruleId, randomUUID(), `test.${name}`, state, at, at],
      )) as { insertId: number };
      await database.dataSource.query(
        `INSERT INTO forwarding_attempts (delivery_id, attempt, status_code, latency_ms, attempted_at)
         VALUES (?, 1, 200, 5, ?)`,
        [result.insertId, at],
      );
    };
    await delivery('delivered_old', 'delivered', 31 * DAY);
    await delivery('delivered_older', 'delivered', 90 * DAY);
    await delivery('failed_old', 'failed', 30 * DAY + 60_000);
    await delivery('delivered_just_inside', 'delivered', 30 * DAY - 60_000);
    await delivery('failed_recent', 'failed', DAY);
    await delivery('delivered_recent', 'delivered', 60_000);
    await delivery('pending_old', 'pending', 40 * DAY);

    expect(await sut.purgeOnce(now)).toBe(3);

    const remaining = (await database.dataSource.query(
      'SELECT event_type FROM forwarding_deliveries ORDER BY event_type',
    )) as { event_type: string }[];
    expect(remaining.map((row) => row.event_type)).toEqual([
      'test.delivered_just_inside',
      'test.delivered_recent',
      'test.failed_recent',
      'test.pending_old',
    ]);
    const [attempts] = (await database.dataSource.query(
      `SELECT COUNT(*) AS n, SUM(delivery_id NOT IN (SELECT id FROM forwarding_deliveries)) AS orphans
         FROM forwarding_attempts`,
    )) as { n: string | number; orphans: string | number }[];
    expect({ attempts: Number(attempts!.n), orphans: Number(attempts!.orphans) }).toEqual({
      attempts: 4,
      orphans: 0,
    });
    expect(await sut.purgeOnce(now)).toBe(0);
  });
});
