import {
  canaryDecision,
  grayStepsProblems,
  inReleaseWindow,
  nextGrayMove,
  nextWindowOpening,
  shouldAutoPause,
} from './campaign-policy.util';

describe('campaign policy', () => {
  describe('canaryDecision', () => {
    const policy = { size: 5, maxRejectionRate: 0.2 };

    it('is open when the campaign has no canary', () => {
      expect(
        canaryDecision({ size: 0, maxRejectionRate: 0 }, { submitted: 0, approved: 0, rejected: 0 }),
      ).toEqual({ kind: 'open' });
    });

    it('submits only the canary targets first', () => {
      expect(canaryDecision(policy, { submitted: 2, approved: 0, rejected: 0 })).toEqual({
        kind: 'hold',
        submitMore: 3,
      });
    });

    it('waits for every canary result before opening', () => {
      expect(canaryDecision(policy, { submitted: 5, approved: 4, rejected: 0 })).toEqual({
        kind: 'hold',
        submitMore: 0,
      });
      expect(canaryDecision(policy, { submitted: 5, approved: 4, rejected: 1 })).toEqual({ kind: 'open' });
    });

    it('stops as soon as rejections exceed the threshold whatever the rest bring', () => {
      expect(canaryDecision(policy, { submitted: 5, approved: 0, rejected: 2 })).toEqual({
        kind: 'stop',
        rejectionRate: 1,
      });
    });
  });

  describe('shouldAutoPause', () => {
    it('pauses when the rejection rate passes the threshold after enough results', () => {
      const policy = { maxRejectionRate: 0.1, minResults: 10 };
      expect(shouldAutoPause(policy, { submitted: 20, approved: 3, rejected: 3 })).toBe(false);
      expect(shouldAutoPause(policy, { submitted: 20, approved: 8, rejected: 2 })).toBe(true);
      expect(shouldAutoPause(policy, { submitted: 20, approved: 9, rejected: 1 })).toBe(false);
      expect(shouldAutoPause({ minResults: 1 }, { submitted: 20, approved: 0, rejected: 20 })).toBe(false);
    });
  });

  describe('inReleaseWindow', () => {
    const beijingNight = { startHour: 22, endHour: 6, utcOffsetMinutes: 480 };

    it('is always open without a window', () => {
      expect(inReleaseWindow(new Date('2026-12-01T12:00:00Z'), null)).toBe(true);
    });

    it('handles a window across midnight on the window’s clock', () => {
      expect(inReleaseWindow(new Date('2026-12-01T15:00:00Z'), beijingNight)).toBe(true); // 23:00 Beijing
      expect(inReleaseWindow(new Date('2026-12-01T21:59:00Z'), beijingNight)).toBe(true); // 05:59
      expect(inReleaseWindow(new Date('2026-12-01T22:00:00Z'), beijingNight)).toBe(false); // 06:00
    });

    it('names the next opening', () => {
      expect(nextWindowOpening(new Date('2026-12-01T02:00:00Z'), beijingNight).toISOString()).toBe(
        '2026-12-01T14:00:00.000Z',
      );
      const open = new Date('2026-12-01T15:00:00Z');
      expect(nextWindowOpening(open, beijingNight)).toBe(open);
    });
  });

  describe('gray steps', () => {
    const steps = [
      { percentage: 5, waitSeconds: 60, experiencerFirst: true },
      { percentage: 50, waitSeconds: null },
    ];

    it('accepts rising steps and refuses falling or out-of-range ones', () => {
      expect(grayStepsProblems(steps)).toEqual([]);
      expect(
        grayStepsProblems([
          { percentage: 50, waitSeconds: 0 },
          { percentage: 50, waitSeconds: 0 },
          { percentage: 101, waitSeconds: -1 },
        ]),
      ).toEqual([
        'grayRelease.steps[1].percentage: must be higher than the step before',
        'grayRelease.steps[2].percentage: must be an integer 1..100',
        'grayRelease.steps[2].waitSeconds: must be a non-negative integer or null',
      ]);
    });

    it('goes to the next step, then to full release', () => {
      expect(nextGrayMove(steps, 0)).toEqual({ kind: 'step', index: 1 });
      expect(nextGrayMove(steps, 1)).toEqual({ kind: 'release' });
    });
  });
});
