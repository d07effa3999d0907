/** What a benchmark reports: figures for people, and the bar it is held to. */
export interface BenchResult {
  /** Every figure, flat, for the closing JSON line. */
  figures: Record<string, number | string | boolean>;
  /** Human-readable bar, e.g. "ratio ≥ 0.8". */
  bar: string;
  passed: boolean;
}

export type Bench = () => Promise<BenchResult>;

/** Calls `fn` repeatedly for `durationMs` and returns operations per second. */
export function measureOpsPerSec(fn: () => unknown, durationMs: number): number {
  let ops = 0;
  const start = process.hrtime.bigint();
  const end = start + BigInt(durationMs) * 1_000_000n;
  let now = start;
  while (now < end) {
    // Batches keep the clock reads out of the measurement.
    for (let i = 0; i < 256; i++) fn();
    ops += 256;
    now = process.hrtime.bigint();
  }
  return ops / (Number(now - start) / 1e9);
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function round(value: number, digits = 3): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
