import { TargetStates, type TargetState } from './target-state';

/** WeChat errcodes the campaign worker decides on (wechat-protocol.md §5, §6). */
export const CodeErrcodes = {
  AlreadyInAudit: 85009,
  NoAuditVersion: 85019,
  ReleaseStatusNotAllowed: 85020,
  AlreadyReleased: 85052,
  QuotaExhausted: 85085,
  MustCommitFirst: 85086,
  NoCategory: 85008,
  ProfileNotSet: 86002,
  PrivacyScanRunning: 61039,
  PrivacyApiUndeclared: 61040,
  TemplateNotFound: 85064,
  InvalidTemplate: 85014,
  CommitLater: 85090,
} as const;

/** What to do after a WeChat answer on a step. */
export type StepOutcome =
  | { kind: 'advance'; to: TargetState }
  /** Ask WeChat (getversioninfo, get_latest_auditstatus) what really happened before deciding. */
  | { kind: 'reconcile' }
  /** Try the same step again after `delaySeconds`, without leaving the state. */
  | { kind: 'wait'; to: TargetState; reason: string }
  | { kind: 'fail'; reason: string };

const TRANSIENT = (errcode: number): boolean => errcode === -1 || errcode === 45009;

/** Decision after `wxa/submit_audit` answered `errcode` (0 on success). A target is never submitted twice. */
export function submitOutcome(errcode: number): StepOutcome {
  switch (errcode) {
    case 0:
      return { kind: 'advance', to: TargetStates.InAudit };
    case CodeErrcodes.AlreadyInAudit:
      // An audit is in flight for this mini program (perhaps ours, sent before a crash): adopt it, never resubmit.
      return { kind: 'reconcile' };
    case CodeErrcodes.PrivacyScanRunning:
      // The privacy scan after commit still runs: submit again later, never commit again.
      return { kind: 'wait', to: TargetStates.WaitingPrivacyScan, reason: 'privacy_scan_running' };
    case CodeErrcodes.QuotaExhausted:
      return { kind: 'wait', to: TargetStates.WaitingQuota, reason: 'quota_exhausted' };
    case CodeErrcodes.ProfileNotSet:
      return { kind: 'fail', reason: 'profile_not_set' };
    case CodeErrcodes.NoCategory:
      return { kind: 'fail', reason: 'no_category' };
    case CodeErrcodes.PrivacyApiUndeclared:
      return { kind: 'fail', reason: 'privacy_api_undeclared' };
    case CodeErrcodes.MustCommitFirst:
      return { kind: 'reconcile' };
    default:
      return TRANSIENT(errcode)
        ? { kind: 'wait', to: TargetStates.Submitting, reason: 'wechat_busy' }
        : { kind: 'fail', reason: `submit_audit_${errcode}` };
  }
}

/** Decision after `wxa/release` answered `errcode`. */
export function releaseOutcome(errcode: number): StepOutcome {
  switch (errcode) {
    case 0:
    case CodeErrcodes.AlreadyReleased:
      // 85052: the approved version is online already, which is what we wanted.
      return { kind: 'advance', to: TargetStates.Released };
    case CodeErrcodes.NoAuditVersion:
    case CodeErrcodes.ReleaseStatusNotAllowed:
      return { kind: 'reconcile' };
    default:
      return TRANSIENT(errcode)
        ? { kind: 'wait', to: TargetStates.Releasing, reason: 'wechat_busy' }
        : { kind: 'fail', reason: `release_${errcode}` };
  }
}

/** Decision after `wxa/commit` answered `errcode`. */
export function commitOutcome(errcode: number): StepOutcome {
  switch (errcode) {
    case 0:
      return { kind: 'advance', to: TargetStates.WaitingPrivacyScan };
    case CodeErrcodes.TemplateNotFound:
    case CodeErrcodes.InvalidTemplate:
      return { kind: 'fail', reason: 'template_not_found' };
    case CodeErrcodes.CommitLater:
      return { kind: 'wait', to: TargetStates.Committing, reason: 'commit_later' };
    default:
      return TRANSIENT(errcode)
        ? { kind: 'wait', to: TargetStates.Committing, reason: 'wechat_busy' }
        : { kind: 'fail', reason: `commit_${errcode}` };
  }
}
