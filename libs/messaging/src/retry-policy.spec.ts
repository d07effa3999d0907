import {
  DEFAULT_RETRY_POLICY,
  delayAfterAttempt,
  delayLadder,
  delayQueueOf,
  isLastAttempt,
  nextRetry,
  resolveRetryPolicy,
} from './retry-policy';

const HOUR = 3_600_000;

describe('RetryPolicy', () => {
  describe(resolveRetryPolicy.name, () => {
    it('defaults to 5 s doubling up to 10 min for 24 h, with jitter', () => {
      expect(resolveRetryPolicy(undefined)).toEqual({
        initialDelayMs: 5000,
        multiplier: 2,
        maxDelayMs: 600_000,
        maxTotalMs: 24 * HOUR,
        jitter: 0.2,
      });
    });

    it('lets a consumer override single fields and ignores undefined ones', () => {
      expect(resolveRetryPolicy({ initialDelayMs: 1000, maxDelayMs: undefined })).toMatchObject({
        initialDelayMs: 1000,
        maxDelayMs: 600_000,
      });
    });

    it('refuses a policy that cannot work, naming every problem', () => {
      expect(() => resolveRetryPolicy({ initialDelayMs: 0, multiplier: 0.5, jitter: 1 })).toThrow(
        /initialDelayMs must be at least 1; multiplier must be at least 1; jitter must be in \[0, 1\)/,
      );
      expect(() => resolveRetryPolicy({ initialDelayMs: 10_000, maxDelayMs: 5000 })).toThrow(/maxDelayMs/);
      expect(() => resolveRetryPolicy({ maxAttempts: 0 })).toThrow(/maxAttempts/);
    });
  });

  describe(delayAfterAttempt.name, () => {
    it('doubles from the first delay and stops at the cap', () => {
      const delays = [1, 2, 3, 4, 5, 8, 9, 10, 50].map((attempt) =>
        delayAfterAttempt(DEFAULT_RETRY_POLICY, attempt),
      );
      expect(delays).toEqual([5000, 10_000, 20_000, 40_000, 80_000, 600_000, 600_000, 600_000, 600_000]);
    });
  });

  describe(delayLadder.name, () => {
    it('lists each distinct step once: one delay queue each', () => {
      expect(delayLadder(DEFAULT_RETRY_POLICY)).toEqual([
        5000, 10_000, 20_000, 40_000, 80_000, 160_000, 320_000, 600_000,
      ]);
      expect(delayLadder(resolveRetryPolicy({ initialDelayMs: 1000, maxDelayMs: 1000 }))).toEqual([1000]);
    });
  });

  describe(nextRetry.name, () => {
    const start = Date.UTC(2026, 11, 1);

    it('waits in the step’s queue, with its own expiration jittered below the step', () => {
      expect(
        nextRetry(DEFAULT_RETRY_POLICY, { attempt: 3, firstFailedAt: start, now: start }, () => 0),
      ).toEqual({
        queueDelayMs: 20_000,
        expirationMs: 20_000,
      });
      expect(
        nextRetry(DEFAULT_RETRY_POLICY, { attempt: 3, firstFailedAt: start, now: start }, () => 0.999),
      ).toEqual({
        queueDelayMs: 20_000,
        expirationMs: 16_004,
      });
    });

    it('keeps retrying an outage of many hours, every 10 min at most, and gives up after 24 h', () => {
      let now = start;
      let attempt = 1;
      const waits: number[] = [];
      for (;;) {
        const retry = nextRetry(DEFAULT_RETRY_POLICY, { attempt, firstFailedAt: start, now }, () => 0.5);
        if (!retry) break;
        waits.push(retry.expirationMs);
        now += retry.expirationMs;
        attempt++;
      }
      expect(now - start).toBeGreaterThanOrEqual(24 * HOUR);
      expect(now - start).toBeLessThan(24 * HOUR + 600_000);
      expect(Math.max(...waits)).toBeLessThanOrEqual(600_000);
      expect(attempt).toBeGreaterThan(140);
      expect(attempt).toBeLessThan(200);
    });

    it('gives up at maxAttempts when one is set', () => {
      const policy = resolveRetryPolicy({ maxAttempts: 3 });
      expect(nextRetry(policy, { attempt: 2, firstFailedAt: start, now: start })).toBeDefined();
      expect(nextRetry(policy, { attempt: 3, firstFailedAt: start, now: start })).toBeUndefined();
    });
  });

  describe(isLastAttempt.name, () => {
    it('is true once the budget since the first failure is spent', () => {
      const policy = resolveRetryPolicy({ maxTotalMs: 60_000 });
      expect(isLastAttempt(policy, { attempt: 9, firstFailedAt: 0, now: 59_999 })).toBe(false);
      expect(isLastAttempt(policy, { attempt: 9, firstFailedAt: 0, now: 60_000 })).toBe(true);
    });
  });

  describe(delayQueueOf.name, () => {
    it('names the delay queue after its step in readable units', () => {
      expect(delayQueueOf('token.component-pushes', 5000)).toBe('token.component-pushes.retry.5s');
      expect(delayQueueOf('q', 600_000)).toBe('q.retry.10m');
      expect(delayQueueOf('q', 3_600_000)).toBe('q.retry.1h');
      expect(delayQueueOf('q', 150)).toBe('q.retry.150ms');
      expect(delayQueueOf('q', 1500)).toBe('q.retry.1500ms');
    });
  });
});
