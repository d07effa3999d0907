import { describe, expect, it } from 'vitest';

import { applicableTargets, chosenTargetsBody, enabledActions, outcomeCounts } from './campaign-actions';

const enabled = (status: string, counts: Record<string, number>) =>
  Object.entries(enabledActions(status, counts))
    .filter(([, on]) => on)
    .map(([action]) => action)
    .sort();

describe('enabledActions', () => {
  it('running: pause and cancel; target actions follow the counts', () => {
    expect(enabled('running', { pending: 5 })).toEqual(['approve', 'cancel', 'pause']);
    expect(enabled('running', { in_audit: 2, gray: 1, released: 3, failed: 1 })).toEqual([
      'approve',
      'cancel',
      'grayAdvance',
      'grayRevert',
      'pause',
      'retry',
      'revert',
      'speedup',
    ]);
  });

  it('paused: resume instead of pause', () => {
    const actions = enabledActions('paused', { pending: 1 });
    expect(actions.resume).toBe(true);
    expect(actions.pause).toBe(false);
    expect(actions.cancel).toBe(true);
  });

  it('finished: no pause/resume/cancel; retry of rejected and revert of released remain', () => {
    expect(enabled('finished', { released: 10, rejected: 2 })).toEqual(['retry', 'revert']);
    expect(enabled('finished', { released: 0, skipped: 3 })).toEqual([]);
  });

  it('cancelled: only revert (code-release refuses the rest on a cancelled campaign)', () => {
    expect(enabled('cancelled', { released: 1, failed: 2, in_audit: 1, gray: 1, cancelled: 4 })).toEqual([
      'revert',
    ]);
  });

  it('speedup counts delayed audits too; approve counts approved targets', () => {
    expect(enabledActions('running', { delayed: 1 }).speedup).toBe(true);
    expect(applicableTargets('approve', { approved: 2, released: 5, gray: 1 })).toBe(2);
    expect(applicableTargets('retry', { failed: 2, rejected: 3 })).toBe(5);
  });
});

describe('chosenTargetsBody', () => {
  it('sends nothing when no target is chosen (the operation takes every one it applies to)', () => {
    expect(chosenTargetsBody([])).toEqual({});
  });

  it('sends the chosen appids once each', () => {
    expect(chosenTargetsBody(['wx1', 'wx2', 'wx1'])).toEqual({ authorizerAppids: ['wx1', 'wx2'] });
  });
});

describe('outcomeCounts', () => {
  it('counts the outcomes of the reply', () => {
    expect(
      outcomeCounts([
        { outcome: 'done' },
        { outcome: 'busy' },
        { outcome: 'done' },
        { outcome: 'not_applicable' },
      ]),
    ).toEqual({ done: 2, busy: 1, not_applicable: 1 });
  });
});
