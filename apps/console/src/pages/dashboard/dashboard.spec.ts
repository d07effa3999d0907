import { describe, expect, it } from 'vitest';

import {
  authorizerTable,
  buildPushChart,
  campaignTotals,
  isUnavailable,
  secondsUntil,
  ticketState,
  tokenState,
} from './dashboard';

const NOW = '2024-05-01T08:30:42.123Z';

describe('buildPushChart', () => {
  it('has a point for every minute of the window, zero where no push came', () => {
    const chart = buildPushChart([], NOW, 60);
    expect(chart.points).toHaveLength(61);
    expect(chart.points[0]!.minute).toBe('2024-05-01T07:30:00.000Z');
    expect(chart.points[60]!.minute).toBe('2024-05-01T08:30:00.000Z');
    expect(chart.series).toEqual([]);
    expect(chart.total).toBe(0);
  });

  it('puts each count at its minute under its series key', () => {
    const chart = buildPushChart(
      [
        { minute: '2024-05-01T08:29:00Z', type: 'wechat.message.text', count: 2 },
        { minute: '2024-05-01T08:30:00.000Z', type: 'wechat.message.text', count: 5 },
        { minute: '2024-05-01T08:30:00.000Z', type: 'wechat.component.component_verify_ticket', count: 1 },
      ],
      NOW,
      60,
    );
    expect(chart.series).toEqual([
      { key: 's0', type: 'wechat.message.text', total: 7 },
      { key: 's1', type: 'wechat.component.component_verify_ticket', total: 1 },
    ]);
    expect(chart.points.at(-1)).toEqual({ minute: '2024-05-01T08:30:00.000Z', s0: 5, s1: 1 });
    expect(chart.points.at(-2)).toEqual({ minute: '2024-05-01T08:29:00.000Z', s0: 2, s1: 0 });
    expect(chart.total).toBe(8);
  });

  it('sums the quieter types into one series beyond maxTypes', () => {
    const rows = ['a', 'b', 'c', 'd'].map((type, index) => ({
      minute: '2024-05-01T08:00:00.000Z',
      type,
      count: 10 - index,
    }));
    const chart = buildPushChart(rows, NOW, 60, 3);
    expect(chart.series.map((line) => [line.key, line.type, line.total])).toEqual([
      ['s0', 'a', 10],
      ['s1', 'b', 9],
      ['other', undefined, 15],
    ]);
    const point = chart.points.find((p) => p.minute === '2024-05-01T08:00:00.000Z');
    expect(point).toMatchObject({ s0: 10, s1: 9, other: 15 });
  });

  it('keeps every type when they fit', () => {
    const rows = ['a', 'b', 'c'].map((type) => ({ minute: '2024-05-01T08:00:00.000Z', type, count: 1 }));
    expect(buildPushChart(rows, NOW, 60, 3).series.map((line) => line.key)).toEqual(['s0', 's1', 's2']);
  });

  it('ignores counts outside the window', () => {
    const chart = buildPushChart([{ minute: '2024-05-01T06:00:00.000Z', type: 'a', count: 4 }], NOW, 60);
    expect(chart.points.every((point) => point['s0'] === 0)).toBe(true);
  });
});

describe('authorizerTable and campaignTotals', () => {
  const counts = [
    { componentAppid: 'wxc1', authorizerType: 'official_account', status: 'authorized', count: 3 },
    { componentAppid: 'wxc1', authorizerType: 'mini_program', status: 'authorized', count: 2 },
    { componentAppid: 'wxc1', authorizerType: 'unknown', status: 'authorized', count: 1 },
    { componentAppid: 'wxc1', authorizerType: 'mini_program', status: 'unauthorized', count: 4 },
    { componentAppid: 'wxc2', authorizerType: 'mini_program', status: 'authorized', count: 10 },
  ] as const;

  it('counts authorizers by status and type for one component', () => {
    const table = authorizerTable([...counts], 'wxc1');
    expect(table.authorized).toEqual({ official_account: 3, mini_program: 2, unknown: 1, total: 6 });
    expect(table.unauthorized).toEqual({ official_account: 0, mini_program: 4, unknown: 0, total: 4 });
  });

  it('counts over all components without one', () => {
    expect(authorizerTable([...counts]).authorized.total).toBe(16);
  });

  it('adds campaigns up by status', () => {
    expect(
      campaignTotals([
        { componentAppid: 'a', status: 'running', count: 1 },
        { componentAppid: 'b', status: 'running', count: 2 },
        { componentAppid: 'b', status: 'finished', count: 7 },
      ]),
    ).toEqual({ running: 3, paused: 0, cancelled: 0, finished: 7 });
  });
});

describe('credential health', () => {
  it('tells a fresh ticket from a late, expired, refused or missing one', () => {
    expect(ticketState({ ticketAgeSeconds: 300 })).toBe('ok');
    expect(ticketState({ ticketAgeSeconds: 1500 })).toBe('late');
    expect(ticketState({ ticketAgeSeconds: 13 * 3600 })).toBe('expired');
    expect(
      ticketState({ ticketAgeSeconds: 10, ticketRefused: { message: 'ticket refused', errcode: 61006 } }),
    ).toBe('refused');
    expect(ticketState({})).toBe('missing');
  });

  it('tells a valid token from a failing, expired or missing one', () => {
    const now = Date.parse(NOW);
    const later = new Date(now + 3600_000).toISOString();
    const earlier = new Date(now - 1000).toISOString();
    expect(tokenState({ componentTokenExpiresAt: later, componentTokenRefreshFailures: 0 }, now)).toBe('ok');
    expect(tokenState({ componentTokenExpiresAt: later, componentTokenRefreshFailures: 2 }, now)).toBe(
      'failing',
    );
    expect(tokenState({ componentTokenExpiresAt: earlier, componentTokenRefreshFailures: 0 }, now)).toBe(
      'expired',
    );
    expect(tokenState({ componentTokenRefreshFailures: 0 }, now)).toBe('missing');
  });

  it('counts the seconds left', () => {
    const now = Date.parse(NOW);
    expect(secondsUntil(new Date(now + 90_000).toISOString(), now)).toBe(90);
    expect(secondsUntil(undefined, now)).toBeUndefined();
    expect(secondsUntil('nonsense', now)).toBeUndefined();
  });

  it('reads the unavailable sections', () => {
    expect(isUnavailable({ unavailable: ['quotaLeft'] }, 'quotaLeft')).toBe(true);
    expect(isUnavailable({ unavailable: [] }, 'quotaLeft')).toBe(false);
    expect(isUnavailable(undefined, 'quotaLeft')).toBe(false);
  });
});
