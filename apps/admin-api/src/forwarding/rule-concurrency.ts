/** At most `limit` tasks at once per key (a rule's concurrency), FIFO; the limit is read at each acquire. */
export class KeyedConcurrency {
  private readonly running = new Map<string, number>();
  private readonly waiting = new Map<string, (() => void)[]>();

  async run<T>(key: string, limit: number, task: () => Promise<T>): Promise<T> {
    await this.acquire(key, Math.max(1, limit));
    try {
      return await task();
    } finally {
      this.release(key);
    }
  }

  /**
   * Runs `task` only if the key has a free slot right now (and nobody waiting for one); answers
   * `undefined` without running it otherwise. For callers that must not wait behind a slow key
   * (the first attempt of an event's deliveries, issue #14).
   */
  tryRun<T>(key: string, limit: number, task: () => Promise<T>): Promise<T> | undefined {
    const running = this.running.get(key) ?? 0;
    if (running >= Math.max(1, limit) || (this.waiting.get(key)?.length ?? 0) > 0) return undefined;
    this.running.set(key, running + 1);
    return (async () => {
      try {
        return await task();
      } finally {
        this.release(key);
      }
    })();
  }

  private acquire(key: string, limit: number): Promise<void> {
    const running = this.running.get(key) ?? 0;
    if (running < limit) {
      this.running.set(key, running + 1);
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const queue = this.waiting.get(key) ?? [];
      queue.push(() => {
        this.running.set(key, (this.running.get(key) ?? 0) + 1);
        resolve();
      });
      this.waiting.set(key, queue);
    });
  }

  private release(key: string): void {
    this.running.set(key, (this.running.get(key) ?? 1) - 1);
    const next = this.waiting.get(key)?.shift();
    if (next) next();
    else if (this.running.get(key) === 0) {
      this.running.delete(key);
      this.waiting.delete(key);
    }
  }
}
