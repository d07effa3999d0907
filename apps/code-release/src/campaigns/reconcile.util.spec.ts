import { mayResubmit, reconcile, type WechatVersionView } from './reconcile.util';
import { TargetStates as S } from './target-state';

describe('reconcile', () => {
  const nothing: WechatVersionView = { trialVersion: null, onlineVersion: '1.0.0', latestAudit: null };

  it('finds a released target released, whatever step it was claimed in', () => {
    expect(reconcile(S.Submitting, '1.1.0', { ...nothing, onlineVersion: '1.1.0' })).toEqual({
      kind: 'resume',
      state: S.Released,
    });
  });

  it('repeats a commit that left no trial version', () => {
    expect(reconcile(S.Committing, '1.1.0', nothing)).toEqual({ kind: 'repeat' });
  });

  it('goes on to the privacy scan after a commit that reached WeChat', () => {
    expect(reconcile(S.Committing, '1.1.0', { ...nothing, trialVersion: '1.1.0' })).toEqual({
      kind: 'resume',
      state: S.WaitingPrivacyScan,
    });
  });

  it('adopts our audit in flight after a crash during submit', () => {
    const view = {
      ...nothing,
      trialVersion: '1.1.0',
      latestAudit: { auditId: 7, status: 2, userVersion: '1.1.0' },
    };
    expect(reconcile(S.Submitting, '1.1.0', view)).toEqual({ kind: 'resume', state: S.InAudit, auditId: 7 });
    expect(mayResubmit('1.1.0', view)).toBe(false);
  });

  it('does not adopt an older version’s audit', () => {
    const view = {
      ...nothing,
      trialVersion: '1.1.0',
      latestAudit: { auditId: 6, status: 0, userVersion: '1.0.0' },
    };
    expect(reconcile(S.Submitting, '1.1.0', view)).toEqual({ kind: 'repeat' });
    expect(mayResubmit('1.1.0', view)).toBe(true);
  });

  it('carries reason and screenshots of a rejection found by reconciliation', () => {
    const view = {
      ...nothing,
      latestAudit: { auditId: 8, status: 1, userVersion: '1.1.0', reason: 'bad', screenshots: ['m1'] },
    };
    expect(reconcile(S.Submitting, '1.1.0', view)).toEqual({
      kind: 'resume',
      state: S.Rejected,
      auditId: 8,
      reason: 'bad',
      screenshots: ['m1'],
    });
  });

  it('repeats a release whose approved audit is not online yet (85020 while approved)', () => {
    const view = { ...nothing, latestAudit: { auditId: 9, status: 0, userVersion: '1.1.0' } };
    expect(reconcile(S.Releasing, '1.1.0', view)).toEqual({ kind: 'repeat' });
  });

  it('fails a release when WeChat knows no approved version of ours (85019 then 85058)', () => {
    expect(reconcile(S.Releasing, '1.1.0', nothing)).toEqual({
      kind: 'resume',
      state: S.Failed,
      reason: 'no_approved_version',
    });
  });

  it('lets a withdrawn audit be submitted again', () => {
    expect(
      mayResubmit('1.1.0', { ...nothing, latestAudit: { auditId: 5, status: 3, userVersion: '1.1.0' } }),
    ).toBe(true);
  });
});
