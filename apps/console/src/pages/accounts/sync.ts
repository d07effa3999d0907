import type { SchemaSyncRunDto } from '../../api/schema';

export interface SyncProgress {
  /** 0–100, or undefined while WeChat's total is not known yet. */
  percent: number | undefined;
  /** Seconds left at the pace so far, when it can be told. */
  etaSeconds: number | undefined;
  /** The antd Progress status. */
  status: 'active' | 'success' | 'exception' | 'normal';
}

/** How far a full sync is: accounts listed of WeChat's total, and the time left at the pace so far. */
export function syncProgress(run: SchemaSyncRunDto, now: number = Date.now()): SyncProgress {
  const running = run.status === 'running';
  const total = run.totalCount ?? undefined;
  const status = running
    ? 'active'
    : run.status === 'succeeded'
      ? 'success'
      : run.status === 'failed'
        ? 'exception'
        : 'normal';
  if (!running) {
    const percent = total
      ? Math.min(100, Math.round((run.listed / total) * 100))
      : run.status === 'succeeded'
        ? 100
        : undefined;
    return { percent: run.status === 'succeeded' ? 100 : percent, etaSeconds: undefined, status };
  }
  if (!total) return { percent: total === 0 ? 0 : undefined, etaSeconds: undefined, status };
  const done = Math.min(run.listed, total);
  // A running sync is never shown as finished: the last accounts are still being processed.
  const percent = Math.min(99, Math.floor((done / total) * 100));
  const elapsed = (now - Date.parse(run.startedAt)) / 1000;
  const etaSeconds =
    done > 0 && Number.isFinite(elapsed) && elapsed > 0 ? (elapsed / done) * (total - done) : undefined;
  return { percent, etaSeconds, status };
}

/** Whether the run is still going (the page polls while it is). */
export function syncRunning(run: SchemaSyncRunDto | undefined): boolean {
  return run?.status === 'running';
}
