/**
 * At most `limit` tasks at once, the rest waiting in order. Hand-written (a dozen lines) because
 * p-limit is ESM-only from v4 on and the apps are CommonJS (ARCHITECTURE.md: Nest 11 on CommonJS).
 */
export class ConcurrencyLimit {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError('limit must be a positive integer');
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      return await task();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }

  /** Tasks running now. */
  get running(): number {
    return this.active;
  }
}
