/** Failed logins of one subject (a username, or an IP) as stored in admin_login_throttles. */
export interface ThrottleState {
  failures: number;
  windowStartedAt: Date;
  lastFailureAt: Date | null;
  lockedUntil: Date | null;
}

export interface ThrottleRules {
  /** Failures before each further try has to wait (backoff). */
  freeAttempts: number;
  /** First wait after the free attempts, doubling with each failure, capped at MAX_BACKOFF_MS. */
  backoffBaseMs: number;
  /** Failures within the window that lock the subject. */
  maxFailures: number;
  windowSeconds: number;
  lockoutSeconds: number;
}

export const MAX_BACKOFF_MS = 60_000;

/** How long the subject must wait before its next try may be checked; 0 when it may try now. */
export function waitBeforeTry(state: ThrottleState | undefined, rules: ThrottleRules, now: Date): number {
  if (!state) return 0;
  if (state.lockedUntil && state.lockedUntil > now) return state.lockedUntil.getTime() - now.getTime();
  if (windowOver(state, rules, now) || state.failures < rules.freeAttempts || !state.lastFailureAt) return 0;
  const wait = Math.min(rules.backoffBaseMs * 2 ** (state.failures - rules.freeAttempts), MAX_BACKOFF_MS);
  return Math.max(0, state.lastFailureAt.getTime() + wait - now.getTime());
}

/** The state after one more failed (or refused) try: counted in its window, locked at maxFailures. */
export function afterFailure(
  state: ThrottleState | undefined,
  rules: ThrottleRules,
  now: Date,
): ThrottleState {
  const stillLocked = state?.lockedUntil && state.lockedUntil > now ? state.lockedUntil : null;
  const fresh = !state || (!stillLocked && windowOver(state, rules, now));
  const failures = (fresh ? 0 : state.failures) + 1;
  const lockedUntil =
    stillLocked ??
    (failures >= rules.maxFailures ? new Date(now.getTime() + rules.lockoutSeconds * 1000) : null);
  return {
    failures,
    windowStartedAt: fresh ? now : state.windowStartedAt,
    lastFailureAt: now,
    lockedUntil,
  };
}

function windowOver(state: ThrottleState, rules: ThrottleRules, now: Date): boolean {
  return now.getTime() - state.windowStartedAt.getTime() >= rules.windowSeconds * 1000;
}
