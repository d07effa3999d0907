import { canTransition, isRetryable, isTargetState, TargetStates as S } from './target-state';

describe('target states', () => {
  describe('canTransition', () => {
    it('follows the happy path from pending to released', () => {
      const path = [
        S.Pending,
        S.Preflight,
        S.Committing,
        S.WaitingPrivacyScan,
        S.Submitting,
        S.InAudit,
        S.Approved,
        S.Releasing,
        S.Released,
      ];
      for (let i = 1; i < path.length; i += 1) expect(canTransition(path[i - 1]!, path[i]!)).toBe(true);
    });

    it('allows the worker’s shortened path: pending → committing → submitting, no state skipped past a WeChat write', () => {
      expect(canTransition(S.Pending, S.Committing)).toBe(true);
      expect(canTransition(S.Committing, S.Submitting)).toBe(true);
      expect(canTransition(S.Pending, S.Submitting)).toBe(false);
      expect(canTransition(S.Committing, S.InAudit)).toBe(false);
    });

    it('never goes from in_audit back to submitting, so an audit is not submitted twice', () => {
      expect(canTransition(S.InAudit, S.Submitting)).toBe(false);
      expect(canTransition(S.Delayed, S.Submitting)).toBe(false);
    });

    it('lets a privacy scan wait return to submitting, not to committing', () => {
      expect(canTransition(S.WaitingPrivacyScan, S.Submitting)).toBe(true);
      expect(canTransition(S.WaitingPrivacyScan, S.Committing)).toBe(false);
    });

    it('fails or cancels any unfinished target but no finished one', () => {
      expect(canTransition(S.InAudit, S.Failed)).toBe(true);
      expect(canTransition(S.WaitingQuota, S.Cancelled)).toBe(true);
      expect(canTransition(S.Released, S.Failed)).toBe(false);
      expect(canTransition(S.Skipped, S.Cancelled)).toBe(false);
    });

    it('moves a gray target step by step and on to released', () => {
      expect(canTransition(S.Releasing, S.Gray)).toBe(true);
      expect(canTransition(S.Gray, S.Gray)).toBe(true);
      expect(canTransition(S.Gray, S.Released)).toBe(true);
    });
  });

  describe('isRetryable', () => {
    it('allows retry of failed and rejected targets only', () => {
      expect(isRetryable(S.Failed)).toBe(true);
      expect(isRetryable(S.Rejected)).toBe(true);
      expect(isRetryable(S.Released)).toBe(false);
      expect(isRetryable(S.InAudit)).toBe(false);
    });
  });

  describe('isTargetState', () => {
    it('accepts stored values and refuses others', () => {
      expect(isTargetState('waiting_quota')).toBe(true);
      expect(isTargetState('WAITING_QUOTA')).toBe(false);
      expect(isTargetState(undefined)).toBe(false);
    });
  });
});
