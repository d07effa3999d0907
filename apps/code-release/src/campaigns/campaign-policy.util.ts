/** Audit results so far among the campaign's submitted targets. */
export interface AuditTally {
  submitted: number;
  approved: number;
  rejected: number;
}

export interface CanaryPolicy {
  /** Submit only the first `size` targets, wait for their results. 0 disables the canary. */
  size: number;
  /** Highest acceptable rejection rate among the canary's results, 0..1. */
  maxRejectionRate: number;
}

export type CanaryDecision =
  { kind: 'open' } | { kind: 'hold'; submitMore: number } | { kind: 'stop'; rejectionRate: number };

/**
 * The canary's say over more submits: while its first `size` targets are submitted or awaiting
 * results only those go; once they all have a result, the campaign continues if the rejection rate
 * is at most the threshold and stops otherwise. A campaign past its canary is `open`.
 */
export function canaryDecision(policy: CanaryPolicy, tally: AuditTally): CanaryDecision {
  if (policy.size <= 0) return { kind: 'open' };
  // Rejections that break the threshold even if every other canary target is approved stop it at once.
  if (tally.rejected / policy.size > policy.maxRejectionRate) {
    return { kind: 'stop', rejectionRate: tally.rejected / Math.max(1, tally.approved + tally.rejected) };
  }
  if (tally.submitted < policy.size) return { kind: 'hold', submitMore: policy.size - tally.submitted };
  const decided = tally.approved + tally.rejected;
  if (decided < policy.size) return { kind: 'hold', submitMore: 0 };
  const rate = tally.rejected / decided;
  return rate > policy.maxRejectionRate ? { kind: 'stop', rejectionRate: rate } : { kind: 'open' };
}

export interface AutoPausePolicy {
  /** Pause when rejected / (approved + rejected) passes this rate, 0..1; undefined disables it. */
  maxRejectionRate?: number;
  /** Results needed before the rate means anything. */
  minResults: number;
}

/** Whether the campaign pauses itself for its rejections. */
export function shouldAutoPause(policy: AutoPausePolicy, tally: AuditTally): boolean {
  if (policy.maxRejectionRate === undefined) return false;
  const decided = tally.approved + tally.rejected;
  if (decided < Math.max(1, policy.minResults)) return false;
  return tally.rejected / decided > policy.maxRejectionRate;
}

/** Hours of the day in which releases may happen: `[startHour, endHour)` in the given offset; may wrap midnight. */
export interface ReleaseWindow {
  startHour: number;
  endHour: number;
  /** Offset of the window's clock from UTC, minutes (480 for Beijing). */
  utcOffsetMinutes: number;
}

function localHour(now: Date, window: ReleaseWindow): number {
  const local = new Date(now.getTime() + window.utcOffsetMinutes * 60_000);
  return local.getUTCHours() + local.getUTCMinutes() / 60 + local.getUTCSeconds() / 3600;
}

/** Whether `now` falls inside the window; no window means always. */
export function inReleaseWindow(now: Date, window: ReleaseWindow | null | undefined): boolean {
  if (!window || window.startHour === window.endHour) return true;
  const hour = localHour(now, window);
  return window.startHour < window.endHour
    ? hour >= window.startHour && hour < window.endHour
    : hour >= window.startHour || hour < window.endHour;
}

/** When the window next opens (now, if it is open). */
export function nextWindowOpening(now: Date, window: ReleaseWindow | null | undefined): Date {
  if (inReleaseWindow(now, window) || !window) return now;
  const local = new Date(now.getTime() + window.utcOffsetMinutes * 60_000);
  const opening = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate(), window.startHour);
  const candidate = opening > local.getTime() ? opening : opening + 24 * 3600_000;
  return new Date(candidate - window.utcOffsetMinutes * 60_000);
}

/** One step of a gray release. */
export interface GrayStep {
  percentage: number;
  /** How long to stay at this step before the next, seconds; null waits for the operator. */
  waitSeconds: number | null;
  experiencerFirst?: boolean;
  debuggerFirst?: boolean;
}

/** Steps must rise strictly (WeChat's 85082) and stay within 1..100 (85081). */
export function grayStepsProblems(steps: readonly GrayStep[]): string[] {
  const problems: string[] = [];
  steps.forEach((step, index) => {
    if (!Number.isInteger(step.percentage) || step.percentage < 1 || step.percentage > 100) {
      problems.push(`grayRelease.steps[${index}].percentage: must be an integer 1..100`);
    }
    const previous = steps[index - 1];
    if (previous && step.percentage <= previous.percentage) {
      problems.push(`grayRelease.steps[${index}].percentage: must be higher than the step before`);
    }
    if (step.waitSeconds !== null && (!Number.isInteger(step.waitSeconds) || step.waitSeconds < 0)) {
      problems.push(`grayRelease.steps[${index}].waitSeconds: must be a non-negative integer or null`);
    }
  });
  return problems;
}

/** What follows gray step `current` (0-based): the next step, or full release after the last one. */
export function nextGrayMove(
  steps: readonly GrayStep[],
  current: number,
): { kind: 'step'; index: number } | { kind: 'release' } {
  return current + 1 < steps.length ? { kind: 'step', index: current + 1 } : { kind: 'release' };
}
