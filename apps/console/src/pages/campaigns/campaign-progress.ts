/**
 * A campaign's progress as the detail page shows it: targets per state, what share is done, how
 * fast it goes and when it should end. Pure: the page feeds it the API's answers and the clock.
 */

/** code-release's target states in the order a target moves through them (target-state.ts). */
export const TARGET_STATES = [
  'pending',
  'preflight',
  'committing',
  'waiting_privacy_scan',
  'submitting',
  'waiting_quota',
  'in_audit',
  'delayed',
  'approved',
  'releasing',
  'gray',
  'released',
  'reverted',
  'rejected',
  'failed',
  'cancelled',
  'skipped',
] as const;

export type TargetState = (typeof TARGET_STATES)[number];

/** States after which the worker does nothing more without an operator (code-release's FINAL_TARGET_STATES). */
export const FINAL_STATES: ReadonlySet<string> = new Set([
  'released',
  'reverted',
  'rejected',
  'failed',
  'cancelled',
  'skipped',
]);

/** The antd Tag colour of a campaign's status. */
export const STATUS_COLOR: Readonly<Record<string, string>> = {
  running: 'processing',
  paused: 'warning',
  cancelled: 'default',
  finished: 'success',
};

/** The antd Tag colour of a target state. */
export function stateColor(state: string): string {
  switch (state) {
    case 'released':
      return 'success';
    case 'rejected':
    case 'failed':
      return 'error';
    case 'waiting_quota':
    case 'waiting_privacy_scan':
    case 'delayed':
    case 'reverted':
      return 'warning';
    case 'cancelled':
    case 'skipped':
      return 'default';
    default:
      return 'processing';
  }
}

export interface StateBar {
  state: string;
  count: number;
  /** Share of all targets, 0–100, one decimal. */
  percent: number;
}

/** Whole-number percentage with one decimal (0 when there is nothing to count). */
export function percentOf(part: number, total: number): number {
  if (!(total > 0) || !(part > 0)) return 0;
  return Math.min(100, Math.round((part / total) * 1000) / 10);
}

/**
 * One bar per state that has targets, in the states' order (a state code-release adds later
 * comes after the known ones), each with its share of `total` (the campaign's targets; the
 * counts' sum when `total` is 0).
 */
export function stateBars(counts: Readonly<Record<string, number>>, total?: number): StateBar[] {
  const sum = Object.values(counts).reduce((acc, n) => acc + (n > 0 ? n : 0), 0);
  const base = total && total > 0 ? total : sum;
  const known = new Set<string>(TARGET_STATES);
  const order = [
    ...TARGET_STATES,
    ...Object.keys(counts)
      .filter((state) => !known.has(state))
      .sort(),
  ];
  return order
    .filter((state) => (counts[state] ?? 0) > 0)
    .map((state) => ({ state, count: counts[state]!, percent: percentOf(counts[state]!, base) }));
}

/** Targets in a final state (what the campaign's progress.done counts). */
export function doneCount(counts: Readonly<Record<string, number>>): number {
  return Object.entries(counts).reduce((acc, [state, n]) => acc + (FINAL_STATES.has(state) ? n : 0), 0);
}

/** A reading of the campaign's done count, taken at each poll. */
export interface ProgressSample {
  /** ms since the epoch */
  at: number;
  done: number;
}

/** Keeps the samples of the last `windowMs` (and at most `max`), adding `sample` unless it repeats the time of the last. */
export function addSample(
  samples: readonly ProgressSample[],
  sample: ProgressSample,
  windowMs = 120_000,
  max = 120,
): ProgressSample[] {
  const last = samples[samples.length - 1];
  // A drop (a retry put targets back to pending) starts the window again.
  const kept = last && sample.done < last.done ? [] : samples.filter((s) => s.at < sample.at);
  const next = [...kept, sample].filter((s) => sample.at - s.at <= windowMs);
  return next.slice(-max);
}

/**
 * Targets finished per minute over the samples (first to last), or null when they span less than
 * `minSpanMs` (too short to say).
 */
export function recentThroughput(samples: readonly ProgressSample[], minSpanMs = 10_000): number | null {
  if (samples.length < 2) return null;
  const first = samples[0]!;
  const last = samples[samples.length - 1]!;
  const span = last.at - first.at;
  if (span < minSpanMs) return null;
  return Math.max(0, ((last.done - first.done) / span) * 60_000);
}

/** Seconds until `etaAt` (the API's estimate), 0 when past, null when there is none. */
export function secondsUntil(etaAt: string | null | undefined, now: number): number | null {
  if (!etaAt) return null;
  const at = Date.parse(etaAt);
  if (Number.isNaN(at)) return null;
  return Math.max(0, (at - now) / 1000);
}

/** Seconds to finish `left` targets at `perMinute`, null when nothing moves (or nothing is left to do: 0). */
export function etaSeconds(left: number, perMinute: number | null | undefined): number | null {
  if (left <= 0) return 0;
  if (!perMinute || perMinute <= 0) return null;
  return (left / perMinute) * 60;
}

/** A rate as operators read it: two decimals under 10 a minute, one under 100, whole above. */
export function formatRate(perMinute: number | null | undefined): string {
  if (perMinute === null || perMinute === undefined || !Number.isFinite(perMinute)) return '—';
  if (perMinute < 10) return perMinute.toFixed(2);
  if (perMinute < 100) return perMinute.toFixed(1);
  return String(Math.round(perMinute));
}

export const POLL_MS = 2_000;

/**
 * How often the detail page asks again: every 2 s while the campaign can still move (running, or
 * paused: an operator's operation may still move targets) or one of its operations runs; never once
 * it is finished or cancelled with nothing running.
 */
export function pollInterval(status: string | undefined, operationRunning = false): number | false {
  if (status === undefined) return false;
  if (status === 'running' || status === 'paused' || operationRunning) return POLL_MS;
  return false;
}
