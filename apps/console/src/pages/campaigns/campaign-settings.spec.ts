import { describe, expect, it } from 'vitest';

import { grayPlanText, releaseWindowText } from './campaign-settings';

describe('releaseWindowText', () => {
  it('shows the hours and the zone of the window', () => {
    expect(releaseWindowText({ startHour: 9, endHour: 18, utcOffsetMinutes: 480 })).toBe('09:00–18:00 UTC+8');
    expect(releaseWindowText({ startHour: 0, endHour: 24, utcOffsetMinutes: -330 })).toBe(
      '00:00–24:00 UTC−5:30',
    );
  });

  it('is undefined without a window (any hour)', () => {
    expect(releaseWindowText(null)).toBeUndefined();
    expect(releaseWindowText(undefined)).toBeUndefined();
  });
});

describe('grayPlanText', () => {
  it("lists each step's share and wait, a step without wait waiting for the operator", () => {
    expect(
      grayPlanText(
        {
          steps: [
            { percentage: 10, waitSeconds: 3600 },
            { percentage: 50, waitSeconds: null },
          ],
        },
        'manual',
      ),
    ).toBe('10% (1h 00m) → 50% (manual)');
  });
});
