interface Pending<T, R> {
  item: T;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

/**
 * Writes items in batches without waiting for a batch to fill: an item submitted while nothing is
 * being written is written at once, alone; items submitted while a write runs are written together
 * by the next one (at most `maxBatch` per write). Under load a write therefore carries everything
 * that finished during the previous one, and an idle system adds no delay.
 */
export class GroupCommit<T, R> {
  private readonly queue: Pending<T, R>[] = [];
  private writing = false;

  constructor(
    /** Answers one result per item, in order; a throw fails every item of the batch. */
    private readonly write: (items: T[]) => Promise<R[]>,
    private readonly maxBatch: number,
  ) {}

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.writing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        try {
          const results = await this.write(batch.map((pending) => pending.item));
          batch.forEach((pending, i) => pending.resolve(results[i]!));
        } catch (error) {
          for (const pending of batch) pending.reject(error);
        }
      }
    } finally {
      this.writing = false;
    }
  }
}
