/** At most `limit` tasks at once per key (a rule's concurrency), FIFO; the limit is read at each acquire. */
export class KeyedConcurrency {
  private readonly running = new Map<string, number>();
  /** Per key, callbacks that take a slot; a waiter that gave up is removed from its queue. */
  private readonly waiting = new Map<string, (() => void)[]>();

  async run<T>(key: string, limit: number, task: () => Promise<T>): Promise<T> {
    await this.acquire(key, Math.max(1, limit));
    return this.runHolding(key, task);
  }

  /**
   * Runs `task` only if the key has a free slot right now (and nobody waiting for one); answers
   * `undefined` without running it otherwise. For callers that must not wait behind a slow key.
   */
  tryRun<T>(key: string, limit: number, task: () => Promise<T>): Promise<T> | undefined {
    const running = this.running.get(key) ?? 0;
    if (running >= Math.max(1, limit) || (this.waiting.get(key)?.length ?? 0) > 0) return undefined;
    this.running.set(key, running + 1);
    return this.runHolding(key, task);
  }

  /**
   * Runs `task` once the key has a slot, if one frees within `waitMs` (in line with the other
   * waiters, FIFO); answers `undefined` without running it when the wait ran out. For the first
   * attempt of an event's deliveries (issue #14): a busy fast target is waited for, a slow one
   * holds the caller (an event's prefetch slot) for `waitMs` at most.
   */
  async runWithin<T>(
    key: string,
    limit: number,
    waitMs: number,
    task: () => Promise<T>,
  ): Promise<{ result: T } | undefined> {
    const now = this.tryRun(key, limit, task);
    if (now) return { result: await now };
    if (waitMs <= 0) return undefined;
    const granted = await new Promise<boolean>((resolve) => {
      const queue = this.waiting.get(key) ?? [];
      const grant = (): void => {
        clearTimeout(timer);
        this.running.set(key, (this.running.get(key) ?? 0) + 1);
        resolve(true);
      };
      const timer = setTimeout(() => {
        const current = this.waiting.get(key);
        const index = current?.indexOf(grant) ?? -1;
        if (index >= 0) current!.splice(index, 1);
        this.forgetIfIdle(key);
        resolve(false);
      }, waitMs);
      queue.push(grant);
      this.waiting.set(key, queue);
    });
    if (!granted) return undefined;
    return { result: await this.runHolding(key, task) };
  }

  private async runHolding<T>(key: string, task: () => Promise<T>): Promise<T> {
    try {
      return await task();
    } finally {
      this.release(key);
    }
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
    else this.forgetIfIdle(key);
  }

  private forgetIfIdle(key: string): void {
    if ((this.running.get(key) ?? 0) === 0 && (this.waiting.get(key)?.length ?? 0) === 0) {
      this.running.delete(key);
      this.waiting.delete(key);
    }
  }
}
