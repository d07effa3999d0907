import {
  afterFailure,
  MAX_BACKOFF_MS,
  waitBeforeTry,
  type ThrottleRules,
  type ThrottleState,
} from './login-throttle.util';

const rules: ThrottleRules = {
  freeAttempts: 3,
  backoffBaseMs: 1000,
  maxFailures: 6,
  windowSeconds: 900,
  lockoutSeconds: 600,
};
const t0 = new Date('2026-12-01T10:00:00.000Z');
const at = (ms: number) => new Date(t0.getTime() + ms);

function failTimes(count: number, stepMs = 0): ThrottleState | undefined {
  let state: ThrottleState | undefined;
  for (let i = 0; i < count; i++) state = afterFailure(state, rules, at(i * stepMs));
  return state;
}

describe('login throttling', () => {
  it('lets the free attempts through at once', () => {
    expect(waitBeforeTry(undefined, rules, t0)).toBe(0);
    expect(waitBeforeTry(failTimes(2), rules, t0)).toBe(0);
  });

  it('makes each try after the free ones wait, doubling, up to the cap', () => {
    const three = failTimes(3)!;
    expect(waitBeforeTry(three, rules, t0)).toBe(1000);
    expect(waitBeforeTry(three, rules, at(400))).toBe(600);
    expect(waitBeforeTry(three, rules, at(1000))).toBe(0);
    const five = failTimes(5)!;
    expect(waitBeforeTry(five, rules, t0)).toBe(4000);
    const many = { ...five, failures: 40, lockedUntil: null };
    expect(waitBeforeTry(many, rules, t0)).toBe(MAX_BACKOFF_MS);
  });

  it('locks at maxFailures for the lockout, whatever the tries meanwhile', () => {
    const locked = failTimes(6)!;
    expect(locked.lockedUntil).toEqual(at(600_000));
    expect(waitBeforeTry(locked, rules, at(1000))).toBe(599_000);
    const triedAgain = afterFailure(locked, rules, at(2000));
    expect(triedAgain.lockedUntil).toEqual(at(600_000));
    expect(triedAgain.failures).toBe(7);
  });

  it('starts counting anew once the window is over and no lock holds', () => {
    const two = failTimes(2)!;
    const later = afterFailure(two, rules, at(900_000));
    expect(later.failures).toBe(1);
    expect(later.windowStartedAt).toEqual(at(900_000));
    expect(waitBeforeTry(failTimes(5), rules, at(900_000))).toBe(0);
  });
});
