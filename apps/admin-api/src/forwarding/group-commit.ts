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
 * into the next one, so batches grow with the load and a lone entry waits for no timer. A key (a
 * delivery, an event) is written by one batch at a time: an entry whose key is in a batch still
 * being written (any of the `maxConcurrentWrites`), or earlier in the batch being formed, waits for
 * a later batch started after that one finished, so each delivery's attempts keep their order and
 * count (a duplicate's `pending` never commits after a `delivered`). Nothing to drain at shutdown: every entry
 * belongs to a handler in flight, and the consumers wait for those.
 */
export class GroupCommit<T> {
  private pending: PendingWrite<T>[] = [];
  private writing = 0;
  /** Keys of the batches being written; their later entries wait until those batches finish. */
  private readonly inFlight = new Set<string>();
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
      if (batch.length < this.options.maxBatch && !keys.has(item.key) && !this.inFlight.has(item.key)) {
        keys.add(item.key);
        batch.push(item);
      } else rest.push(item);
    }
    this.pending = rest;
    if (batch.length === 0) return; // every key waits for a batch in flight, which reschedules
    keys.forEach((key) => this.inFlight.add(key));
    this.writing++;
    try {
      await this.write(batch.map((item) => item.entry));
      batch.forEach((item) => item.resolve());
    } catch (error) {
      batch.forEach((item) => item.reject(error));
    } finally {
      this.writing--;
      keys.forEach((key) => this.inFlight.delete(key));
      if (this.pending.length > 0) this.schedule();
    }
  }
}
