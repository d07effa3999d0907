/** What `wxa/queryquota` reported, in our names. */
export interface QuotaReading {
  rest: number;
  limit: number;
  speedupRest: number;
  speedupLimit: number;
}

export type QuotaWaitReason = 'quota_exhausted' | 'quota_reserve';

export interface SubmitAllowance {
  /** How many submits this wave may make. */
  allowed: number;
  /** Why the others wait, when some do. */
  waitReason?: QuotaWaitReason;
}

/**
 * Never submit beyond `rest − reserve`: the reserve keeps quota for the provider's by-hand work and
 * other campaigns. `inFlight` counts submits this replica has started but WeChat has not answered.
 */
export function submitAllowance(
  quota: Pick<QuotaReading, 'rest'>,
  reserve: number,
  wanted: number,
  inFlight = 0,
): SubmitAllowance {
  const usable = Math.max(0, quota.rest - Math.max(0, reserve) - Math.max(0, inFlight));
  const allowed = Math.max(0, Math.min(wanted, usable));
  if (allowed >= wanted) return { allowed };
  return { allowed, waitReason: quota.rest <= 0 ? 'quota_exhausted' : 'quota_reserve' };
}

export type SpeedupPolicy = 'never' | 'always' | 'keep_reserve';

/** Whether to spend one `speedupaudit` on a fresh audit, under the campaign's policy. */
export function shouldSpeedup(
  policy: SpeedupPolicy,
  quota: Pick<QuotaReading, 'speedupRest'>,
  speedupReserve: number,
): boolean {
  if (policy === 'never') return false;
  if (policy === 'always') return quota.speedupRest > 0;
  return quota.speedupRest > Math.max(0, speedupReserve);
}

/** Undo limits per mini program (§5.3): 5 a day (reset 00:00), 10 a month; configurable for the older 1-a-day rule. */
export interface UndoLimits {
  perDay: number;
  perMonth: number;
}

export function undoAllowed(usedToday: number, usedThisMonth: number, limits: UndoLimits): boolean {
  return usedToday < limits.perDay && usedThisMonth < limits.perMonth;
}

/** The first instant of the next calendar month (UTC+8, WeChat's clock), when the monthly quota returns. */
export function nextQuotaMonth(now: Date): Date {
  const beijing = new Date(now.getTime() + 8 * 3600_000);
  const next = Date.UTC(beijing.getUTCFullYear(), beijing.getUTCMonth() + 1, 1);
  return new Date(next - 8 * 3600_000);
}
