import { TargetStates, type TargetState } from './target-state';

/** WeChat's audit status values (§5.3). */
export const AuditStatusValues = { Approved: 0, Rejected: 1, Auditing: 2, Withdrawn: 3, Delayed: 4 } as const;

/** What WeChat says about one mini program, read with getversioninfo and get_latest_auditstatus. */
export interface WechatVersionView {
  trialVersion: string | null;
  onlineVersion: string | null;
  /** null when WeChat knows no audit (85058). */
  latestAudit: {
    auditId: number;
    status: number;
    userVersion: string | null;
    reason?: string;
    screenshots?: string[];
  } | null;
}

export type Reconciliation =
  | { kind: 'resume'; state: TargetState; auditId?: number; reason?: string; screenshots?: string[] }
  /** The step did not reach WeChat (or left nothing behind): doing it again is safe. */
  | { kind: 'repeat' };

function auditOfOurs(view: WechatVersionView, userVersion: string): WechatVersionView['latestAudit'] {
  const audit = view.latestAudit;
  if (!audit) return null;
  // Old audits without user_version in the answer are matched by the trial version being ours.
  const ours =
    audit.userVersion !== null ? audit.userVersion === userVersion : view.trialVersion === userVersion;
  return ours ? audit : null;
}

function fromAudit(audit: NonNullable<WechatVersionView['latestAudit']>): Reconciliation | null {
  switch (audit.status) {
    case AuditStatusValues.Auditing:
      return { kind: 'resume', state: TargetStates.InAudit, auditId: audit.auditId };
    case AuditStatusValues.Delayed:
      return { kind: 'resume', state: TargetStates.Delayed, auditId: audit.auditId, reason: audit.reason };
    case AuditStatusValues.Approved:
      return { kind: 'resume', state: TargetStates.Approved, auditId: audit.auditId };
    case AuditStatusValues.Rejected:
      return {
        kind: 'resume',
        state: TargetStates.Rejected,
        auditId: audit.auditId,
        reason: audit.reason,
        screenshots: audit.screenshots,
      };
    default:
      return null; // withdrawn: no audit of ours in flight
  }
}

/**
 * Where a target whose step `state` may have reached WeChat (a crash, a lost answer, 85009, 85019,
 * 85020) really stands. The campaign's `userVersion` is how our version is recognised.
 */
export function reconcile(state: TargetState, userVersion: string, view: WechatVersionView): Reconciliation {
  if (view.onlineVersion === userVersion) return { kind: 'resume', state: TargetStates.Released };
  const audit = auditOfOurs(view, userVersion);
  switch (state) {
    case TargetStates.Committing:
      if (audit) return fromAudit(audit) ?? { kind: 'repeat' };
      return view.trialVersion === userVersion
        ? { kind: 'resume', state: TargetStates.WaitingPrivacyScan }
        : { kind: 'repeat' };
    case TargetStates.Submitting:
    case TargetStates.WaitingPrivacyScan:
    case TargetStates.WaitingQuota:
      return (audit && fromAudit(audit)) ?? { kind: 'repeat' };
    case TargetStates.Releasing:
    case TargetStates.Gray:
      if (audit && audit.status === AuditStatusValues.Approved) return { kind: 'repeat' };
      return (
        (audit && fromAudit(audit)) ?? {
          kind: 'resume',
          state: TargetStates.Failed,
          reason: 'no_approved_version',
        }
      );
    default:
      return { kind: 'repeat' };
  }
}

/**
 * Whether submit_audit may be sent for this target: only when WeChat holds no audit of our version
 * that is in flight or decided. Used after 85009 and before re-submitting a step found mid-way.
 */
export function mayResubmit(userVersion: string, view: WechatVersionView): boolean {
  const audit = auditOfOurs(view, userVersion);
  return audit === null || audit.status === AuditStatusValues.Withdrawn;
}
