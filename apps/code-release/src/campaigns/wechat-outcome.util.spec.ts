import { TargetStates as S } from './target-state';
import { commitOutcome, releaseOutcome, submitOutcome } from './wechat-outcome.util';

describe('WeChat outcomes', () => {
  describe('submitOutcome', () => {
    it('moves to in_audit on success', () => {
      expect(submitOutcome(0)).toEqual({ kind: 'advance', to: S.InAudit });
    });

    it('reconciles 85009 to adopt the audit in flight instead of submitting again', () => {
      expect(submitOutcome(85009)).toEqual({ kind: 'reconcile' });
    });

    it('waits on 61039 in waiting_privacy_scan (no new commit) and on 85085 in waiting_quota', () => {
      expect(submitOutcome(61039)).toEqual({
        kind: 'wait',
        to: S.WaitingPrivacyScan,
        reason: 'privacy_scan_running',
      });
      expect(submitOutcome(85085)).toEqual({ kind: 'wait', to: S.WaitingQuota, reason: 'quota_exhausted' });
    });

    it('fails with a readable reason on what only the merchant can fix', () => {
      expect(submitOutcome(86002)).toEqual({ kind: 'fail', reason: 'profile_not_set' });
      expect(submitOutcome(61040)).toEqual({ kind: 'fail', reason: 'privacy_api_undeclared' });
      expect(submitOutcome(85077)).toEqual({ kind: 'fail', reason: 'submit_audit_85077' });
    });
  });

  describe('releaseOutcome', () => {
    it('counts 85052 as released', () => {
      expect(releaseOutcome(85052)).toEqual({ kind: 'advance', to: S.Released });
    });

    it('reconciles 85019 and 85020 rather than failing', () => {
      expect(releaseOutcome(85019)).toEqual({ kind: 'reconcile' });
      expect(releaseOutcome(85020)).toEqual({ kind: 'reconcile' });
    });
  });

  describe('commitOutcome', () => {
    it('fails with template_not_found when the template was deleted', () => {
      expect(commitOutcome(85064)).toEqual({ kind: 'fail', reason: 'template_not_found' });
    });

    it('retries -1 later', () => {
      expect(commitOutcome(-1)).toEqual({ kind: 'wait', to: S.Committing, reason: 'wechat_busy' });
    });
  });
});
