import { Injectable, type OnApplicationShutdown } from '@nestjs/common';

import { PushLogRepository, type PushRecord } from './push-log.repository';

/** How the writer groups pushes into one INSERT. */
export interface PushLogBatching {
  /** Rows of one INSERT at most. */
  batchSize: number;
  /** Longest a push waits for its batch to fill. */
  flushMs: number;
}

interface Pending {
  record: PushRecord;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for the push log: `store()` resolves once the multi-row INSERT holding the push has
 * committed, and rejects if it failed. The consumer awaits it before acking, so with a prefetch of
 * N up to N deliveries wait together and are acked only after their batch is durable.
 */
@Injectable()
export class PushLogWriter implements OnApplicationShutdown {
  private pending: Pending[] = [];
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly repository: PushLogRepository,
    private readonly batching: PushLogBatching,
  ) {}

  store(record: PushRecord): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ record, resolve, reject });
      if (this.pending.length >= this.batching.batchSize) void this.flush();
      else this.timer ??= setTimeout(() => void this.flush(), this.batching.flushMs);
    });
  }

  /** Writes what waits now (one INSERT per batch of `batchSize`). */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, this.batching.batchSize);
      try {
        await this.repository.insertMany(batch.map((entry) => entry.record));
        batch.forEach((entry) => entry.resolve());
      } catch (error) {
        batch.forEach((entry) => entry.reject(error));
      }
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.flush();
  }
}
