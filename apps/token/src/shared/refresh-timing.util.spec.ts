import { refreshInSeconds, retryInSeconds } from './refresh-timing.util';

describe(refreshInSeconds.name, () => {
  it('refreshes lead plus a random part of spread before expiry', () => {
    expect(refreshInSeconds(7200, 900, 600, 0)).toBe(6300);
    expect(refreshInSeconds(7200, 900, 600, 0.5)).toBe(6000);
    expect(refreshInSeconds(7200, 900, 600, 0.999)).toBe(5700);
  });

  it('shrinks lead and spread on short lifetimes so a token is at least a quarter through its life', () => {
    for (const random of [0, 0.5, 0.999]) {
      const due = refreshInSeconds(20, 900, 600, random);
      expect(due).toBeGreaterThanOrEqual(5);
      expect(due).toBeLessThan(20);
    }
  });

  it('never answers less than one second', () => {
    expect(refreshInSeconds(1, 900, 600, 0.999)).toBe(1);
  });
});

describe(retryInSeconds.name, () => {
  it('backs off exponentially up to five minutes', () => {
    expect([0, 1, 2, 3].map(retryInSeconds)).toEqual([2, 4, 8, 16]);
    expect(retryInSeconds(20)).toBe(300);
  });
});
