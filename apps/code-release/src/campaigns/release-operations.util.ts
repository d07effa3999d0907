import { CodeReleaseError } from '../shared/code-release.errors';
import { CodeReleaseRpcErrorCodes } from '@wxop/contracts';
import type { ReleaseMode } from './release-inputs.util';
import { TargetStates as S, type TargetState } from './target-state';

/** The operator's operations on a campaign's targets (CampaignRpcPatterns). */
export type CampaignOperation = 'approve' | 'gray.advance' | 'gray.revert' | 'revert' | 'speedup';

/** Targets an approval can be given to ahead of their audit result, in `manual` mode. */
const APPROVABLE_MANUAL: readonly TargetState[] = [
  S.Pending,
  S.Preflight,
  S.Committing,
  S.WaitingPrivacyScan,
  S.Submitting,
  S.WaitingQuota,
  S.InAudit,
  S.Delayed,
  S.Approved,
];

/**
 * The target states an operation applies to in a campaign of this mode, or OPERATION_NOT_ALLOWED
 * when the mode has no use for it: approval only in `manual` mode (any target not yet released: it
 * is released as soon as it is approved by WeChat too) and in `gray` mode (targets held in
 * `approved` after a gray revert, whose gray plan then starts again); gray steps only in `gray`
 * mode; revert of `released` targets and speedup of targets in audit in every mode.
 */
export function operationStates(operation: CampaignOperation, mode: ReleaseMode): readonly TargetState[] {
  const refuse = (why: string) =>
    new CodeReleaseError(CodeReleaseRpcErrorCodes.OperationNotAllowed, `${operation}: ${why}`);
  switch (operation) {
    case 'approve':
      if (mode === 'manual') return APPROVABLE_MANUAL;
      if (mode === 'gray') return [S.Approved];
      throw refuse('the campaign releases on approval; there is nothing to approve');
    case 'gray.advance':
    case 'gray.revert':
      if (mode !== 'gray') throw refuse(`the campaign's release mode is ${mode}, not gray`);
      return [S.Gray];
    case 'revert':
      return [S.Released];
    case 'speedup':
      return [S.InAudit, S.Delayed];
  }
}

/**
 * Whether the worker holds an approved target for the operator: in `manual` mode until it is
 * approved; in `gray` mode only after a gray revert (reason `gray_reverted`) until approved again.
 */
export function heldForApproval(
  mode: ReleaseMode,
  target: { approvedForRelease: boolean; reason: string | null },
): boolean {
  if (target.approvedForRelease) return false;
  if (mode === 'manual') return true;
  return mode === 'gray' && target.reason === GRAY_REVERTED;
}

/** The reason a target carries in `approved` after gray.revert. */
export const GRAY_REVERTED = 'gray_reverted';

/**
 * Whether the campaign's speedup policy asks for speedupaudit now: the target has been in audit
 * at least `afterSeconds` since its submit and this attempt was never sped up.
 */
export function speedupDue(
  policy: { afterSeconds: number } | undefined,
  target: { state: TargetState; submittedAt: Date | null; speedupAt: Date | null; auditId: number | null },
  now: Date,
): boolean {
  if (!policy || target.speedupAt !== null || target.auditId === null || target.submittedAt === null)
    return false;
  if (target.state !== S.InAudit && target.state !== S.Delayed) return false;
  return now.getTime() - target.submittedAt.getTime() >= policy.afterSeconds * 1000;
}

/** Seconds until a target submitted at `submittedAt` is due for the speedup policy (0 when due or none). */
export function secondsUntilSpeedup(
  policy: { afterSeconds: number } | undefined,
  submittedAt: Date | null,
  now: Date,
): number | undefined {
  if (!policy || submittedAt === null) return undefined;
  return Math.max(0, Math.ceil((submittedAt.getTime() + policy.afterSeconds * 1000 - now.getTime()) / 1000));
}

/** undocodeaudit's limits per mini program (§5.3): 5 a day (reset at 00:00 Beijing time), 10 a month. */
export interface UndoLimits {
  perDay: number;
  perMonth: number;
  /** The platform's clock: WeChat resets at midnight in UTC+8. */
  utcOffsetMinutes: number;
}

export const UNDO_LIMITS: UndoLimits = { perDay: 5, perMonth: 10, utcOffsetMinutes: 480 };

/** The limits as configured (CODE_RELEASE_UNDO_PER_DAY, CODE_RELEASE_UNDO_PER_MONTH). */
export function undoLimitsOf(config: {
  CODE_RELEASE_UNDO_PER_DAY: number;
  CODE_RELEASE_UNDO_PER_MONTH: number;
}): UndoLimits {
  return {
    ...UNDO_LIMITS,
    perDay: config.CODE_RELEASE_UNDO_PER_DAY,
    perMonth: config.CODE_RELEASE_UNDO_PER_MONTH,
  };
}

/** Start of the day and of the month containing `now` in the limits' clock, as UTC instants. */
export function undoPeriods(
  now: Date,
  limits: UndoLimits = UNDO_LIMITS,
): { dayStart: Date; monthStart: Date } {
  const offset = limits.utcOffsetMinutes * 60_000;
  const local = new Date(now.getTime() + offset);
  const dayStart = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate()) - offset;
  const monthStart = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), 1) - offset;
  return { dayStart: new Date(dayStart), monthStart: new Date(monthStart) };
}

/** Whether one more undocodeaudit stays within the limits, given what this mini program used. */
export function undoDecision(
  used: { today: number; thisMonth: number },
  limits: UndoLimits = UNDO_LIMITS,
): { allowed: true } | { allowed: false; reason: 'undo_daily_limit' | 'undo_monthly_limit' } {
  if (used.thisMonth >= limits.perMonth) return { allowed: false, reason: 'undo_monthly_limit' };
  if (used.today >= limits.perDay) return { allowed: false, reason: 'undo_daily_limit' };
  return { allowed: true };
}
