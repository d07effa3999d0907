import { componentToken, startSim, type Sim } from './sim-test.util';

describe('wechat-sim control API (/sim)', () => {
  let sim: Sim;

  beforeEach(async () => {
    sim = await startSim();
  });

  afterEach(async () => {
    await sim.close();
  });

  const tokenCall = (p: { appid: string; secret: string; currentTicket: string }) =>
    fetch(`${sim.url}/cgi-bin/component/api_component_token`, {
      method: 'POST',
      body: JSON.stringify({
        component_appid: p.appid,
        component_appsecret: p.secret,
        component_verify_ticket: p.currentTicket,
      }),
    });

  it('creates 10,000 merchant accounts in one call, quickly', async () => {
    const started = Date.now();
    const { status, body } = await sim.control<{ count: number; appids: string[] }>('POST', '/accounts', {
      count: 10_000,
      type: 'mini_program',
    });
    expect(status).toBe(201);
    expect(body.count).toBe(10_000);
    expect(new Set(body.appids).size).toBe(10_000);
    expect(Date.now() - started).toBeLessThan(5000);
    const { body: page } = await sim.control<{ total: number; accounts: unknown[] }>(
      'GET',
      '/accounts?type=mini_program&offset=9990&limit=50',
    );
    expect(page).toMatchObject({ total: 10_000, accounts: expect.any(Array) });
    expect(page.accounts).toHaveLength(10);
  });

  it('authorizes accounts without a browser, one by one or 10,000 in bulk with refresh tokens', async () => {
    const { body: p } = await sim.control<{ appid: string; secret: string; currentTicket: string }>(
      'POST',
      '/platforms',
      {},
    );
    const { body } = await sim.control<{ appids: string[] }>('POST', '/accounts', {
      count: 10_000,
      type: 'mini_program',
    });
    for (const appid of body.appids.slice(0, 20)) {
      const { status, body: auth } = await sim.control<{ authCode: string }>(
        'POST',
        `/platforms/${p.appid}/authorizations`,
        { authorizerAppid: appid },
      );
      expect(status).toBe(201);
      expect(auth.authCode).toMatch(/^queryauthcode@@@/);
    }
    const { body: bulk } = await sim.control<{ count: number; authorizations: { refreshToken: string }[] }>(
      'POST',
      `/platforms/${p.appid}/authorizations/bulk`,
      {},
    );
    expect(bulk.count).toBe(9980);
    const ct = await componentToken(sim, p);
    const list = await sim.api<{ total_count: number; list: { refresh_token?: string }[] }>(
      '/cgi-bin/component/api_get_authorizer_list',
      {
        query: { component_access_token: ct },
        body: { component_appid: p.appid, offset: 9500, count: 500 },
      },
    );
    expect(list.total_count).toBe(10_000);
    expect(list.list).toHaveLength(500);
    expect(list.list.every((entry) => typeof entry.refresh_token === 'string')).toBe(true);
  });

  it('answers a bad control body with 400 naming every bad field', async () => {
    const { status, body } = await sim.control<{ message: string[] }>('POST', '/platforms', {
      encodingAESKey: 'short',
      authEventUrl: 'ftp://x',
      extra: 1,
    });
    expect(status).toBe(400);
    expect(body.message.join(' ')).toMatch(/encodingAESKey/);
    expect(body.message.join(' ')).toMatch(/authEventUrl/);
    expect(body.message.join(' ')).toMatch(/extra/);
    expect((await sim.control('POST', '/accounts', { count: 0, type: 'robot' })).status).toBe(400);
    expect((await sim.control('GET', '/platforms/wxnope')).status).toBe(404);
  });

  describe('fault injection', () => {
    it('answers errcode -1, HTTP 503, or drops the connection, per endpoint', async () => {
      const { body: p } = await sim.control<{ appid: string; secret: string; currentTicket: string }>(
        'POST',
        '/platforms',
        {},
      );
      const endpoint = 'cgi-bin/component/api_component_token';
      await sim.control('PUT', '/faults', { rules: [{ endpoint, failure: 'errcode', errcode: -1 }] });
      expect(await (await tokenCall(p)).json()).toMatchObject({
        errcode: -1,
        errmsg: expect.stringContaining('system error'),
      });
      await sim.control('PUT', '/faults', { rules: [{ endpoint, failure: 'http', httpStatus: 503 }] });
      expect((await tokenCall(p)).status).toBe(503);
      await sim.control('PUT', '/faults', { rules: [{ endpoint, failure: 'drop' }] });
      await expect(tokenCall(p)).rejects.toThrow();
      await sim.control('PUT', '/faults', {
        rules: [{ endpoint: 'wxa/commit', failure: 'errcode', errcode: -1 }],
      });
      expect(await (await tokenCall(p)).json()).toMatchObject({ component_access_token: expect.any(String) });
      await sim.control('DELETE', '/faults');
    });

    it('POST /sim/faults adds one rule that fails `count` calls, then removes itself', async () => {
      const { body: p } = await sim.control<{ appid: string; secret: string; currentTicket: string }>(
        'POST',
        '/platforms',
        {},
      );
      // The short form: errcode implies failure 'errcode'; a leading slash is ignored.
      const { status, body: rule } = await sim.control<{ id: number; remaining: number }>('POST', '/faults', {
        endpoint: '/cgi-bin/component/api_component_token',
        errcode: -1,
        count: 2,
      });
      expect(status).toBe(201);
      expect(rule).toMatchObject({ id: expect.any(Number), remaining: 2, failure: 'errcode' });
      const errcodes: (number | undefined)[] = [];
      for (let i = 0; i < 3; i++)
        errcodes.push(((await (await tokenCall(p)).json()) as { errcode?: number }).errcode);
      expect(errcodes).toEqual([-1, -1, undefined]);
      expect((await sim.control<unknown[]>('GET', '/faults')).body).toEqual([]);
      const { body: counters } = await sim.control<{ appid: string; calls: number }[]>(
        'GET',
        '/counters?endpoint=cgi-bin/component/api_component_token',
      );
      expect(counters.find((row) => row.appid === 'injected-fault')?.calls).toBe(2);
    });

    it('fails for durationMs, then the endpoint answers again (an outage that ends)', async () => {
      const { body: p } = await sim.control<{ appid: string; secret: string; currentTicket: string }>(
        'POST',
        '/platforms',
        {},
      );
      const { body: rule } = await sim.control<{ expiresAt: string }>('POST', '/faults', {
        endpoint: 'cgi-bin/component/api_component_token',
        httpStatus: 503,
        durationMs: 400,
      });
      expect(Date.parse(rule.expiresAt)).toBeGreaterThan(Date.now());
      expect((await tokenCall(p)).status).toBe(503);
      await new Promise((resolve) => setTimeout(resolve, 450));
      expect(await (await tokenCall(p)).json()).toMatchObject({ component_access_token: expect.any(String) });
      expect((await sim.control<unknown[]>('GET', '/faults')).body).toEqual([]);
    });

    it('keeps a rule until cleared, alone by id or by endpoint, and leaves the others', async () => {
      const add = async (endpoint: string) =>
        (await sim.control<{ id: number }>('POST', '/faults', { endpoint, errcode: -1 })).body.id;
      const a = await add('cgi-bin/component/api_query_auth');
      await add('cgi-bin/component/api_query_auth');
      await add('cgi-bin/component/api_component_token');
      expect((await sim.control<unknown[]>('DELETE', `/faults/${a}`)).body).toHaveLength(2);
      expect((await sim.control('DELETE', `/faults/${a}`)).status).toBe(404);
      const { body: left } = await sim.control<{ endpoint: string }[]>(
        'DELETE',
        '/faults?endpoint=cgi-bin/component/api_query_auth',
      );
      expect(left.map((rule) => rule.endpoint)).toEqual(['cgi-bin/component/api_component_token']);
      expect((await sim.control<unknown[]>('DELETE', '/faults')).body).toEqual([]);
    });

    it("phase 'after': the call takes effect, then its answer is lost", async () => {
      const { body: p } = await sim.control<{ appid: string; secret: string; currentTicket: string }>(
        'POST',
        '/platforms',
        {},
      );
      const ct = await componentToken(sim, p);
      const { body: accounts } = await sim.control<{ appids: string[] }>('POST', '/accounts', {
        count: 1,
        type: 'mini_program',
      });
      const authorizerAppid = accounts.appids[0]!;
      const { body: auth } = await sim.control<{ authCode: string }>(
        'POST',
        `/platforms/${p.appid}/authorizations`,
        { authorizerAppid },
      );
      await sim.control('POST', '/faults', {
        endpoint: 'cgi-bin/component/api_query_auth',
        errcode: -1,
        phase: 'after',
        count: 1,
      });
      const exchange = () =>
        sim.api(`/cgi-bin/component/api_query_auth`, {
          query: { component_access_token: ct },
          body: { component_appid: p.appid, authorization_code: auth.authCode },
        });
      expect((await exchange()).errcode).toBe(-1);
      // WeChat consumed the code: a retry is refused, and the list now holds the refresh token.
      expect((await exchange()).errcode).toBe(61009);
      const list = await sim.api<{ list: { authorizer_appid: string; refresh_token?: string }[] }>(
        '/cgi-bin/component/api_get_authorizer_list',
        { query: { component_access_token: ct }, body: { component_appid: p.appid, offset: 0, count: 10 } },
      );
      expect(list.list).toEqual([
        expect.objectContaining({ authorizer_appid: authorizerAppid, refresh_token: expect.any(String) }),
      ]);
    });

    it('adds latency', async () => {
      const { body: p } = await sim.control<{ appid: string; secret: string; currentTicket: string }>(
        'POST',
        '/platforms',
        {},
      );
      await sim.control('PUT', '/faults', { rules: [{ endpoint: '*', latencyMs: 150 }] });
      const started = Date.now();
      await tokenCall(p);
      expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    });

    it('adds the latencyMs setting to every API call, not to the control API', async () => {
      const { body: p } = await sim.control<{ appid: string; secret: string; currentTicket: string }>(
        'POST',
        '/platforms',
        {},
      );
      await sim.control('PUT', '/settings', { latencyMs: 200 });
      let started = Date.now();
      expect((await tokenCall(p)).status).toBe(200);
      expect(Date.now() - started).toBeGreaterThanOrEqual(190);
      started = Date.now();
      await sim.control('GET', '/settings');
      expect(Date.now() - started).toBeLessThan(150);
      await sim.control('PUT', '/settings', { latencyMs: 0 });
      started = Date.now();
      await tokenCall(p);
      expect(Date.now() - started).toBeLessThan(150);
    });

    it('fails with a probability, reproducibly for a seed', async () => {
      const { body: p } = await sim.control<{ appid: string; secret: string; currentTicket: string }>(
        'POST',
        '/platforms',
        {},
      );
      const run = async () => {
        await sim.control('PUT', '/faults', {
          rules: [{ endpoint: '*', failure: 'errcode', errcode: -1, probability: 0.3, seed: 99 }],
        });
        const outcomes: boolean[] = [];
        for (let i = 0; i < 40; i++)
          outcomes.push(((await (await tokenCall(p)).json()) as { errcode?: number }).errcode === -1);
        return outcomes;
      };
      const first = await run();
      const failures = first.filter(Boolean).length;
      expect(failures).toBeGreaterThan(3);
      expect(failures).toBeLessThan(25);
      expect(await run()).toEqual(first);
    });
  });

  it('counts calls and errors per endpoint and appid, and resets everything', async () => {
    const { body: p } = await sim.control<{ appid: string; secret: string; currentTicket: string }>(
      'POST',
      '/platforms',
      {},
    );
    await componentToken(sim, p);
    await tokenCall({ ...p, secret: 'wrong' });
    const { body } = await sim.control<{ calls: number; errors: number; tokensIssued: number }[]>(
      'GET',
      `/counters?endpoint=cgi-bin/component/api_component_token&appid=${p.appid}`,
    );
    expect(body).toEqual([expect.objectContaining({ calls: 2, errors: 1, tokensIssued: 1 })]);
    expect((await sim.control('POST', '/reset')).status).toBe(200);
    expect((await sim.control<unknown[]>('GET', '/platforms')).body).toEqual([]);
    expect((await sim.control<unknown[]>('GET', '/counters')).body).toEqual([]);
  });

  it('serves health and metrics', async () => {
    expect((await fetch(`${sim.url}/health/live`)).status).toBe(200);
    expect(await (await fetch(`${sim.url}/metrics`)).text()).toContain('service="wechat-sim"');
  });
});
