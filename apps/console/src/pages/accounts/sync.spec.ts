import { describe, expect, it } from 'vitest';

import type { SchemaSyncRunDto } from '../../api/schema';
import { syncProgress, syncRunning } from './sync';

const START = '2025-01-01T00:00:00.000Z';
function run(over: Partial<SchemaSyncRunDto>): SchemaSyncRunDto {
  return {
    syncId: 's1',
    componentAppid: 'wxc',
    trigger: 'operator',
    status: 'running',
    complete: false,
    totalCount: 1000,
    listed: 0,
    discovered: 0,
    handedOver: 0,
    profilesRefreshed: 0,
    markedUnauthorized: 0,
    withoutRefreshToken: 0,
    failed: 0,
    listCalls: 0,
    infoCalls: 0,
    error: null,
    startedAt: START,
    finishedAt: null,
    ...over,
  };
}

describe('syncProgress', () => {
  it('tells the share listed and the time left at the pace so far', () => {
    const progress = syncProgress(run({ listed: 250 }), Date.parse(START) + 10_000);
    expect(progress.percent).toBe(25);
    expect(progress.etaSeconds).toBeCloseTo(30);
    expect(progress.status).toBe('active');
  });

  it('never shows a running sync as complete', () => {
    expect(syncProgress(run({ listed: 1000 }), Date.parse(START) + 5_000).percent).toBe(99);
  });

  it('has no percent nor ETA before the total is known or anything is listed', () => {
    expect(syncProgress(run({ totalCount: null }), Date.parse(START) + 5_000)).toMatchObject({
      percent: undefined,
      etaSeconds: undefined,
    });
    expect(syncProgress(run({ listed: 0 }), Date.parse(START) + 5_000).etaSeconds).toBeUndefined();
  });

  it('maps finished runs to a final status', () => {
    expect(syncProgress(run({ status: 'succeeded', listed: 1000, complete: true }))).toMatchObject({
      percent: 100,
      status: 'success',
      etaSeconds: undefined,
    });
    expect(syncProgress(run({ status: 'failed', listed: 400 })).status).toBe('exception');
    expect(syncProgress(run({ status: 'partial', listed: 400 }))).toMatchObject({
      percent: 40,
      status: 'normal',
    });
  });
});

describe('syncRunning', () => {
  it('is true only while the run is running', () => {
    expect(syncRunning(run({}))).toBe(true);
    expect(syncRunning(run({ status: 'partial' }))).toBe(false);
    expect(syncRunning(undefined)).toBe(false);
  });
});
