import type { AuthorizerPage, ComponentHealth, SearchAuthorizersRequest } from '@wxop/contracts';

import type { AuthorizersService } from '../authorizers/authorizers.service';
import type { ComponentsService } from '../components/components.service';
import type { DeadLettersService } from '../dead-letters/dead-letters.service';
import type { ForwardingRulesService } from '../forwarding/forwarding-rules.service';
import type { PushStatsService } from '../pushes/push-stats.service';
import type { CodeReleaseClient } from '../releases/code-release.client';
import { DashboardService } from './dashboard.service';
import type { QuotaLeft, QuotaLeftService } from './quota-left.service';

/** Authorizers of one component: type (null = profile not read) and status. */
const KNOWN: { type: 'official_account' | 'mini_program' | null; status: 'authorized' | 'unauthorized' }[] = [
  { type: 'mini_program', status: 'authorized' },
  { type: 'mini_program', status: 'authorized' },
  { type: 'official_account', status: 'authorized' },
  { type: null, status: 'authorized' },
  { type: 'mini_program', status: 'unauthorized' },
];

function setup(overrides: { depths?: () => Promise<unknown>; codeRelease?: () => Promise<unknown> } = {}) {
  const components = {
    list: async () => [{ componentAppid: 'wxc' } as ComponentHealth],
  } as unknown as ComponentsService;
  const authorizers = {
    search: async (request: SearchAuthorizersRequest): Promise<AuthorizerPage> => ({
      total: KNOWN.filter(
        (a) => a.status === request.status && (!request.authorizerType || a.type === request.authorizerType),
      ).length,
      offset: 0,
      limit: 1,
      items: [],
    }),
  } as unknown as AuthorizersService;
  const pushStats = {
    perMinuteByType: jest.fn(async () => [
      { minute: '2026-12-01T12:00:00.000Z', type: 'component_verify_ticket', count: 6 },
    ]),
  } as unknown as PushStatsService;
  const deadLetters = {
    depths: overrides.depths ?? (async () => [{ queue: 'authorizer.authorization-pushes', depth: 2 }]),
  } as unknown as DeadLettersService;
  const forwarding = {
    failingRules: async () => [
      { ruleId: 'r1', name: 'billing', failedDeliveries: 3, consecutiveFailures: 4 },
    ],
  } as unknown as ForwardingRulesService;
  const codeRelease = {
    call: jest.fn(
      overrides.codeRelease ??
        (async () => ({
          counts: [
            { componentAppid: 'wxc', status: 'finished', count: 3 },
            { componentAppid: 'wxc', status: 'running', count: 1 },
          ],
          total: 4,
        })),
    ),
  } as unknown as CodeReleaseClient;
  const quotaLeft: QuotaLeft = {
    componentAppid: 'wxc',
    authorizerAppid: 'wxmp',
    quota: { rest: 17, limit: 20, speedupRest: 1, speedupLimit: 1 },
    readAt: '2026-12-01T12:30:00.000Z',
  };
  const quota = { quotaLeft: jest.fn(async () => quotaLeft) } as unknown as QuotaLeftService;
  return {
    service: new DashboardService(
      components,
      authorizers,
      pushStats,
      deadLetters,
      forwarding,
      codeRelease,
      quota,
    ),
    pushStats,
    codeRelease,
    quota,
  };
}

describe('DashboardService', () => {
  it('counts authorizers by type and state, the untyped ones as unknown', async () => {
    const { service } = setup();
    expect(await service.authorizerCounts()).toEqual([
      { componentAppid: 'wxc', authorizerType: 'official_account', status: 'authorized', count: 1 },
      { componentAppid: 'wxc', authorizerType: 'mini_program', status: 'authorized', count: 2 },
      { componentAppid: 'wxc', authorizerType: 'unknown', status: 'authorized', count: 1 },
      { componentAppid: 'wxc', authorizerType: 'official_account', status: 'unauthorized', count: 0 },
      { componentAppid: 'wxc', authorizerType: 'mini_program', status: 'unauthorized', count: 1 },
    ]);
  });

  it('answers every section: pushes over the last hour, campaigns by state, quota left per component', async () => {
    const { service, pushStats, codeRelease, quota } = setup();
    const now = new Date('2026-12-01T12:30:00.000Z');
    const dashboard = await service.dashboard(now);
    expect(pushStats.perMinuteByType).toHaveBeenCalledWith(60, now);
    expect(dashboard.unavailable).toEqual([]);
    expect(dashboard.deadLetters).toEqual([{ queue: 'authorizer.authorization-pushes', depth: 2 }]);
    expect(dashboard.failingForwardingRules?.[0]?.name).toBe('billing');
    expect(codeRelease.call).toHaveBeenCalledWith('code-release.campaigns.summary', {});
    expect(dashboard.campaigns).toEqual([
      { componentAppid: 'wxc', status: 'finished', count: 3 },
      { componentAppid: 'wxc', status: 'running', count: 1 },
    ]);
    expect(quota.quotaLeft).toHaveBeenCalledWith('wxc', now);
    expect(dashboard.quotaLeft?.[0]?.quota?.rest).toBe(17);
    expect(Object.keys(dashboard).sort()).toEqual(
      [
        'authorizers',
        'campaigns',
        'quotaLeft',
        'deadLetters',
        'failingForwardingRules',
        'generatedAt',
        'pushesPerMinute',
        'unavailable',
      ].sort(),
    );
  });

  it('leaves out a section whose source fails and names it', async () => {
    const { service } = setup({
      depths: async () => {
        throw new Error('management API refused');
      },
    });
    const dashboard = await service.dashboard();
    expect(dashboard.unavailable).toEqual(['deadLetters']);
    expect('deadLetters' in dashboard).toBe(false);
    expect(dashboard.authorizers?.length).toBe(5);
  });

  it('leaves campaigns out, and keeps the rest, when code-release does not answer', async () => {
    const { service } = setup({
      codeRelease: async () => {
        throw new Error('RPC code-release.campaigns.summary timed out');
      },
    });
    const dashboard = await service.dashboard();
    expect(dashboard.unavailable).toEqual(['campaigns']);
    expect('campaigns' in dashboard).toBe(false);
    expect(dashboard.quotaLeft?.length).toBe(1);
  });
});
