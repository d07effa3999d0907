/**
 * How a consumer retries a failed delivery: exponential backoff with jitter, through the broker
 * (a delay queue per step of the ladder, see `EventConsumers`), bounded by total time rather than
 * by a count, so an outage of hours is outlasted and a restart keeps the schedule.
 */
export interface RetryPolicy {
  /** Delay after the first failure. */
  initialDelayMs: number;
  /** Each further delay is the previous one times this. */
  multiplier: number;
  /** No delay is longer than this. */
  maxDelayMs: number;
  /** A message still failing this long after its first failure goes to the DLQ. */
  maxTotalMs: number;
  /**
   * Share of a delay (0…1) taken off at random, so the failures of one outage do not all come back
   * in the same second.
   */
  jitter: number;
  /** Deliveries at most, if set (tests, or a consumer that must give up sooner). */
  maxAttempts?: number;
}

/** 5 s doubling up to 10 min, for 24 h (issue #12; ARCHITECTURE.md "Retries outlast outages"). */
export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  initialDelayMs: 5_000,
  multiplier: 2,
  maxDelayMs: 600_000,
  maxTotalMs: 86_400_000,
  jitter: 0.2,
});

/**
 * For queues that carry authorization codes: 1 s doubling up to 15 s, so a code is tried every
 * 15 s at most across its whole 10-minute life (its consumer decides what to do once it expired).
 */
export const AUTH_CODE_RETRY_POLICY: Readonly<Partial<RetryPolicy>> = Object.freeze({
  initialDelayMs: 1000,
  maxDelayMs: 15_000,
});

/** Fills a partial policy from defaults and refuses nonsense at start rather than at the first failure. */
export function resolveRetryPolicy(
  policy: Partial<RetryPolicy> | undefined,
  defaults: Readonly<RetryPolicy> = DEFAULT_RETRY_POLICY,
): RetryPolicy {
  const resolved: RetryPolicy = { ...defaults, ...stripUndefined(policy ?? {}) };
  const problems: string[] = [];
  if (!(resolved.initialDelayMs >= 1)) problems.push('initialDelayMs must be at least 1');
  if (!(resolved.multiplier >= 1)) problems.push('multiplier must be at least 1');
  if (!(resolved.maxDelayMs >= resolved.initialDelayMs)) problems.push('maxDelayMs must be ≥ initialDelayMs');
  if (!(resolved.maxTotalMs >= 0)) problems.push('maxTotalMs must be ≥ 0');
  if (!(resolved.jitter >= 0 && resolved.jitter < 1)) problems.push('jitter must be in [0, 1)');
  if (
    resolved.maxAttempts !== undefined &&
    !(Number.isInteger(resolved.maxAttempts) && resolved.maxAttempts >= 1)
  ) {
    problems.push('maxAttempts must be a positive integer');
  }
  if (problems.length > 0) throw new TypeError(`invalid retry policy: ${problems.join('; ')}`);
  return resolved;
}

/** The delay after failed attempt `attempt` (1-based), before jitter: one step of the ladder. */
export function delayAfterAttempt(policy: RetryPolicy, attempt: number): number {
  const steps = Math.max(0, attempt - 1);
  const delay = policy.initialDelayMs * policy.multiplier ** steps;
  return Math.round(Math.min(policy.maxDelayMs, delay));
}

/** Every distinct delay the policy can use: one delay queue each. */
export function delayLadder(policy: RetryPolicy): number[] {
  const ladder: number[] = [];
  for (let attempt = 1; ; attempt++) {
    const delay = delayAfterAttempt(policy, attempt);
    if (ladder.at(-1) === delay) break;
    ladder.push(delay);
    if (delay >= policy.maxDelayMs || ladder.length >= 64) break;
  }
  return ladder;
}

export interface RetryDecision {
  /** The ladder step: which delay queue the message waits in (its TTL). */
  queueDelayMs: number;
  /** The message's own expiration, jittered below the step (the queue's TTL caps it anyway). */
  expirationMs: number;
}

/**
 * What to do after attempt `attempt` failed, `firstFailedAt` being when the first attempt failed:
 * retry after a delay, or `undefined` when the policy is exhausted (the message goes to the DLQ).
 */
export function nextRetry(
  policy: RetryPolicy,
  failure: { attempt: number; firstFailedAt: number; now: number },
  random: () => number = Math.random,
): RetryDecision | undefined {
  if (isLastAttempt(policy, failure)) return undefined;
  const queueDelayMs = delayAfterAttempt(policy, failure.attempt);
  const expirationMs = Math.max(1, Math.round(queueDelayMs * (1 - policy.jitter * random())));
  return { queueDelayMs, expirationMs };
}

/** True when a failure of this attempt exhausts the policy. */
export function isLastAttempt(
  policy: RetryPolicy,
  failure: { attempt: number; firstFailedAt: number; now: number },
): boolean {
  if (policy.maxAttempts !== undefined && failure.attempt >= policy.maxAttempts) return true;
  return failure.now - failure.firstFailedAt >= policy.maxTotalMs;
}

/** `<queue>.retry.5s`, `<queue>.retry.10m`, `<queue>.retry.150ms`: the delay queue of one ladder step. */
export function delayQueueOf(queue: string, delayMs: number): string {
  return `${queue}.retry.${formatDelay(delayMs)}`;
}

function formatDelay(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
