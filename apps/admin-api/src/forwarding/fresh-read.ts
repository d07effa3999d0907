/**
 * A read shared by concurrent callers, each answered by a read that began after its call: a
 * caller arriving while one is under way waits for the next one (which all such callers share),
 * so at most one read is in flight and one waits, whatever the number of callers.
 */
export class FreshRead<T> {
  private current?: Promise<T>;
  private next?: Promise<T>;

  constructor(private readonly read: () => Promise<T>) {}

  get(): Promise<T> {
    if (this.next) return this.next;
    if (!this.current) return this.start();
    const next = this.current
      .catch(() => undefined)
      .then(() => {
        this.next = undefined;
        return this.start();
      });
    this.next = next;
    return next;
  }

  private start(): Promise<T> {
    const run: Promise<T> = this.read().finally(() => {
      if (this.current === run) this.current = undefined;
    });
    this.current = run;
    return run;
  }
}
