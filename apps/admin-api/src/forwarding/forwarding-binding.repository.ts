import { Injectable } from '@nestjs/common';
import { DataSource, type QueryRunner } from 'typeorm';

/** What a reconcile reads and writes while it holds the bindings lock. */
export interface BindingsTransaction {
  /** The distinct patterns of the enabled rules. */
  enabledPatterns(): Promise<string[]>;
  /** The patterns the queue was bound with, as recorded. */
  recordedPatterns(): Promise<string[]>;
  record(pattern: string): Promise<void>;
  forget(pattern: string): Promise<void>;
}

/** How long a reconcile waits for another one (this or another replica) to finish. */
const LOCK_TIMEOUT_SECONDS = 10;

/**
 * The only code touching `forwarding_bindings`, the record of the forwarding queue's bindings
 * (ADR 0018). Reconciles of every replica run one at a time under a named lock of this database
 * (`GET_LOCK` is server-wide, so the name carries the database's).
 */
@Injectable()
export class ForwardingBindingRepository {
  constructor(private readonly dataSource: DataSource) {}

  async underLock<T>(work: (tx: BindingsTransaction) => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      const [row] = (await runner.query(
        `SELECT GET_LOCK(CONCAT('wxop-fwd-bindings:', SHA1(DATABASE())), ?) AS locked`,
        [LOCK_TIMEOUT_SECONDS],
      )) as { locked: number | string | null }[];
      if (Number(row?.locked) !== 1) throw new Error('forwarding bindings lock not obtained in time');
      try {
        return await work(transactionOn(runner));
      } finally {
        await runner.query(`SELECT RELEASE_LOCK(CONCAT('wxop-fwd-bindings:', SHA1(DATABASE())))`);
      }
    } finally {
      await runner.release();
    }
  }
}

function transactionOn(runner: QueryRunner): BindingsTransaction {
  return {
    enabledPatterns: async () =>
      (
        (await runner.query(
          'SELECT DISTINCT event_pattern AS pattern FROM forwarding_rules WHERE enabled = 1',
        )) as { pattern: string }[]
      ).map((row) => row.pattern),
    recordedPatterns: async () =>
      ((await runner.query('SELECT pattern FROM forwarding_bindings')) as { pattern: string }[]).map(
        (row) => row.pattern,
      ),
    record: async (pattern) => {
      await runner.query(
        'INSERT IGNORE INTO forwarding_bindings (pattern, bound_at) VALUES (?, UTC_TIMESTAMP(3))',
        [pattern],
      );
    },
    forget: async (pattern) => {
      await runner.query('DELETE FROM forwarding_bindings WHERE pattern = ?', [pattern]);
    },
  };
}
