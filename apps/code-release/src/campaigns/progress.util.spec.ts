import { campaignProgress, finalCounts, isCampaignFinished, stateCounts } from './progress.util';

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
