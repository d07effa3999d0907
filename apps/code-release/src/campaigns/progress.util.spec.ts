import {
  campaignProgress,
  campaignQuota,
  finalCounts,
  isCampaignFinished,
  stateCounts,
} from './progress.util';

describe('progress', () => {
  it('counts every state and estimates the end from throughput', () => {
    const counts = stateCounts([
      { state: 'released', count: 30 },
      { state: 'in_audit', count: 60 },
      { state: 'pending', count: 10 },
    ]);
    expect(counts.failed).toBe(0);
    const progress = campaignProgress(
      counts,
      new Date('2026-12-01T10:00:00Z'),
      new Date('2026-12-01T10:10:00Z'),
    );
    expect(progress).toEqual({
      total: 100,
      done: 30,
      throughputPerMinute: 3,
      etaAt: '2026-12-01T10:33:20.000Z',
    });
    expect(isCampaignFinished(counts)).toBe(false);
  });

  it('is finished when only final states hold targets', () => {
    const counts = stateCounts([
      { state: 'released', count: 8 },
      { state: 'rejected', count: 2 },
    ]);
    expect(isCampaignFinished(counts)).toBe(true);
    expect(finalCounts(counts)).toEqual({
      released: 8,
      reverted: 0,
      rejected: 2,
      failed: 0,
      cancelled: 0,
      skipped: 0,
    });
    expect(campaignProgress(counts, new Date(0), new Date(60_000)).etaAt).toBeNull();
  });
});

describe(campaignQuota.name, () => {
  const readAt = new Date('2026-12-02T10:00:00.000Z');

  it('is null before the first queryquota reading', () => {
    expect(campaignQuota(null, 2)).toBeNull();
    expect(campaignQuota({ rest: 0, limit: 0, usedSinceRead: 0, readAt: null }, 2)).toBeNull();
  });

  it('counts the submits claimed since the reading, and keeps the reserve back from the campaign', () => {
    expect(campaignQuota({ rest: 15, limit: 20, usedSinceRead: 3, readAt }, 2)).toEqual({
      left: 12,
      limit: 20,
      reserve: 2,
      availableToCampaign: 10,
      readAt: '2026-12-02T10:00:00.000Z',
    });
    expect(campaignQuota({ rest: 3, limit: 20, usedSinceRead: 5, readAt }, 2)).toMatchObject({
      left: 0,
      availableToCampaign: 0,
    });
    expect(campaignQuota({ rest: 4, limit: 20, usedSinceRead: 2, readAt }, 5)).toMatchObject({
      left: 2,
      availableToCampaign: 0,
    });
  });
});
