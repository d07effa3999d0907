import { describe, expect, it } from 'vitest';

import {
  addSample,
  doneCount,
  etaSeconds,
  formatRate,
  percentOf,
  pollInterval,
  recentThroughput,
  secondsUntil,
  stateBars,
} from './campaign-progress';

describe('percentOf', () => {
  it('is a share with one decimal, 0 without a total, at most 100', () => {
    expect(percentOf(1, 3)).toBe(33.3);
    expect(percentOf(2, 3)).toBe(66.7);
    expect(percentOf(5, 0)).toBe(0);
    expect(percentOf(0, 10)).toBe(0);
    expect(percentOf(12, 10)).toBe(100);
  });
});

describe('stateBars', () => {
  it('lists the states that have targets in the order targets move, with their share of the total', () => {
    expect(stateBars({ released: 6, pending: 2, failed: 0, in_audit: 2 }, 10)).toEqual([
      { state: 'pending', count: 2, percent: 20 },
      { state: 'in_audit', count: 2, percent: 20 },
      { state: 'released', count: 6, percent: 60 },
    ]);
  });

  it('uses the counts’ sum without a total and keeps an unknown state after the known ones', () => {
    expect(stateBars({ zz_new: 1, pending: 3 })).toEqual([
      { state: 'pending', count: 3, percent: 75 },
      { state: 'zz_new', count: 1, percent: 25 },
    ]);
  });
});

describe('doneCount', () => {
  it('counts final states only', () => {
    expect(
      doneCount({
        released: 3,
        reverted: 1,
        rejected: 1,
        failed: 2,
        cancelled: 1,
        skipped: 1,
        gray: 4,
        pending: 9,
      }),
    ).toBe(9);
  });
});

describe('throughput', () => {
  it('is the done targets per minute between the first and last sample', () => {
    const samples = [
      { at: 0, done: 10 },
      { at: 30_000, done: 25 },
      { at: 60_000, done: 40 },
    ];
    expect(recentThroughput(samples)).toBe(30);
  });

  it('is null with one sample or a span under the minimum, and never negative', () => {
    expect(recentThroughput([{ at: 0, done: 1 }])).toBeNull();
    expect(
      recentThroughput([
        { at: 0, done: 1 },
        { at: 5_000, done: 3 },
      ]),
    ).toBeNull();
    expect(
      recentThroughput([
        { at: 0, done: 5 },
        { at: 20_000, done: 5 },
      ]),
    ).toBe(0);
  });

  it('keeps a sliding window of samples, drops a repeated time, restarts after a drop', () => {
    let samples = addSample([], { at: 0, done: 0 }, 60_000);
    samples = addSample(samples, { at: 30_000, done: 10 }, 60_000);
    samples = addSample(samples, { at: 30_000, done: 11 }, 60_000);
    expect(samples).toEqual([
      { at: 0, done: 0 },
      { at: 30_000, done: 11 },
    ]);
    samples = addSample(samples, { at: 90_000, done: 20 }, 60_000);
    expect(samples.map((s) => s.at)).toEqual([30_000, 90_000]);
    samples = addSample(samples, { at: 92_000, done: 2 }, 60_000);
    expect(samples).toEqual([{ at: 92_000, done: 2 }]);
  });
});

describe('ETA', () => {
  it('is the time left at the rate, 0 when nothing is left, null when nothing moves', () => {
    expect(etaSeconds(60, 30)).toBe(120);
    expect(etaSeconds(0, 0)).toBe(0);
    expect(etaSeconds(10, 0)).toBeNull();
    expect(etaSeconds(10, null)).toBeNull();
  });

  it('reads the API’s etaAt against now', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(secondsUntil('2026-01-01T00:01:30Z', now)).toBe(90);
    expect(secondsUntil('2025-12-31T23:59:00Z', now)).toBe(0);
    expect(secondsUntil(null, now)).toBeNull();
    expect(secondsUntil('not a date', now)).toBeNull();
  });

  it('formats rates by size', () => {
    expect(formatRate(1.234)).toBe('1.23');
    expect(formatRate(12.34)).toBe('12.3');
    expect(formatRate(123.6)).toBe('124');
    expect(formatRate(null)).toBe('—');
  });
});

describe('pollInterval', () => {
  it('polls every 2 s while running or paused, or while an operation runs', () => {
    expect(pollInterval('running')).toBe(2000);
    expect(pollInterval('paused')).toBe(2000);
    expect(pollInterval('finished')).toBe(false);
    expect(pollInterval('cancelled')).toBe(false);
    expect(pollInterval('finished', true)).toBe(2000);
    expect(pollInterval(undefined)).toBe(false);
  });
});
