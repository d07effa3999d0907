import {
  componentToken,
  platformWithReceiver,
  PushReceiver,
  startSim,
  until,
  type Sim,
} from './sim-test.util';

describe('wechat-sim authorization pages (wechat-protocol.md §4)', () => {
  let sim: Sim;
  let receiver: PushReceiver;
  let platform: Awaited<ReturnType<typeof platformWithReceiver>>;
  let ct: string;
  let miniPrograms: string[];
  let officialAccounts: string[];

  beforeAll(async () => {
    sim = await startSim({ SIM_PREAUTH_CODE_TTL_SECONDS: '600', SIM_AUTH_CODE_TTL_SECONDS: '3600' });
    receiver = await PushReceiver.start();
    platform = await platformWithReceiver(sim, receiver, { startTickets: true });
    ct = await componentToken(sim, platform);
    miniPrograms = (
      await sim.control<{ appids: string[] }>('POST', '/accounts', { count: 2, type: 'mini_program' })
    ).body.appids;
    officialAccounts = (
      await sim.control<{ appids: string[] }>('POST', '/accounts', { count: 2, type: 'official_account' })
    ).body.appids;
  });

  afterAll(async () => {
    await sim.close();
    await receiver.close();
  });

  async function preAuthCode(): Promise<string> {
    const answer = await sim.api<{ pre_auth_code: string; expires_in: number }>(
      '/cgi-bin/component/api_create_preauthcode',
      {
        query: { component_access_token: ct },
        body: { component_appid: platform.appid },
      },
    );
    expect(answer.expires_in).toBe(600);
    return answer.pre_auth_code;
  }

  async function page(path: string, params: Record<string, string>): Promise<string> {
    const url = new URL(path, sim.url);
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    return response.text();
  }

  async function confirm(fields: Record<string, string>): Promise<Response> {
    return fetch(new URL('/cgi-bin/componentloginpage/confirm', sim.url), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
      redirect: 'manual',
    });
  }

  const listed = (html: string) => [...html.matchAll(/data-appid="([^"]+)"/g)].map((m) => m[1]);

  it.each([
    ['1 lists official accounts only', '1', () => officialAccounts],
    ['2 lists mini programs only', '2', () => miniPrograms],
    ['3 lists both', '3', () => [...miniPrograms, ...officialAccounts]],
  ])('auth_type %s', async (_name, authType, expected) => {
    const html = await page('/cgi-bin/componentloginpage', {
      component_appid: platform.appid,
      pre_auth_code: await preAuthCode(),
      redirect_uri: 'https://merchant.example.com/back',
      auth_type: authType,
    });
    expect(listed(html).sort()).toEqual(expected().sort());
  });

  it('biz_appid offers exactly that account, on the H5 page too', async () => {
    const html = await page('/safe/bindcomponent', {
      action: 'bindcomponent',
      no_scan: '1',
      component_appid: platform.appid,
      pre_auth_code: await preAuthCode(),
      redirect_uri: 'https://merchant.example.com/back',
      biz_appid: miniPrograms[1]!,
    });
    expect(listed(html)).toEqual([miniPrograms[1]]);
    expect(html).toContain('data-variant="h5"');
  });

  it('confirming redirects with auth_code and expires_in, sends the authorized push, and the code exchanges', async () => {
    const pre = await preAuthCode();
    const response = await confirm({
      component_appid: platform.appid,
      pre_auth_code: pre,
      redirect_uri: 'https://merchant.example.com/landing/biz-42',
      authorizer_appid: miniPrograms[0]!,
    });
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('location')!);
    expect(location.pathname).toBe('/landing/biz-42');
    expect(location.searchParams.get('expires_in')).toBe('3600');
    const authCode = location.searchParams.get('auth_code')!;
    expect(authCode).toMatch(/^queryauthcode@@@/);
    await until(() => receiver.received.some((p) => p.inner['InfoType'] === 'authorized'));
    const push = receiver.received.find((p) => p.inner['InfoType'] === 'authorized')!;
    expect(push.inner).toMatchObject({
      AuthorizerAppid: miniPrograms[0],
      AuthorizationCode: authCode,
      PreAuthCode: pre,
    });
    const exchanged = await sim.api<{ authorization_info: { authorizer_appid: string } }>(
      '/cgi-bin/component/api_query_auth',
      {
        query: { component_access_token: ct },
        body: { component_appid: platform.appid, authorization_code: authCode },
      },
    );
    expect(exchanged.authorization_info.authorizer_appid).toBe(miniPrograms[0]);
  });

  it('sends updateauthorized when an authorized account confirms again, with the narrowed permission sets', async () => {
    const response = await confirm({
      component_appid: platform.appid,
      pre_auth_code: await preAuthCode(),
      redirect_uri: 'https://merchant.example.com/back',
      authorizer_appid: miniPrograms[0]!,
      category_id_list: '17|18',
    });
    expect(response.status).toBe(302);
    await until(() => receiver.received.some((p) => p.inner['InfoType'] === 'updateauthorized'));
    const { body } = await sim.control<{ authorizerAppid: string; funcInfo: number[] }[]>(
      'GET',
      `/platforms/${platform.appid}/authorizations`,
    );
    expect(body.find((a) => a.authorizerAppid === miniPrograms[0])!.funcInfo).toEqual([17, 18]);
  });

  it('uses a pre-auth code once', async () => {
    const pre = await preAuthCode();
    const fields = {
      component_appid: platform.appid,
      pre_auth_code: pre,
      redirect_uri: 'https://m.example.com/b',
      authorizer_appid: officialAccounts[0]!,
    };
    expect((await confirm(fields)).status).toBe(302);
    const second = await confirm(fields);
    expect(second.status).toBe(200);
    expect(await second.text()).toContain('id="error"');
    expect(
      await page('/cgi-bin/componentloginpage', {
        component_appid: platform.appid,
        pre_auth_code: pre,
        redirect_uri: 'https://m.example.com/b',
      }),
    ).toContain('id="error"');
  });

  it('refuses an expired pre-auth code', async () => {
    const pre = await preAuthCode();
    await sim.control('POST', '/clock/advance', { seconds: 601 });
    const response = await confirm({
      component_appid: platform.appid,
      pre_auth_code: pre,
      redirect_uri: 'https://m.example.com/b',
      authorizer_appid: officialAccounts[1]!,
    });
    expect(await response.text()).toContain('61010');
    ct = await componentToken(sim, platform);
  });

  it.each([
    ['an unknown platform', { component_appid: 'wxnope' }],
    ['a forged pre-auth code', { pre_auth_code: 'preauthcode@@@forged' }],
    ['a redirect_uri that is not http(s)', { redirect_uri: 'javascript:alert(1)' }],
    ['an invalid auth_type', { auth_type: '9' }],
  ])('shows an error page for %s', async (_name, patch) => {
    const html = await page('/cgi-bin/componentloginpage', {
      component_appid: platform.appid,
      pre_auth_code: await preAuthCode(),
      redirect_uri: 'https://m.example.com/b',
      ...patch,
    });
    expect(html).toContain('id="error"');
  });

  it('escapes what it echoes into the page', async () => {
    const html = await page('/cgi-bin/componentloginpage', {
      component_appid: platform.appid,
      pre_auth_code: await preAuthCode(),
      redirect_uri: 'https://m.example.com/b?x="><script>alert(1)</script>',
    });
    expect(html).not.toContain('<script>');
  });
});
