/** One write waiting for its batch. */
export interface PendingWrite<T> {
  key: string;
  entry: T;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for forwarding's writes (new deliveries, the delivery log; issue #14): `add()`
 * resolves once the statement or transaction holding the entry committed (the caller acks its
 * message only then), and rejects if it failed. What is added while a batch is being written goes
 * into the next one, so batches grow with the load and a lone entry waits for no timer. A batch
 * never holds the same key twice (a delivery, an event): the second waits for the next batch, so
 * each delivery's attempts keep their order and count. Nothing to drain at shutdown: every entry
 * belongs to a handler in flight, and the consumers wait for those.
 */
export class GroupCommit<T> {
  private pending: PendingWrite<T>[] = [];
  private writing = 0;
  private scheduled = false;

  constructor(
    private readonly write: (entries: T[]) => Promise<void>,
    private readonly options: { maxBatch: number; maxConcurrentWrites: number },
  ) {}

  add(key: string, entry: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ key, entry, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.writing >= this.options.maxConcurrentWrites) return;
    this.scheduled = true;
    // The rest of this turn's attempts join the batch.
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    if (this.pending.length === 0 || this.writing >= this.options.maxConcurrentWrites) return;
    const batch: PendingWrite<T>[] = [];
    const keys = new Set<string>();
    const rest: PendingWrite<T>[] = [];
    for (const item of this.pending) {
      if (batch.length < this.options.maxBatch && !keys.has(item.key)) {
        keys.add(item.key);
        batch.push(item);
      } else rest.push(item);
    }
    this.pending = rest;
    this.writing++;
    try {
      await this.write(batch.map((item) => item.entry));
      batch.forEach((item) => item.resolve());
    } catch (error) {
      batch.forEach((item) => item.reject(error));
    } finally {
      this.writing--;
      if (this.pending.length > 0) this.schedule();
    }
  }
}
