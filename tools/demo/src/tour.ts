/** What one step of the tour did: its counts (what a person would want to check), or why it failed. */
export interface StepResult {
  name: string;
  ok: boolean;
  ms: number;
  counts: Record<string, number>;
  error?: string;
}

/** What a step's body gets: a line printer under the step's name. */
export interface StepContext {
  say(line: string): void;
}

export type StepBody = (step: StepContext) => Promise<Record<string, number> | void>;

/**
 * Runs the tour's steps in order, printing each as it happens; after the first failure the rest
 * are skipped (they build on each other) and reported as such. `summary()` is the closing line.
 */
export class Tour {
  readonly results: StepResult[] = [];
  private failed = false;
  private readonly started: number;

  constructor(
    private readonly print: (line: string) => void,
    private readonly now: () => number = Date.now,
  ) {
    this.started = now();
  }

  get ok(): boolean {
    return !this.failed && this.results.length > 0;
  }

  async step(name: string, title: string, body: StepBody): Promise<void> {
    const number = this.results.length + 1;
    if (this.failed) {
      this.results.push({ name, ok: false, ms: 0, counts: {}, error: 'skipped: an earlier step failed' });
      return;
    }
    this.print(`\n[${number}] ${title}`);
    const started = this.now();
    try {
      const counts = (await body({ say: (line) => this.print(`    ${line}`) })) ?? {};
      const ms = this.now() - started;
      this.results.push({ name, ok: true, ms, counts });
      this.print(`    ✓ ${name} (${(ms / 1000).toFixed(1)} s)`);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.failed = true;
      this.results.push({ name, ok: false, ms: this.now() - started, counts: {}, error: message });
      this.print(`    ✗ ${name}: ${message}`);
    }
  }

  /** One JSON line: ok, seconds, and per step its counts (or its error). */
  summary(extra: Record<string, unknown> = {}): string {
    const steps: Record<string, unknown> = {};
    for (const result of this.results) {
      steps[result.name] = result.ok ? { ok: true, ...result.counts } : { ok: false, error: result.error };
    }
    return JSON.stringify({
      demo: 'wxop',
      ok: this.ok,
      seconds: Math.round((this.now() - this.started) / 100) / 10,
      ...extra,
      steps,
    });
  }
}

/** An error waiting cannot cure (an example that exited, a refused request): `eventually` stops at once. */
export class FatalError extends Error {}

/** Whether waiting longer could change the answer: not after a FatalError or a 4xx. */
function fatal(error: unknown): boolean {
  if (error instanceof FatalError) return true;
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' && status >= 400 && status < 500;
}

/**
 * Polls `probe` every `intervalMs` until it answers a value other than undefined; throws `what`
 * after `timeoutMs`, or at once when the probe throws what waiting cannot cure (`fatal`).
 */
export async function eventually<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | undefined> | T | undefined,
  intervalMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      if (fatal(error)) throw error;
      lastError = error;
    }
    if (Date.now() > deadline) {
      const cause = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`${what}: not after ${Math.round(timeoutMs / 1000)} s${cause}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
