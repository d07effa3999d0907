import { CodeReleaseRpcErrorCodes } from '@wxop/contracts';

import { CodeReleaseError } from '../shared/code-release.errors';
import {
  GRAY_REVERTED,
  heldForApproval,
  operationStates,
  secondsUntilSpeedup,
  speedupDue,
  undoDecision,
  undoPeriods,
} from './release-operations.util';

describe('release operations', () => {
  describe(operationStates.name, () => {
    const refusal = (run: () => unknown) => {
      try {
        run();
      } catch (error) {
        return error instanceof CodeReleaseError ? error.code : 'other';
      }
      return 'none';
    };

    it('refuses approval on an on_approval campaign and gray steps outside gray mode', () => {
      expect(refusal(() => operationStates('approve', 'on_approval'))).toBe(
        CodeReleaseRpcErrorCodes.OperationNotAllowed,
      );
      expect(refusal(() => operationStates('gray.advance', 'manual'))).toBe(
        CodeReleaseRpcErrorCodes.OperationNotAllowed,
      );
      expect(refusal(() => operationStates('gray.revert', 'on_approval'))).toBe(
        CodeReleaseRpcErrorCodes.OperationNotAllowed,
      );
    });

    it('approves any unreleased target in manual mode, only approved ones in gray mode', () => {
      expect(operationStates('approve', 'manual')).toContain('in_audit');
      expect(operationStates('approve', 'manual')).toContain('approved');
      expect(operationStates('approve', 'manual')).not.toContain('released');
      expect(operationStates('approve', 'gray')).toEqual(['approved']);
    });

    it('reverts released targets and speeds up audits in every mode', () => {
      for (const mode of ['on_approval', 'manual', 'gray'] as const) {
        expect(operationStates('revert', mode)).toEqual(['released']);
        expect(operationStates('speedup', mode)).toEqual(['in_audit', 'delayed']);
      }
      expect(operationStates('gray.advance', 'gray')).toEqual(['gray']);
    });
  });

  it('holds approved targets for the operator in manual mode, and in gray mode only after a gray revert', () => {
    expect(heldForApproval('manual', { approvedForRelease: false, reason: null })).toBe(true);
    expect(heldForApproval('manual', { approvedForRelease: true, reason: null })).toBe(false);
    expect(heldForApproval('on_approval', { approvedForRelease: false, reason: GRAY_REVERTED })).toBe(false);
    expect(heldForApproval('gray', { approvedForRelease: false, reason: null })).toBe(false);
    expect(heldForApproval('gray', { approvedForRelease: false, reason: GRAY_REVERTED })).toBe(true);
    expect(heldForApproval('gray', { approvedForRelease: true, reason: GRAY_REVERTED })).toBe(false);
  });

  describe(speedupDue.name, () => {
    const now = new Date('2026-12-02T10:00:00Z');
    const target = {
      state: 'in_audit' as const,
      submittedAt: new Date('2026-12-02T09:59:00Z'),
      speedupAt: null,
      auditId: 7,
    };
    it('is due once the audit has waited afterSeconds, never twice, never without a policy', () => {
      expect(speedupDue({ afterSeconds: 60 }, target, now)).toBe(true);
      expect(speedupDue({ afterSeconds: 61 }, target, now)).toBe(false);
      expect(speedupDue({ afterSeconds: 60 }, { ...target, speedupAt: now }, now)).toBe(false);
      expect(speedupDue(undefined, target, now)).toBe(false);
      expect(speedupDue({ afterSeconds: 0 }, { ...target, state: 'approved' as never }, now)).toBe(false);
      expect(speedupDue({ afterSeconds: 0 }, { ...target, auditId: null }, now)).toBe(false);
    });
    it('tells how long until it is due', () => {
      expect(secondsUntilSpeedup({ afterSeconds: 100 }, target.submittedAt, now)).toBe(40);
      expect(secondsUntilSpeedup({ afterSeconds: 10 }, target.submittedAt, now)).toBe(0);
      expect(secondsUntilSpeedup(undefined, target.submittedAt, now)).toBeUndefined();
    });
  });

  describe('undo limits', () => {
    it('allows an undo below 5 today and 10 this month, never at them', () => {
      expect(undoDecision({ today: 4, thisMonth: 9 })).toEqual({ allowed: true });
      expect(undoDecision({ today: 5, thisMonth: 5 })).toEqual({
        allowed: false,
        reason: 'undo_daily_limit',
      });
      expect(undoDecision({ today: 0, thisMonth: 10 })).toEqual({
        allowed: false,
        reason: 'undo_monthly_limit',
      });
    });

    it('counts days and months on Beijing time (WeChat resets at 00:00 UTC+8)', () => {
      // 2026-12-31 17:30 UTC is 2027-01-01 01:30 in Beijing: a new day and a new month there.
      const { dayStart, monthStart } = undoPeriods(new Date('2026-12-31T17:30:00Z'));
      expect(dayStart.toISOString()).toBe('2026-12-31T16:00:00.000Z');
      expect(monthStart.toISOString()).toBe('2026-12-31T16:00:00.000Z');
      const mid = undoPeriods(new Date('2026-12-15T03:00:00Z'));
      expect(mid.dayStart.toISOString()).toBe('2026-12-14T16:00:00.000Z');
      expect(mid.monthStart.toISOString()).toBe('2026-11-30T16:00:00.000Z');
    });
  });
});
