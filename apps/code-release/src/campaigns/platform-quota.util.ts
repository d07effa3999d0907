import type { QuotaWaitReason } from './quota.util';

/** The platform-wide quota row as a claim reads it under its lock. */
export interface PlatformQuotaRow {
  rest: number;
  usedSinceRead: number;
  reservedInFlight: number;
  /** Seconds since queryquota was last read; null = never read. */
  readAgeSeconds: number | null;
  /** Seconds since the last claim; null = never claimed. */
  lastClaimAgeSeconds: number | null;
}

export interface QuotaTimings {
  /** Re-read queryquota when the reading is older than this (quota left). */
  staleSeconds: number;
  /** Re-read sooner when the reading says no quota is left (the month may have rolled over). */
  exhaustedRecheckSeconds: number;
  /** A claim not answered within this long is over (its submit reached WeChat or never will). */
  inFlightSeconds: number;
}

export const DEFAULT_QUOTA_TIMINGS: QuotaTimings = {
  staleSeconds: 60,
  exhaustedRecheckSeconds: 5,
  inFlightSeconds: 30,
};

/** What `rest − used − reserve` leaves for one more submit. */
export const quotaAvailable = (row: Pick<PlatformQuotaRow, 'rest' | 'usedSinceRead'>, reserve: number) =>
  row.rest - row.usedSinceRead - Math.max(0, reserve);

/**
 * Whether the claim must read queryquota again before deciding. Only when no claimed submit is
 * still unanswered: WeChat's `rest` then reflects every submit counted in `usedSinceRead`, so the
 * new reading replaces the count without losing one. While submits are in flight the old reading
 * minus the count stays a strict bound.
 */
export function mustReread(row: PlatformQuotaRow, reserve: number, timings: QuotaTimings): boolean {
  if (row.readAgeSeconds === null) return true;
  const quiet =
    row.reservedInFlight <= 0 ||
    row.lastClaimAgeSeconds === null ||
    row.lastClaimAgeSeconds >= timings.inFlightSeconds;
  if (!quiet) return false;
  const limit = quotaAvailable(row, reserve) > 0 ? timings.staleSeconds : timings.exhaustedRecheckSeconds;
  return row.readAgeSeconds >= limit;
}

export type QuotaClaim = { granted: true; left: number } | { granted: false; waitReason: QuotaWaitReason };

/** Grants one submit when `rest − used − reserve ≥ 1`; otherwise says why the target waits. */
export function claimDecision(
  row: Pick<PlatformQuotaRow, 'rest' | 'usedSinceRead'>,
  reserve: number,
): QuotaClaim {
  const available = quotaAvailable(row, reserve);
  if (available >= 1) return { granted: true, left: available - 1 };
  return {
    granted: false,
    waitReason: row.rest - row.usedSinceRead <= 0 ? 'quota_exhausted' : 'quota_reserve',
  };
}

/** How a claimed submit ended, for the quota row. */
export type SubmitSettlement =
  /** WeChat took the submit (one unit spent). */
  | 'spent'
  /** WeChat refused it without spending quota (85008, 61039, 85009 …). */
  | 'refunded'
  /** 85085: the quota is gone, whatever the reading said. */
  | 'exhausted'
  /** No answer (timeout): it may have been spent, so it stays counted. */
  | 'unknown';

/** The settlement of a submit's errcode (0 = accepted; undefined = no WeChat answer). */
export function settlementOf(errcode: number | undefined): SubmitSettlement {
  if (errcode === undefined) return 'unknown';
  if (errcode === 0) return 'spent';
  if (errcode === 85085) return 'exhausted';
  // -1 (system error) may have been taken: keep it counted.
  if (errcode === -1) return 'unknown';
  return 'refunded';
}
