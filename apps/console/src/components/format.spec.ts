import { describe, expect, it } from 'vitest';

import { formatDuration, formatTime } from './format';

describe('format', () => {
  it('shows durations at the precision an operator reads', () => {
    expect(formatDuration(12.4)).toBe('12s');
    expect(formatDuration(185)).toBe('3m 05s');
    expect(formatDuration(3 * 3600 + 120)).toBe('3h 02m');
    expect(formatDuration(-5)).toBe('0s');
    expect(formatDuration(Number.POSITIVE_INFINITY)).toBe('—');
    expect(formatDuration(null)).toBe('—');
  });

  it('shows a dash for a missing or invalid time', () => {
    expect(formatTime(null)).toBe('—');
    expect(formatTime('not a date', 'never')).toBe('never');
    expect(formatTime('2026-12-03T07:00:00Z')).toMatch(/^2026-12-03 \d{2}:00:00$/);
  });
});
