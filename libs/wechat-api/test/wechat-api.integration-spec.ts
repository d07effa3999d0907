import { startWechatSimProcess, totalCalls, type SimProcess } from '@wxop/testing';

import { WechatApiClient, WechatApiError, WechatTransportError } from '../src';

interface Platform {
  appid: string;
  secret: string;
  currentTicket: string;
}

describe('WechatApiClient against wechat-sim', () => {
  let sim: SimProcess;
  let platform: Platform;
  let sut: WechatApiClient;

  beforeAll(async () => {
    sim = await startWechatSimProcess();
  });
  afterAll(() => sim.stop());

  beforeEach(async () => {
    await sim.control('POST', '/reset');
    platform = await sim.control<Platform>('POST', '/platforms', {});
    sut = new WechatApiClient({ baseUrl: sim.url, timeoutMs: 2000, maxAttempts: 3, retryDelayMs: 10 });
  });

  const callsTo = (endpoint: string) => totalCalls(sim, endpoint);

  const componentToken = () =>
    sut.componentToken({
      componentAppid: platform.appid,
      componentSecret: platform.secret,
      ticket: platform.currentTicket,
    });

  it('gets a component token with the ticket, and refuses a wrong secret with 40125', async () => {
    const token = await componentToken();
    expect(token.accessToken).toEqual(expect.any(String));
    expect(token.expiresIn).toBe(7200);

    const wrong = sut.componentToken({
      componentAppid: platform.appid,
      componentSecret: 'not-the-secret',
      ticket: platform.currentTicket,
    });
    await expect(wrong).rejects.toMatchObject({
      name: 'WechatApiError',
      errcode: 40125,
      endpoint: 'cgi-bin/component/api_component_token',
    });
  });

  it('exchanges an auth code once, then refreshes the authorizer token with the refresh token', async () => {
    const { accessToken } = await componentToken();
    const [account] = (
      await sim.control<{ appids: string[] }>('POST', '/accounts', { count: 1, type: 'mini_program' })
    ).appids;
    const { authCode } = await sim.control<{ authCode: string }>(
      'POST',
      `/platforms/${platform.appid}/authorizations`,
      {
        authorizerAppid: account,
        funcInfo: [17, 18],
      },
    );

    const auth = await sut.queryAuth(accessToken, platform.appid, authCode);
    expect(auth).toMatchObject({ authorizerAppid: account, funcInfo: [17, 18], expiresIn: 7200 });
    // Single use: the second exchange is 61009, and it is not retried (the code is consumed).
    await expect(sut.queryAuth(accessToken, platform.appid, authCode)).rejects.toMatchObject({
      errcode: 61009,
    });
    expect(await callsTo('cgi-bin/component/api_query_auth')).toBe(2);

    const refreshed = await sut.authorizerToken(accessToken, {
      componentAppid: platform.appid,
      authorizerAppid: account!,
      refreshToken: auth.refreshToken,
    });
    expect(refreshed.accessToken).not.toBe(auth.accessToken);
    expect(refreshed.refreshToken).toBe(auth.refreshToken);

    const page = await sut.getAuthorizerList(accessToken, {
      componentAppid: platform.appid,
      offset: 0,
      count: 500,
    });
    expect(page.totalCount).toBe(1);
    expect(page.list[0]).toMatchObject({ authorizerAppid: account, refreshToken: auth.refreshToken });

    const info = await sut.getAuthorizerInfo(accessToken, platform.appid, account!);
    expect(info.funcInfo).toEqual([17, 18]);
    expect(info.authorizerInfo).toHaveProperty('MiniProgramInfo');

    // A customer-service text with the authorizer token, recorded by the sim; a bad token is refused once.
    await sut.sendCustomText(refreshed.accessToken, { toUser: 'o_user_1', content: 'hello 你好' });
    const messages = await sim.control<{ touser: string; content: { content: string } }[]>(
      'GET',
      `/accounts/${account}/messages`,
    );
    expect(messages).toEqual([
      expect.objectContaining({ touser: 'o_user_1', msgtype: 'text', content: { content: 'hello 你好' } }),
    ]);
    await expect(
      sut.sendCustomText('not-a-token', { toUser: 'o_user_1', content: 'x' }),
    ).rejects.toMatchObject({
      errcode: expect.any(Number) as unknown,
    });
  });

  it('retries -1 up to maxAttempts and then throws the WechatApiError', async () => {
    await componentToken();
    await sim.control('PUT', '/faults', {
      rules: [{ endpoint: 'cgi-bin/component/api_component_token', failure: 'errcode', errcode: -1 }],
    });
    const failure = await componentToken().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(WechatApiError);
    expect((failure as WechatApiError).transient).toBe(true);
    expect(await callsTo('cgi-bin/component/api_component_token')).toBe(1 + 3);
  });

  it('gets through intermittent 5xx and dropped connections by retrying', async () => {
    await sim.control('PUT', '/faults', {
      rules: [
        {
          endpoint: 'cgi-bin/component/api_component_token',
          failure: 'http',
          httpStatus: 502,
          probability: 0.3,
          seed: 7,
        },
        { endpoint: 'cgi-bin/component/api_component_token', failure: 'drop', probability: 0.3, seed: 11 },
      ],
    });
    const client = new WechatApiClient({
      baseUrl: sim.url,
      timeoutMs: 2000,
      maxAttempts: 6,
      retryDelayMs: 5,
    });
    for (let i = 0; i < 10; i++) {
      await client.componentToken({
        componentAppid: platform.appid,
        componentSecret: platform.secret,
        ticket: platform.currentTicket,
      });
    }
    // Some calls failed and were retried: more calls reached WeChat than succeeded.
    expect(await callsTo('cgi-bin/component/api_component_token')).toBeGreaterThan(10);
  });

  it('does not retry a non-transient error, and reports a timeout as a transport error', async () => {
    await expect(sut.createPreAuthCode('not-a-token', platform.appid)).rejects.toMatchObject({
      errcode: 40001,
    });
    expect(await callsTo('cgi-bin/component/api_create_preauthcode')).toBe(1);

    await sim.control('PUT', '/faults', {
      rules: [{ endpoint: 'cgi-bin/component/api_component_token', latencyMs: 800 }],
    });
    const slow = new WechatApiClient({ baseUrl: sim.url, timeoutMs: 200, maxAttempts: 1 });
    const failure = await slow
      .componentToken({
        componentAppid: platform.appid,
        componentSecret: platform.secret,
        ticket: platform.currentTicket,
      })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(WechatTransportError);
    expect(failure).toMatchObject({ reason: 'timeout' });
    // The message names the endpoint, never the URL with its token.
    expect(String((failure as Error).message)).not.toContain('access_token');
  });

  it('forwards any call as it is and reports its errcode', async () => {
    const { accessToken } = await componentToken();
    const ok = await sut.forward({
      method: 'GET',
      path: '/wxa/gettemplatedraftlist',
      query: { access_token: accessToken },
    });
    expect(ok.status).toBe(200);
    expect(ok.errcode).toBe(0);
    const rejected = await sut.forward({
      method: 'GET',
      path: 'wxa/gettemplatedraftlist',
      query: { access_token: 'stale' },
    });
    expect(rejected.errcode).toBe(40001);
    expect(JSON.parse(rejected.body.toString('utf8'))).toMatchObject({ errcode: 40001 });
  });
});
