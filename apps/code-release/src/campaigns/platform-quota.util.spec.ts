import { claimDecision, mustReread, settlementOf, type PlatformQuotaRow } from './platform-quota.util';

const timings = { staleSeconds: 60, exhaustedRecheckSeconds: 5, inFlightSeconds: 30 };
const row = (over: Partial<PlatformQuotaRow> = {}): PlatformQuotaRow => ({
  rest: 10,
  usedSinceRead: 0,
  reservedInFlight: 0,
  readAgeSeconds: 1,
  lastClaimAgeSeconds: null,
  ...over,
});

describe('platform quota claims', () => {
  it('grants while rest − used − reserve ≥ 1 and says what is left', () => {
    expect(claimDecision(row({ usedSinceRead: 7 }), 2)).toEqual({ granted: true, left: 0 });
    expect(claimDecision(row({ usedSinceRead: 8 }), 2)).toEqual({
      granted: false,
      waitReason: 'quota_reserve',
    });
    expect(claimDecision(row({ usedSinceRead: 10 }), 0)).toEqual({
      granted: false,
      waitReason: 'quota_exhausted',
    });
    expect(claimDecision(row({ rest: 0 }), 0)).toEqual({ granted: false, waitReason: 'quota_exhausted' });
  });

  it('reads queryquota first when it never did, or the reading is stale and nothing is in flight', () => {
    expect(mustReread(row({ readAgeSeconds: null }), 0, timings)).toBe(true);
    expect(mustReread(row({ readAgeSeconds: 59 }), 0, timings)).toBe(false);
    expect(mustReread(row({ readAgeSeconds: 60 }), 0, timings)).toBe(true);
  });

  it('keeps a stale reading while a claimed submit is unanswered, unless that claim is long over', () => {
    const inFlight = { readAgeSeconds: 600, reservedInFlight: 1, usedSinceRead: 1 };
    expect(mustReread(row({ ...inFlight, lastClaimAgeSeconds: 2 }), 0, timings)).toBe(false);
    expect(mustReread(row({ ...inFlight, lastClaimAgeSeconds: 30 }), 0, timings)).toBe(true);
  });

  it('re-reads sooner when no quota is left (the month may have rolled over)', () => {
    expect(mustReread(row({ rest: 0, readAgeSeconds: 5 }), 0, timings)).toBe(true);
    expect(mustReread(row({ rest: 3, readAgeSeconds: 5 }), 3, timings)).toBe(true);
    expect(mustReread(row({ rest: 0, readAgeSeconds: 4 }), 0, timings)).toBe(false);
  });

  it('settles a submit by its answer: accepted spends, 85085 empties, a refusal refunds, no answer stays counted', () => {
    expect(settlementOf(0)).toBe('spent');
    expect(settlementOf(85085)).toBe('exhausted');
    expect(settlementOf(85008)).toBe('refunded');
    expect(settlementOf(61039)).toBe('refunded');
    expect(settlementOf(-1)).toBe('unknown');
    expect(settlementOf(undefined)).toBe('unknown');
  });
});
