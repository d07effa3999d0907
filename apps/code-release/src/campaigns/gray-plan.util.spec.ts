import {
  autoAdvance,
  grayCall,
  grayStepAlreadyMade,
  nextGrayMove,
  parseGrayPlan,
  stepDueSeconds,
} from './gray-plan.util';

describe('gray plan', () => {
  describe(parseGrayPlan.name, () => {
    it('accepts rising percentages with waits or operator steps', () => {
      const { plan, problems } = parseGrayPlan({
        steps: [
          { percentage: 5, waitSeconds: 60 },
          { percentage: 50, waitSeconds: null },
          { percentage: 100, waitSeconds: 0 },
        ],
        experiencerFirst: true,
      });
      expect(problems).toEqual([]);
      expect(plan).toEqual({
        steps: [
          { percentage: 5, waitSeconds: 60 },
          { percentage: 50, waitSeconds: null },
          { percentage: 100, waitSeconds: 0 },
        ],
        experiencerFirst: true,
        debuggerFirst: false,
      });
    });

    it('names every bad field: out of range, not rising, 0 without a first flag, bad waits, unknown fields', () => {
      const { problems } = parseGrayPlan({
        steps: [
          { percentage: 0, waitSeconds: 10 },
          { percentage: 30, waitSeconds: -1 },
          { percentage: 30, waitSeconds: 5 },
          { percentage: 101, waitSeconds: 1.5, extra: 1 },
        ],
        debugerFirst: true,
      });
      expect(problems).toEqual([
        'unknown field gray.debugerFirst',
        'gray.steps[0].percentage may be 0 only as the first step with experiencerFirst or debuggerFirst',
        'gray.steps[1].waitSeconds must be an integer 0..2592000 or null (wait for gray.advance)',
        'gray.steps[2].percentage must be higher than the step before (30)',
        'unknown field gray.steps[3].extra',
        'gray.steps[3].percentage must be an integer 1..100',
        'gray.steps[3].waitSeconds must be an integer 0..2592000 or null (wait for gray.advance)',
      ]);
    });

    it('allows 0 as the first step with debuggerFirst, never later', () => {
      expect(
        parseGrayPlan({
          steps: [
            { percentage: 0, waitSeconds: 1 },
            { percentage: 10, waitSeconds: 1 },
          ],
          debuggerFirst: true,
        }).problems,
      ).toEqual([]);
      expect(
        parseGrayPlan({
          steps: [
            { percentage: 5, waitSeconds: 1 },
            { percentage: 0, waitSeconds: 1 },
          ],
          debuggerFirst: true,
        }).problems,
      ).toEqual([
        'gray.steps[1].percentage may be 0 only as the first step with experiencerFirst or debuggerFirst',
      ]);
    });

    it('refuses a missing or empty step list', () => {
      expect(parseGrayPlan({}).problems).toEqual(['gray.steps must be a list of 1..20 steps']);
      expect(parseGrayPlan({ steps: [] }).problems).toEqual(['gray.steps must be a list of 1..20 steps']);
      expect(parseGrayPlan('10%').problems).toEqual(['gray must be an object']);
    });
  });

  const plan = {
    steps: [
      { percentage: 10, waitSeconds: 30 },
      { percentage: 50, waitSeconds: null },
    ],
    experiencerFirst: false,
    debuggerFirst: true,
  };

  it('progresses step by step, then to the full release', () => {
    expect(nextGrayMove(plan, null)).toEqual({ kind: 'step', index: 0 });
    expect(nextGrayMove(plan, 0)).toEqual({ kind: 'step', index: 1 });
    expect(nextGrayMove(plan, 1)).toEqual({ kind: 'release' });
  });

  it('advances by itself only after a step with a wait', () => {
    expect(autoAdvance(plan, 0)).toEqual({ advance: true });
    expect(autoAdvance(plan, 1)).toEqual({ advance: false, recheckSeconds: 3600 });
    expect(stepDueSeconds(plan, 0)).toBe(30);
  });

  it('builds the grayrelease call of a step', () => {
    expect(grayCall(plan, 1)).toEqual({
      grayPercentage: 50,
      supportExperiencerFirst: false,
      supportDebugerFirst: true,
    });
  });

  it('reads 85082 as made only when WeChat’s running plan is at or past the step', () => {
    const current = (status: number, grayPercentage: number) => ({
      status,
      grayPercentage,
      createTimestamp: 1,
      supportExperiencerFirst: false,
      supportDebugerFirst: true,
    });
    expect(grayStepAlreadyMade(plan, 0, current(1, 10))).toBe(true);
    expect(grayStepAlreadyMade(plan, 1, current(1, 10))).toBe(false);
    expect(grayStepAlreadyMade(plan, 0, current(4, 10))).toBe(false);
  });
});
