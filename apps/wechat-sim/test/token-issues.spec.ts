import { componentToken, platformWithReceiver, PushReceiver, startSim, type Sim } from './sim-test.util';

interface Issues {
  platformAppid: string;
  authorizerAppid: string;
  issuedAt: number[];
}

describe('wechat-sim GET /sim/token-issues', () => {
  let sim: Sim;
  let receiver: PushReceiver;

  beforeAll(async () => {
    sim = await startSim();
    receiver = await PushReceiver.start();
  });

  afterAll(async () => {
    await sim.close();
    await receiver.close();
  });

  it('lists when each authorizer token was issued, per authorizer, oldest first, on the simulated clock', async () => {
    const platform = await platformWithReceiver(sim, receiver);
    const ct = await componentToken(sim, platform);
    const { body: accounts } = await sim.control<{ appids: string[] }>('POST', '/accounts', {
      count: 2,
      type: 'mini_program',
    });
    const [first, second] = accounts.appids as [string, string];
    const { body: bulk } = await sim.control<{
      authorizations: { authorizerAppid: string; refreshToken: string }[];
    }>('POST', `/platforms/${platform.appid}/authorizations/bulk`, { authorizerAppids: [first, second] });
    const refresh = (authorizerAppid: string) =>
      sim.api('/cgi-bin/component/api_authorizer_token', {
        query: { component_access_token: ct },
        body: {
          component_appid: platform.appid,
          authorizer_appid: authorizerAppid,
          authorizer_refresh_token: bulk.authorizations.find((a) => a.authorizerAppid === authorizerAppid)!
            .refreshToken,
        },
      });
    const { body: before } = await sim.control<{ clock: string }>('GET', '');
    await refresh(first);
    await sim.control('POST', '/clock/advance', { seconds: 600 });
    await refresh(first);
    await refresh(second);
    const refused = await sim.api('/cgi-bin/component/api_authorizer_token', {
      query: { component_access_token: ct },
      body: { component_appid: platform.appid, authorizer_appid: second, authorizer_refresh_token: 'forged' },
    });
    expect(refused.errcode).toBe(61023);

    const { status, body } = await sim.control<Issues[]>(
      'GET',
      `/token-issues?platformAppid=${platform.appid}`,
    );
    expect(status).toBe(200);
    const byAppid = new Map(body.map((entry) => [entry.authorizerAppid, entry]));
    expect(byAppid.size).toBe(2);
    const start = Date.parse(before.clock);
    const firstIssues = byAppid.get(first)!.issuedAt;
    // The refused call issued nothing; the clock advance shows in the second issue of `first`.
    expect(firstIssues).toHaveLength(2);
    expect(firstIssues[0]).toBeGreaterThanOrEqual(start);
    expect(firstIssues[1]! - firstIssues[0]!).toBeGreaterThanOrEqual(600_000);
    expect(byAppid.get(second)!.issuedAt).toHaveLength(1);
    // Filters by authorizer; never shows a token value.
    const { body: one } = await sim.control<Issues[]>('GET', `/token-issues?authorizerAppid=${second}`);
    expect(one).toEqual([
      { platformAppid: platform.appid, authorizerAppid: second, issuedAt: expect.any(Array) },
    ]);
  });
});
