import { componentToken, platformWithReceiver, PushReceiver, startSim, type Sim } from './sim-test.util';

type Platform = Awaited<ReturnType<typeof platformWithReceiver>>;

describe('wechat-sim credentials (wechat-protocol.md §3, §6.1)', () => {
  let sim: Sim;
  let receiver: PushReceiver;
  let platform: Platform;

  beforeAll(async () => {
    sim = await startSim({ SIM_TOKEN_TTL_SECONDS: '100', SIM_TOKEN_GRACE_SECONDS: '10' });
    receiver = await PushReceiver.start();
    platform = await platformWithReceiver(sim, receiver);
  });

  afterAll(async () => {
    await sim.close();
    await receiver.close();
  });

  const C = '/cgi-bin/component';
  const tokenBody = (overrides: Record<string, unknown> = {}) => ({
    component_appid: platform.appid,
    component_appsecret: platform.secret,
    component_verify_ticket: platform.currentTicket,
    ...overrides,
  });

  async function authorizedMiniProgram(ct: string) {
    const { body } = await sim.control<{ appids: string[] }>('POST', '/accounts', {
      count: 1,
      type: 'mini_program',
    });
    const authorizerAppid = body.appids[0]!;
    const { body: auth } = await sim.control<{ authCode: string }>(
      'POST',
      `/platforms/${platform.appid}/authorizations`,
      { authorizerAppid },
    );
    const exchanged = await sim.api<{ authorization_info: Record<string, unknown> }>(`${C}/api_query_auth`, {
      query: { component_access_token: ct },
      body: { component_appid: platform.appid, authorization_code: auth.authCode },
    });
    return { authorizerAppid, authCode: auth.authCode, info: exchanged.authorization_info };
  }

  describe('api_component_token', () => {
    it('issues a token for the right secret and a live ticket', async () => {
      const answer = await sim.api(`${C}/api_component_token`, { body: tokenBody() });
      expect(answer).toEqual({ component_access_token: expect.stringMatching(/^ct_/), expires_in: 100 });
    });

    it.each([
      ['an unknown component: 61011', { component_appid: 'wxnope' }, 61011],
      ['a wrong secret: 40125', { component_appsecret: 'wrong' }, 40125],
      ['no secret: 41004', { component_appsecret: undefined }, 41004],
      ['an unknown ticket: 61006', { component_verify_ticket: 'ticket@@@forged' }, 61006],
    ])('answers %s', async (_name, overrides, errcode) => {
      const answer = await sim.api<{ errmsg: string }>(`${C}/api_component_token`, {
        body: tokenBody(overrides),
      });
      expect(answer.errcode).toBe(errcode);
      expect(answer.errmsg).toMatch(/ rid: [0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}$/);
    });

    it('answers bad JSON with 47001 and GET with 43002', async () => {
      expect((await sim.api(`${C}/api_component_token`, { body: '{"component_appid":' })).errcode).toBe(
        47001,
      );
      expect((await sim.api(`${C}/api_component_token`)).errcode).toBe(43002);
    });

    it('refuses a ticket older than 12 hours with 61005', async () => {
      const sim2 = await startSim();
      try {
        const { body: p } = await sim2.control<Platform>('POST', '/platforms', { startTickets: true });
        await sim2.control('POST', '/clock/advance', { seconds: 43_200 });
        const answer = await sim2.api(`${C}/api_component_token`, {
          body: {
            component_appid: p.appid,
            component_appsecret: p.secret,
            component_verify_ticket: p.currentTicket,
          },
        });
        expect(answer.errcode).toBe(61005);
      } finally {
        await sim2.close();
      }
    });
  });

  describe('token lifetimes', () => {
    it('keeps a superseded token working for the grace window, then answers 40001, and counts its uses', async () => {
      const sim2 = await startSim({ SIM_TOKEN_TTL_SECONDS: '7200', SIM_TOKEN_GRACE_SECONDS: '300' });
      try {
        const { body: p } = await sim2.control<Platform>('POST', '/platforms', {});
        const old = await componentToken(sim2, p);
        const fresh = await componentToken(sim2, p);
        const call = (token: string) =>
          sim2.api(`${C}/api_create_preauthcode`, {
            query: { component_access_token: token },
            body: { component_appid: p.appid },
          });
        expect((await call(old)).errcode).toBeUndefined();
        const { body: counters } = await sim2.control<{ supersededTokenUses: number }[]>(
          'GET',
          `/counters?endpoint=cgi-bin/component/api_create_preauthcode&appid=${p.appid}`,
        );
        expect(counters[0]!.supersededTokenUses).toBe(1);
        await sim2.control('POST', '/clock/advance', { seconds: 301 });
        expect((await call(old)).errcode).toBe(40001);
        expect((await call(fresh)).errcode).toBeUndefined();
        await sim2.control('POST', '/clock/advance', { seconds: 7200 });
        expect((await call(fresh)).errcode).toBe(42001);
      } finally {
        await sim2.close();
      }
    });

    it('answers a missing token with 41001 and an unknown one with 40001', async () => {
      expect((await sim.api(`${C}/api_create_preauthcode`, { body: {} })).errcode).toBe(41001);
      expect(
        (
          await sim.api(`${C}/api_create_preauthcode`, {
            query: { component_access_token: 'ct_forged' },
            body: {},
          })
        ).errcode,
      ).toBe(40001);
    });

    it('counts tokens issued per platform', async () => {
      const { body } = await sim.control<{ tokensIssued: number }[]>(
        'GET',
        `/counters?endpoint=cgi-bin/component/api_component_token&appid=${platform.appid}`,
      );
      expect(body[0]!.tokensIssued).toBeGreaterThanOrEqual(1);
    });
  });

  describe('authorization codes and authorizer tokens', () => {
    it('exchanges an auth code once, with the permission sets', async () => {
      const ct = await componentToken(sim, platform);
      const { authCode, info } = await authorizedMiniProgram(ct);
      expect(info).toMatchObject({
        authorizer_access_token: expect.stringMatching(/^at_/),
        expires_in: 100,
        authorizer_refresh_token: expect.stringMatching(/^refreshtoken@@@/),
        func_info: expect.arrayContaining([{ funcscope_category: { id: 18 } }]),
      });
      const again = await sim.api(`${C}/api_query_auth`, {
        query: { component_access_token: ct },
        body: { component_appid: platform.appid, authorization_code: authCode },
      });
      expect(again.errcode).toBe(61009);
    });

    it('answers an expired auth code with 61010', async () => {
      const sim2 = await startSim({ SIM_AUTH_CODE_TTL_SECONDS: '60', SIM_TOKEN_TTL_SECONDS: '7200' });
      try {
        const { body: p } = await sim2.control<Platform>('POST', '/platforms', {});
        const { body: accounts } = await sim2.control<{ appids: string[] }>('POST', '/accounts', {
          count: 1,
          type: 'official_account',
        });
        const { body: auth } = await sim2.control<{ authCode: string }>(
          'POST',
          `/platforms/${p.appid}/authorizations`,
          { authorizerAppid: accounts.appids[0] },
        );
        const ct = await componentToken(sim2, p);
        await sim2.control('POST', '/clock/advance', { seconds: 61 });
        const answer = await sim2.api(`${C}/api_query_auth`, {
          query: { component_access_token: ct },
          body: { component_appid: p.appid, authorization_code: auth.authCode },
        });
        expect(answer.errcode).toBe(61010);
      } finally {
        await sim2.close();
      }
    });

    it('refreshes an authorizer token, superseding the previous one', async () => {
      const ct = await componentToken(sim, platform);
      const { authorizerAppid, info } = await authorizedMiniProgram(ct);
      const refreshed = await sim.api<{ authorizer_access_token: string; authorizer_refresh_token: string }>(
        `${C}/api_authorizer_token`,
        {
          query: { component_access_token: ct },
          body: {
            component_appid: platform.appid,
            authorizer_appid: authorizerAppid,
            authorizer_refresh_token: info['authorizer_refresh_token'],
          },
        },
      );
      expect(refreshed.authorizer_access_token).not.toBe(info['authorizer_access_token']);
      expect(refreshed.authorizer_refresh_token).toBe(info['authorizer_refresh_token']);
      const { body } = await sim.control<{ tokensIssued: number }[]>(
        'GET',
        `/counters?endpoint=cgi-bin/component/api_authorizer_token&appid=${authorizerAppid}`,
      );
      expect(body[0]!.tokensIssued).toBe(1);
      const wrong = await sim.api(`${C}/api_authorizer_token`, {
        query: { component_access_token: ct },
        body: {
          component_appid: platform.appid,
          authorizer_appid: authorizerAppid,
          authorizer_refresh_token: 'refreshtoken@@@forged',
        },
      });
      expect(wrong.errcode).toBe(61023);
    });

    it('rotates refresh tokens when set, keeping the old one for its grace window', async () => {
      const sim2 = await startSim({
        SIM_REFRESH_TOKEN_ROTATION: 'true',
        SIM_REFRESH_TOKEN_GRACE_SECONDS: '300',
      });
      try {
        const { body: p } = await sim2.control<Platform>('POST', '/platforms', {});
        const { body: accounts } = await sim2.control<{ appids: string[] }>('POST', '/accounts', {
          count: 1,
          type: 'mini_program',
        });
        const appid = accounts.appids[0]!;
        const { body: auth } = await sim2.control<{ authCode: string }>(
          'POST',
          `/platforms/${p.appid}/authorizations`,
          { authorizerAppid: appid },
        );
        const ct = await componentToken(sim2, p);
        const first = await sim2.api<{ authorization_info: { authorizer_refresh_token: string } }>(
          `${C}/api_query_auth`,
          {
            query: { component_access_token: ct },
            body: { component_appid: p.appid, authorization_code: auth.authCode },
          },
        );
        const r0 = first.authorization_info.authorizer_refresh_token;
        const refresh = (token: string) =>
          sim2.api<{ authorizer_refresh_token: string }>(`${C}/api_authorizer_token`, {
            query: { component_access_token: ct },
            body: { component_appid: p.appid, authorizer_appid: appid, authorizer_refresh_token: token },
          });
        const r1 = (await refresh(r0)).authorizer_refresh_token;
        expect(r1).not.toBe(r0);
        expect((await refresh(r0)).errcode).toBeUndefined(); // still inside the grace window
        await sim2.control('POST', '/clock/advance', { seconds: 301 });
        expect((await refresh(r0)).errcode).toBe(61023);
      } finally {
        await sim2.close();
      }
    });

    it('revokes everything on unauthorize: refresh → 61023, token use → 61003, info → 61003', async () => {
      const ct = await componentToken(sim, platform);
      const { authorizerAppid, info } = await authorizedMiniProgram(ct);
      await sim.control('DELETE', `/platforms/${platform.appid}/authorizations/${authorizerAppid}?wait=true`);
      const refreshed = await sim.api(`${C}/api_authorizer_token`, {
        query: { component_access_token: ct },
        body: {
          component_appid: platform.appid,
          authorizer_appid: authorizerAppid,
          authorizer_refresh_token: info['authorizer_refresh_token'],
        },
      });
      expect(refreshed.errcode).toBe(61023);
      expect(
        (
          await sim.api('/wxa/get_category', {
            query: { access_token: String(info['authorizer_access_token']) },
          })
        ).errcode,
      ).toBe(61003);
      const profile = await sim.api(`${C}/api_get_authorizer_info`, {
        query: { component_access_token: ct },
        body: { component_appid: platform.appid, authorizer_appid: authorizerAppid },
      });
      expect(profile.errcode).toBe(61003);
      expect(
        receiver.received.some(
          (p) => p.inner['InfoType'] === 'unauthorized' && p.inner['AuthorizerAppid'] === authorizerAppid,
        ),
      ).toBe(true);
    });
  });

  describe('authorizer listing and profile', () => {
    it('pages with api_get_authorizer_list and omits refresh tokens of never-exchanged authorizations', async () => {
      const sim2 = await startSim();
      try {
        const { body: p } = await sim2.control<Platform>('POST', '/platforms', {});
        const { body: accounts } = await sim2.control<{ appids: string[] }>('POST', '/accounts', {
          count: 7,
          type: 'mini_program',
        });
        for (const appid of accounts.appids)
          await sim2.control('POST', `/platforms/${p.appid}/authorizations`, { authorizerAppid: appid });
        const ct = await componentToken(sim2, p);
        const page = (offset: number, count: number) =>
          sim2.api<{
            total_count: number;
            list: { authorizer_appid: string; refresh_token?: string; auth_time: number }[];
          }>(`${C}/api_get_authorizer_list`, {
            query: { component_access_token: ct },
            body: { component_appid: p.appid, offset, count },
          });
        const first = await page(0, 5);
        const second = await page(5, 5);
        expect(first.total_count).toBe(7);
        expect([...first.list, ...second.list].map((e) => e.authorizer_appid).sort()).toEqual(
          [...accounts.appids].sort(),
        );
        expect(first.list[0]!.refresh_token).toBeUndefined();
        expect((await page(0, 501)).errcode).toBe(47001);
      } finally {
        await sim2.close();
      }
    });

    it.each([
      ['without_refresh_token', true, false],
      ['with_refresh_token', true, true],
      ['absent', false, false],
    ] as const)(
      'unexchangedInAuthorizerList %s: a never-exchanged authorization listed %s, with refresh_token %s; exchanged ones always with it',
      async (setting, listed, withRefreshToken) => {
        const sim2 = await startSim();
        try {
          await sim2.control('PUT', '/settings', { unexchangedInAuthorizerList: setting });
          const { body: p } = await sim2.control<Platform>('POST', '/platforms', {});
          const { body: accounts } = await sim2.control<{ appids: string[] }>('POST', '/accounts', {
            count: 2,
            type: 'mini_program',
          });
          const [exchanged, never] = accounts.appids as [string, string];
          const ct = await componentToken(sim2, p);
          const { body: auth } = await sim2.control<{ authCode: string }>(
            'POST',
            `/platforms/${p.appid}/authorizations`,
            { authorizerAppid: exchanged },
          );
          await sim2.api(`${C}/api_query_auth`, {
            query: { component_access_token: ct },
            body: { component_appid: p.appid, authorization_code: auth.authCode },
          });
          await sim2.control('POST', `/platforms/${p.appid}/authorizations`, { authorizerAppid: never });
          const list = await sim2.api<{
            total_count: number;
            list: { authorizer_appid: string; refresh_token?: string }[];
          }>(`${C}/api_get_authorizer_list`, {
            query: { component_access_token: ct },
            body: { component_appid: p.appid, offset: 0, count: 10 },
          });
          expect(list.total_count).toBe(listed ? 2 : 1);
          const byAppid = new Map(list.list.map((entry) => [entry.authorizer_appid, entry]));
          expect(byAppid.get(exchanged)?.refresh_token).toEqual(expect.any(String));
          expect(byAppid.has(never)).toBe(listed);
          if (listed) expect(typeof byAppid.get(never)?.refresh_token === 'string').toBe(withRefreshToken);
        } finally {
          await sim2.close();
        }
      },
    );

    it('returns the mini-program profile with MiniProgramInfo', async () => {
      const ct = await componentToken(sim, platform);
      const { authorizerAppid } = await authorizedMiniProgram(ct);
      const profile = await sim.api<{
        authorizer_info: Record<string, unknown>;
        authorization_info: Record<string, unknown>;
      }>(`${C}/api_get_authorizer_info`, {
        query: { component_access_token: ct },
        body: { component_appid: platform.appid, authorizer_appid: authorizerAppid },
      });
      expect(profile.authorizer_info).toMatchObject({
        user_name: expect.stringMatching(/^gh_/),
        MiniProgramInfo: expect.any(Object),
        account_status: 1,
      });
      expect(profile.authorization_info).toMatchObject({
        authorizer_appid: authorizerAppid,
        authorizer_refresh_token: expect.any(String),
      });
      expect(
        (
          await sim.api(`${C}/api_get_authorizer_info`, {
            query: { component_access_token: ct },
            body: { component_appid: platform.appid, authorizer_appid: 'wxunknown' },
          })
        ).errcode,
      ).toBe(40013);
    });

    it('gets and sets authorizer options with 61012 and 61013', async () => {
      const ct = await componentToken(sim, platform);
      const { authorizerAppid } = await authorizedMiniProgram(ct);
      const call = (path: string, body: Record<string, unknown>) =>
        sim.api(`${C}/${path}`, {
          query: { component_access_token: ct },
          body: { component_appid: platform.appid, authorizer_appid: authorizerAppid, ...body },
        });
      expect(
        await call('api_set_authorizer_option', { option_name: 'voice_recognize', option_value: '1' }),
      ).toEqual({ errcode: 0, errmsg: 'ok' });
      expect(await call('api_get_authorizer_option', { option_name: 'voice_recognize' })).toMatchObject({
        option_value: '1',
      });
      expect((await call('api_get_authorizer_option', { option_name: 'nope' })).errcode).toBe(61012);
      expect(
        (await call('api_set_authorizer_option', { option_name: 'location_report', option_value: '9' }))
          .errcode,
      ).toBe(61013);
    });
  });

  describe('platform limits', () => {
    it('refuses callers outside the IP allow-list with 61004', async () => {
      const { body: p } = await sim.control<Platform>('POST', '/platforms', { ipAllowList: ['10.1.2.3'] });
      const answer = await sim.api(`${C}/api_component_token`, {
        body: {
          component_appid: p.appid,
          component_appsecret: p.secret,
          component_verify_ticket: p.currentTicket,
        },
      });
      expect(answer.errcode).toBe(61004);
      await sim.control('PATCH', `/platforms/${p.appid}`, { ipAllowList: ['127.0.0.1'] });
      expect(
        (
          await sim.api(`${C}/api_component_token`, {
            body: {
              component_appid: p.appid,
              component_appsecret: p.secret,
              component_verify_ticket: p.currentTicket,
            },
          })
        ).errcode,
      ).toBeUndefined();
    });

    it('enforces daily quotas (45009), reports them, and clear_quota resets them up to 10 times a month (48006)', async () => {
      const sim2 = await startSim({ SIM_DAILY_QUOTA: '3' });
      try {
        const { body: p } = await sim2.control<Platform>('POST', '/platforms', {});
        const ct = await componentToken(sim2, p);
        const preauth = () =>
          sim2.api(`${C}/api_create_preauthcode`, {
            query: { component_access_token: ct },
            body: { component_appid: p.appid },
          });
        for (let i = 0; i < 3; i++) expect((await preauth()).errcode).toBeUndefined();
        expect((await preauth()).errcode).toBe(45009);
        await sim2.control('PUT', '/settings', { dailyQuota: 1000 });
        const quota = await sim2.api<{ quota: { used: number } }>('/cgi-bin/openapi/quota/get', {
          query: { access_token: ct },
          body: { cgi_path: '/cgi-bin/component/api_create_preauthcode' },
        });
        expect(quota.quota.used).toBe(3);
        for (let i = 0; i < 10; i++) {
          expect(
            await sim2.api('/cgi-bin/clear_quota', { query: { access_token: ct }, body: { appid: p.appid } }),
          ).toEqual({ errcode: 0, errmsg: 'ok' });
        }
        expect(
          (await sim2.api('/cgi-bin/clear_quota', { query: { access_token: ct }, body: { appid: p.appid } }))
            .errcode,
        ).toBe(48006);
        expect(
          (
            await sim2.api('/cgi-bin/clear_quota', {
              query: { access_token: ct },
              body: { appid: 'wxother' },
            })
          ).errcode,
        ).toBe(40013);
      } finally {
        await sim2.close();
      }
    });
  });
});
