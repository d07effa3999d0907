import type { CurrentAuthorization } from '../authorizers/authorization.repository';
import { planSyncPage, type ListedAuthorizer } from './sync-plan.util';

const NOW = new Date('2026-11-29T12:00:00Z');
const DAY = 86_400_000;
const OPTIONS = { profileMaxAgeMs: DAY, recentMs: 0 };
const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

describe('planSyncPage', () => {
  const listed = (authorizerAppid: string, extra: Partial<ListedAuthorizer> = {}): ListedAuthorizer => ({
    authorizerAppid,
    refreshToken: `refreshtoken@@@${authorizerAppid}`,
    authTime: seconds(NOW) - 60,
    ...extra,
  });

  it('discovers accounts we never heard of, and reports those listed without a refresh token', () => {
    const plan = planSyncPage(
      [listed('wxnew'), listed('wxnotoken', { refreshToken: undefined })],
      new Map(),
      NOW,
      OPTIONS,
    );
    expect(plan.discover.map((e) => e.authorizerAppid)).toEqual(['wxnew']);
    expect(plan.withoutRefreshToken.map((e) => e.authorizerAppid)).toEqual(['wxnotoken']);
    expect(plan.handOver).toEqual([]);
  });

  it('hands over the refresh token of known authorized accounts and reads only stale profiles again', () => {
    const known = new Map<string, CurrentAuthorization>([
      ['wxfresh', { status: 'authorized', profileRefreshedAt: new Date(NOW.getTime() - 1000) }],
      ['wxold', { status: 'authorized', profileRefreshedAt: new Date(NOW.getTime() - 2 * DAY) }],
      ['wxnever', { status: 'authorized' }],
    ]);
    const plan = planSyncPage([listed('wxfresh'), listed('wxold'), listed('wxnever')], known, NOW, OPTIONS);
    expect(plan.discover).toEqual([]);
    expect(plan.handOver.map((e) => e.authorizerAppid)).toEqual(['wxfresh', 'wxold', 'wxnever']);
    expect(plan.refreshProfile.map((e) => e.authorizerAppid)).toEqual(['wxold', 'wxnever']);
  });

  it('brings an unauthorized account back only when WeChat authorized it after our unauthorization', () => {
    const unauthorizedAt = new Date(NOW.getTime() - 30_000);
    const known = new Map<string, CurrentAuthorization>([
      ['wxback', { status: 'unauthorized', unauthorizedAt }],
      ['wxbehind', { status: 'unauthorized', unauthorizedAt }],
      ['wxnotime', { status: 'unauthorized', unauthorizedAt }],
    ]);
    const plan = planSyncPage(
      [
        listed('wxback', { authTime: seconds(NOW) }),
        listed('wxbehind', { authTime: seconds(NOW) - 120 }),
        listed('wxnotime', { authTime: undefined }),
      ],
      known,
      NOW,
      OPTIONS,
    );
    expect(plan.discover.map((e) => e.authorizerAppid)).toEqual(['wxback']);
    expect(plan.stale.map((e) => e.authorizerAppid)).toEqual(['wxbehind', 'wxnotime']);
    expect(plan.handOver).toEqual([]);
  });

  it('leaves an authorization of the last minutes to its push or landing page', () => {
    const plan = planSyncPage(
      [
        listed('wxjust', { authTime: seconds(NOW) - 10 }),
        listed('wxearlier', { authTime: seconds(NOW) - 3600 }),
      ],
      new Map(),
      NOW,
      { profileMaxAgeMs: DAY, recentMs: 900_000 },
    );
    expect(plan.recent.map((e) => e.authorizerAppid)).toEqual(['wxjust']);
    expect(plan.discover.map((e) => e.authorizerAppid)).toEqual(['wxearlier']);
  });
});
