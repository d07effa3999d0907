import { nextQuotaMonth, shouldSpeedup, submitAllowance, undoAllowed } from './quota.util';

describe('quota', () => {
  describe('submitAllowance', () => {
    it('allows everything wanted while rest − reserve covers it', () => {
      expect(submitAllowance({ rest: 100 }, 10, 50)).toEqual({ allowed: 50 });
    });

    it('never goes beyond rest − reserve and says the reserve holds the others', () => {
      expect(submitAllowance({ rest: 15 }, 5, 30)).toEqual({ allowed: 10, waitReason: 'quota_reserve' });
    });

    it('counts submits in flight against the quota', () => {
      expect(submitAllowance({ rest: 10 }, 0, 30, 4)).toEqual({ allowed: 6, waitReason: 'quota_reserve' });
    });

    it('allows nothing once the quota is exhausted', () => {
      expect(submitAllowance({ rest: 0 }, 0, 3)).toEqual({ allowed: 0, waitReason: 'quota_exhausted' });
    });
  });

  describe('shouldSpeedup', () => {
    it('follows the campaign policy within speedup_rest', () => {
      expect(shouldSpeedup('never', { speedupRest: 9 }, 0)).toBe(false);
      expect(shouldSpeedup('always', { speedupRest: 1 }, 0)).toBe(true);
      expect(shouldSpeedup('always', { speedupRest: 0 }, 0)).toBe(false);
      expect(shouldSpeedup('keep_reserve', { speedupRest: 2 }, 2)).toBe(false);
      expect(shouldSpeedup('keep_reserve', { speedupRest: 3 }, 2)).toBe(true);
    });
  });

  describe('undoAllowed', () => {
    it('stops at 5 a day and 10 a month', () => {
      const limits = { perDay: 5, perMonth: 10 };
      expect(undoAllowed(4, 9, limits)).toBe(true);
      expect(undoAllowed(5, 5, limits)).toBe(false);
      expect(undoAllowed(0, 10, limits)).toBe(false);
    });
  });

  describe('nextQuotaMonth', () => {
    it('is midnight of the first day of the next month on WeChat’s clock (UTC+8)', () => {
      expect(nextQuotaMonth(new Date('2026-12-01T22:00:00Z')).toISOString()).toBe('2026-12-31T16:00:00.000Z');
      expect(nextQuotaMonth(new Date('2026-12-31T17:00:00Z')).toISOString()).toBe('2027-01-31T16:00:00.000Z');
    });
  });
});
