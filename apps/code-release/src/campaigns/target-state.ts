/**
 * The persisted state of one campaign target (one mini program) and the moves allowed between states.
 * DO NOT RENAME the values: they are stored in `campaign_targets.state` and appear in event counts.
 */
export const TargetStates = {
  Pending: 'pending',
  Preflight: 'preflight',
  Committing: 'committing',
  WaitingPrivacyScan: 'waiting_privacy_scan',
  Submitting: 'submitting',
  WaitingQuota: 'waiting_quota',
  InAudit: 'in_audit',
  Delayed: 'delayed',
  Approved: 'approved',
  Rejected: 'rejected',
  Releasing: 'releasing',
  Gray: 'gray',
  Released: 'released',
  /** A released target an operator rolled back (revertcoderelease): the previous version is online again. */
  Reverted: 'reverted',
  Failed: 'failed',
  Cancelled: 'cancelled',
  Skipped: 'skipped',
} as const;

export type TargetState = (typeof TargetStates)[keyof typeof TargetStates];

export const ALL_TARGET_STATES: readonly TargetState[] = Object.values(TargetStates);

const S = TargetStates;

/** States after which the worker does nothing more without an operator (retry, revert). */
export const FINAL_TARGET_STATES: ReadonlySet<TargetState> = new Set([
  S.Released,
  S.Reverted,
  S.Rejected,
  S.Failed,
  S.Cancelled,
  S.Skipped,
]);

/**
 * States whose step calls WeChat and may have reached it before a crash: a target found in one of
 * them with an expired lease is reconciled with WeChat before the step is repeated.
 */
export const SIDE_EFFECT_STATES: ReadonlySet<TargetState> = new Set([
  S.Committing,
  S.Submitting,
  S.Releasing,
]);

/** States waiting for WeChat's audit (a push, or polling as the fallback). */
export const AUDIT_STATES: ReadonlySet<TargetState> = new Set([S.InAudit, S.Delayed]);

const TRANSITIONS: Readonly<Record<TargetState, readonly TargetState[]>> = {
  // The worker writes pending → committing (preflight only in memory) and committing → submitting
  // (the scan asked in the commit's step, waiting_privacy_scan written only to wait): ADR 0024.
  [S.Pending]: [S.Preflight, S.Committing, S.Skipped],
  [S.Preflight]: [S.Committing, S.Skipped],
  [S.Committing]: [S.WaitingPrivacyScan, S.Submitting],
  [S.WaitingPrivacyScan]: [S.Submitting, S.WaitingQuota],
  [S.Submitting]: [S.InAudit, S.WaitingQuota, S.WaitingPrivacyScan, S.Approved, S.Rejected, S.Released],
  [S.WaitingQuota]: [S.Submitting],
  [S.InAudit]: [S.Approved, S.Rejected, S.Delayed],
  [S.Delayed]: [S.Approved, S.Rejected, S.InAudit],
  [S.Approved]: [S.Releasing],
  [S.Releasing]: [S.Released, S.Gray, S.Approved],
  [S.Gray]: [S.Gray, S.Released, S.Approved],
  [S.Released]: [S.Reverted],
  [S.Reverted]: [],
  [S.Rejected]: [S.Pending],
  [S.Failed]: [S.Pending],
  [S.Cancelled]: [],
  [S.Skipped]: [],
};

/** Whether the state machine allows `from → to`; failed and cancelled are reachable from any unfinished state. */
export function canTransition(from: TargetState, to: TargetState): boolean {
  if (to === S.Failed || to === S.Cancelled) return !FINAL_TARGET_STATES.has(from);
  return TRANSITIONS[from].includes(to);
}

/** Type guard for a value read from the database or a request. */
export function isTargetState(value: unknown): value is TargetState {
  return typeof value === 'string' && (ALL_TARGET_STATES as readonly string[]).includes(value);
}

/** The operator's retry applies to these states only. */
export function isRetryable(state: TargetState): boolean {
  return state === S.Failed || state === S.Rejected;
}
