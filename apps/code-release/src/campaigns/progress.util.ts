import type { CampaignQuota } from '@wxop/contracts';

import { ALL_TARGET_STATES, FINAL_TARGET_STATES, TargetStates, type TargetState } from './target-state';

export type StateCounts = Record<TargetState, number>;

/** Counts per state with every state present (0 when none), from grouped rows. */
export function stateCounts(rows: ReadonlyArray<{ state: TargetState; count: number }>): StateCounts {
  const counts = Object.fromEntries(ALL_TARGET_STATES.map((state) => [state, 0])) as StateCounts;
  for (const row of rows) counts[row.state] += Number(row.count);
  return counts;
}

export interface CampaignProgress {
  total: number;
  done: number;
  /** Targets finished per minute since the campaign started. */
  throughputPerMinute: number;
  /** Estimated end at the current throughput, null before anything finished or once all did. */
  etaAt: string | null;
}

/** Throughput and ETA from the counts, the start and now. */
export function campaignProgress(counts: StateCounts, startedAt: Date | null, now: Date): CampaignProgress {
  const total = Object.values(counts).reduce((sum, n) => sum + n, 0);
  const done = [...FINAL_TARGET_STATES].reduce((sum, state) => sum + counts[state], 0);
  const minutes = startedAt ? Math.max((now.getTime() - startedAt.getTime()) / 60_000, 1 / 60) : 0;
  const throughputPerMinute = minutes > 0 ? done / minutes : 0;
  const left = total - done;
  const etaAt =
    left > 0 && throughputPerMinute > 0
      ? new Date(now.getTime() + (left / throughputPerMinute) * 60_000).toISOString()
      : null;
  return { total, done, throughputPerMinute: Math.round(throughputPerMinute * 100) / 100, etaAt };
}

/** A campaign is finished when no target can move without an operator. */
export function isCampaignFinished(counts: StateCounts): boolean {
  return ALL_TARGET_STATES.every((state) => FINAL_TARGET_STATES.has(state) || counts[state] === 0);
}

/** Counts of final states only, for `release.campaign.finished`. */
export function finalCounts(counts: StateCounts): Partial<StateCounts> {
  return Object.fromEntries([...FINAL_TARGET_STATES].map((state) => [state, counts[state]]));
}

export const COUNTED_AS_SUBMITTED: readonly TargetState[] = [
  TargetStates.InAudit,
  TargetStates.Delayed,
  TargetStates.Approved,
  TargetStates.Rejected,
  TargetStates.Releasing,
  TargetStates.Gray,
  TargetStates.Released,
  TargetStates.Reverted,
];

/**
 * The quota a campaign's progress shows: the component's last queryquota reading less the submits
 * claimed since, and what this campaign may still submit above its reserve; null before the first read.
 */
export function campaignQuota(
  reading: { rest: number; limit: number; usedSinceRead: number; readAt: Date | null } | null,
  reserve: number,
): CampaignQuota | null {
  if (!reading?.readAt) return null;
  const left = Math.max(0, reading.rest - reading.usedSinceRead);
  return {
    left,
    limit: reading.limit,
    reserve,
    availableToCampaign: Math.max(0, left - reserve),
    readAt: reading.readAt.toISOString(),
  };
}
