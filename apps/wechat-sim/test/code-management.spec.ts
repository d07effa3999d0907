import {
  committedMiniPrograms,
  componentToken,
  platformWithReceiver,
  PushReceiver,
  startSim,
  until,
  type Sim,
} from './sim-test.util';

describe('wechat-sim code management (wechat-protocol.md §5)', () => {
  let sim: Sim;
  let receiver: PushReceiver;
  let platform: Awaited<ReturnType<typeof platformWithReceiver>>;
  let ct: string;
  let templateId: number;

  beforeAll(async () => {
    sim = await startSim({ SIM_AUDIT_QUOTA: '100' });
    receiver = await PushReceiver.start();
    platform = await platformWithReceiver(sim, receiver, { startTickets: true });
    ct = await componentToken(sim, platform);
    templateId = await newTemplate('1.0.0');
  });

  afterAll(async () => {
    await sim.close();
    await receiver.close();
  });

  async function newTemplate(version: string): Promise<number> {
    const { body } = await sim.control<{ draftId: number }>('POST', `/platforms/${platform.appid}/drafts`, {
      userVersion: version,
      userDesc: 'd',
    });
    expect(
      await sim.api('/wxa/addtotemplate', {
        query: { access_token: ct },
        body: { draft_id: body.draftId, template_type: 0 },
      }),
    ).toEqual({ errcode: 0, errmsg: 'ok' });
    const list = await sim.api<{ template_list: { template_id: number; draft_id: number }[] }>(
      '/wxa/gettemplatelist',
      { query: { access_token: ct } },
    );
    return list.template_list.find((t) => t.draft_id === body.draftId)!.template_id;
  }

  /** A freshly authorized mini program and its authorizer token. */
  async function miniProgram(
    type: 'mini_program' | 'official_account' = 'mini_program',
    funcInfo?: number[],
  ) {
    const { body } = await sim.control<{ appids: string[] }>('POST', '/accounts', { count: 1, type });
    const appid = body.appids[0]!;
    const { body: auth } = await sim.control<{ authCode: string }>(
      'POST',
      `/platforms/${platform.appid}/authorizations`,
      { authorizerAppid: appid, funcInfo },
    );
    const exchanged = await sim.api<{ authorization_info: { authorizer_access_token: string } }>(
      '/cgi-bin/component/api_query_auth',
      {
        query: { component_access_token: ct },
        body: { component_appid: platform.appid, authorization_code: auth.authCode },
      },
    );
    const at = exchanged.authorization_info.authorizer_access_token;
    const call = <T = Record<string, unknown>>(
      path: string,
      body?: unknown,
      query: Record<string, string> = {},
    ) =>
      sim.api<T>(`/${path}`, {
        query: { access_token: at, ...query },
        body,
        method: body === undefined ? 'GET' : 'POST',
      });
    return { appid, at, call };
  }

  const commitBody = (appid: string, overrides: Record<string, unknown> = {}) => ({
    template_id: templateId,
    ext_json: JSON.stringify({
      extEnable: true,
      extAppid: appid,
      ext: { shopId: '42' },
      pages: ['pages/index/index', 'pages/detail/detail'],
    }),
    user_version: 'V1.0.3',
    user_desc: 'release notes',
    ...overrides,
  });

  const decide = (appid: string, decision: string) =>
    sim.control('POST', `/platforms/${platform.appid}/accounts/${appid}/audit`, { decision });

  describe('template library', () => {
    it('lists drafts, adds, lists and deletes templates, with 85064 for unknown ones', async () => {
      const drafts = await sim.api<{ draft_list: unknown[] }>('/wxa/gettemplatedraftlist', {
        query: { access_token: ct },
      });
      expect(drafts.draft_list.length).toBeGreaterThanOrEqual(1);
      const id = await newTemplate('2.0.0');
      expect(
        await sim.api('/wxa/deletetemplate', { query: { access_token: ct }, body: { template_id: id } }),
      ).toEqual({ errcode: 0, errmsg: 'ok' });
      expect(
        (await sim.api('/wxa/deletetemplate', { query: { access_token: ct }, body: { template_id: id } }))
          .errcode,
      ).toBe(85064);
      expect(
        (await sim.api('/wxa/addtotemplate', { query: { access_token: ct }, body: { draft_id: 99999 } }))
          .errcode,
      ).toBe(85064);
    });

    it('refuses an authorizer token for template APIs', async () => {
      const { at } = await miniProgram();
      expect((await sim.api('/wxa/gettemplatelist', { query: { access_token: at } })).errcode).toBe(40001);
    });
  });

  describe('commit', () => {
    it.each([
      ['an unknown template: 85014', { template_id: 987654 }, 85014],
      ['ext_json that is not JSON: 85048', { ext_json: '{"extEnable":' }, 85048],
      ['ext_json as an object instead of a string: 47001', { ext_json: { extEnable: true } }, 47001],
      ['empty pages: 85047', { ext_json: JSON.stringify({ pages: [] }) }, 85047],
      ['another extAppid: 85013', { ext_json: JSON.stringify({ extAppid: 'wxsomeoneelse' }) }, 85013],
    ])('refuses %s', async (_name, overrides, errcode) => {
      const { appid, call } = await miniProgram();
      expect((await call('wxa/commit', commitBody(appid, overrides))).errcode).toBe(errcode);
    });

    it('creates the trial version: pages, version info and a QR code image', async () => {
      const { appid, at, call } = await miniProgram();
      expect((await call('wxa/get_page')).errcode).toBe(86001);
      expect(await call('wxa/commit', commitBody(appid))).toEqual({ errcode: 0, errmsg: 'ok' });
      expect(await call('wxa/get_page')).toMatchObject({
        page_list: ['pages/index/index', 'pages/detail/detail'],
      });
      expect(await call('wxa/getversioninfo', {})).toMatchObject({
        exp_info: { exp_version: 'V1.0.3', exp_desc: 'release notes' },
      });
      const qr = await fetch(
        `${sim.url}/wxa/get_qrcode?access_token=${encodeURIComponent(at)}&path=${encodeURIComponent('page/index?action=1')}`,
      );
      expect(qr.headers.get('content-type')).toBe('image/jpeg');
      expect(qr.headers.get('content-disposition')).toContain('QRCode.jpg');
      const bytes = Buffer.from(await qr.arrayBuffer());
      expect([...bytes.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
      expect([...bytes.subarray(-2)]).toEqual([0xff, 0xd9]);
      expect(bytes.toString('latin1')).toContain('page/index?action=1');
    });

    it('answers wxa calls of an official account with 48001 and without permission set 18 with 61007', async () => {
      const oa = await miniProgram('official_account');
      expect((await oa.call('wxa/get_category')).errcode).toBe(48001);
      const limited = await miniProgram('mini_program', [17, 19]);
      expect((await limited.call('wxa/get_category')).errcode).toBe(61007);
    });
  });

  describe('audit and release', () => {
    it('walks commit → submit → approve (push) → release, with every rule on the way', async () => {
      const { appid, call } = await miniProgram();
      expect((await call('wxa/submit_audit', {})).errcode).toBe(85086);
      await call('wxa/commit', commitBody(appid));
      const categories = await call<{ category_list: { first_id: number; second_id: number }[] }>(
        'wxa/get_category',
      );
      const item = {
        address: 'pages/index/index',
        tag: '工具',
        first_class: '工具',
        second_class: '效率',
        ...categories.category_list[0],
        title: '首页',
      };
      expect(
        (await call('wxa/submit_audit', { item_list: [{ ...item, first_id: 1, second_id: 2 }] })).errcode,
      ).toBe(85077);
      expect((await call('wxa/submit_audit', { item_list: Array(6).fill(item) })).errcode).toBe(85023);
      const before = await call<{ rest: number }>('wxa/queryquota');
      const submitted = await call<{ auditid: number }>('wxa/submit_audit', {
        item_list: [item],
        version_desc: 'v',
      });
      expect(submitted.auditid).toEqual(expect.any(Number));
      expect((await call<{ rest: number }>('wxa/queryquota')).rest).toBe(before.rest - 1);
      expect((await call('wxa/submit_audit', {})).errcode).toBe(85009);
      expect(await call('wxa/get_auditstatus', { auditid: submitted.auditid })).toMatchObject({ status: 2 });
      expect((await call('wxa/get_auditstatus', { auditid: 1 })).errcode).toBe(85012);
      expect((await call('wxa/release', {})).errcode).toBe(85020);

      await decide(appid, 'success');
      await until(() =>
        receiver.received.some((p) => p.path.includes(appid) && p.inner['Event'] === 'weapp_audit_success'),
      );
      expect(await call('wxa/get_latest_auditstatus')).toMatchObject({
        auditid: submitted.auditid,
        status: 0,
        user_version: 'V1.0.3',
      });

      expect(
        (await sim.api('/wxa/release', { query: { access_token: (await miniProgram()).at }, body: {} }))
          .errcode,
      ).toBe(85019);
      expect(
        (await sim.api('/wxa/release', { query: { access_token: await tokenOf(call) }, body: '' })).errcode,
      ).toBe(44002);
      expect(await call('wxa/release', {})).toEqual({ errcode: 0, errmsg: 'ok' });
      expect((await call('wxa/release', {})).errcode).toBe(85052);
      expect(await call('wxa/getversioninfo', {})).toMatchObject({
        release_info: { release_version: 'V1.0.3' },
      });
    });

    it('sends weapp_audit_fail with reason and screenshots, and weapp_audit_delay', async () => {
      const { appid, call } = await miniProgram();
      await call('wxa/commit', commitBody(appid));
      await call('wxa/submit_audit', {});
      await decide(appid, 'delay');
      expect(await call('wxa/get_latest_auditstatus')).toMatchObject({ status: 4 });
      expect((await call('wxa/submit_audit', {})).errcode).toBe(85009);
      await decide(appid, 'fail');
      await until(() =>
        receiver.received.some((p) => p.path.includes(appid) && p.inner['Event'] === 'weapp_audit_fail'),
      );
      const fail = receiver.received.find(
        (p) => p.path.includes(appid) && p.inner['Event'] === 'weapp_audit_fail',
      )!;
      expect(fail.inner).toMatchObject({
        MsgType: 'event',
        Reason: expect.stringContaining('不符'),
        ScreenShot: 'sim_media_1|sim_media_2',
      });
      expect(
        receiver.received.some((p) => p.path.includes(appid) && p.inner['Event'] === 'weapp_audit_delay'),
      ).toBe(true);
      expect(await call('wxa/get_latest_auditstatus')).toMatchObject({
        status: 1,
        ScreenShot: 'sim_media_1|sim_media_2',
      });
    });

    it('undoes an audit (status 3) within 5 a day, and not when nothing is auditing', async () => {
      await sim.control('PUT', '/settings', { undoAuditDailyLimit: 1 });
      try {
        const { appid, call } = await miniProgram();
        expect((await call('wxa/undocodeaudit')).errcode).toBe(87012);
        await call('wxa/commit', commitBody(appid));
        await call('wxa/submit_audit', {});
        expect(await call('wxa/undocodeaudit')).toEqual({ errcode: 0, errmsg: 'ok' });
        expect(await call('wxa/get_latest_auditstatus')).toMatchObject({ status: 3 });
        await call('wxa/submit_audit', {});
        expect((await call('wxa/undocodeaudit')).errcode).toBe(87013);
      } finally {
        await sim.control('PUT', '/settings', { undoAuditDailyLimit: 5 });
      }
    });

    it('speeds up an audit within the speedup quota', async () => {
      const { appid, call } = await miniProgram();
      await call('wxa/commit', commitBody(appid));
      const { auditid } = await call<{ auditid: number }>('wxa/submit_audit', {});
      expect(await call('wxa/speedupaudit', { auditid })).toEqual({ errcode: 0, errmsg: 'ok' });
      expect((await call('wxa/speedupaudit', { auditid: 5 })).errcode).toBe(85012);
    });

    it('rolls back once to the previous version, keeps history, and gray-releases by rules', async () => {
      const { appid, call } = await miniProgram();
      const release = async (version: string) => {
        await call('wxa/commit', commitBody(appid, { user_version: version }));
        await call('wxa/submit_audit', {});
        await decide(appid, 'success');
      };
      expect((await call('wxa/grayrelease', { gray_percentage: 10 })).errcode).toBe(85079);
      await release('1.0.0');
      await call('wxa/release', {});
      expect((await call('wxa/revertcoderelease')).errcode).toBe(87012);
      expect((await call('wxa/grayrelease', { gray_percentage: 10 })).errcode).toBe(85080);
      await release('1.1.0');
      expect((await call('wxa/grayrelease', { gray_percentage: 0 })).errcode).toBe(85081);
      // 0 % only with a "first" flag: experiencers (or debuggers) only (§5.7).
      expect(await call('wxa/grayrelease', { gray_percentage: 0, support_experiencer_first: true })).toEqual({
        errcode: 0,
        errmsg: 'ok',
      });
      expect(await call('wxa/grayrelease', { gray_percentage: 10, support_debuger_first: true })).toEqual({
        errcode: 0,
        errmsg: 'ok',
      });
      expect((await call('wxa/grayrelease', { gray_percentage: 5 })).errcode).toBe(85082);
      expect(await call('wxa/getgrayreleaseplan')).toMatchObject({
        gray_release_plan: { status: 1, gray_percentage: 10, support_debuger_first: true },
      });
      expect((await call('wxa/revertcoderelease')).errcode).toBe(87011);
      expect(await call('wxa/revertgrayrelease')).toEqual({ errcode: 0, errmsg: 'ok' });
      expect(await call('wxa/release', {})).toEqual({ errcode: 0, errmsg: 'ok' });
      expect(await call('wxa/revertcoderelease', undefined, { action: 'get_history_version' })).toMatchObject(
        {
          version_list: [{ app_version: 1, user_version: '1.0.0' }],
        },
      );
      expect(await call('wxa/revertcoderelease')).toEqual({ errcode: 0, errmsg: 'ok' });
      expect(await call('wxa/getversioninfo', {})).toMatchObject({
        release_info: { release_version: '1.0.0' },
      });
      expect((await call('wxa/revertcoderelease')).errcode).toBe(87012);
      expect(await call('wxa/change_visitstatus', { action: 'close' })).toEqual({ errcode: 0, errmsg: 'ok' });
      expect((await call('wxa/change_visitstatus', { action: 'maybe' })).errcode).toBe(47001);
    });

    it('answers 61039 while the privacy scan runs after a commit', async () => {
      await sim.control('PUT', '/settings', { privacyScanSeconds: 60 });
      try {
        const { appid, call } = await miniProgram();
        await call('wxa/commit', commitBody(appid));
        expect((await call('wxa/submit_audit', {})).errcode).toBe(61039);
        await sim.control('POST', '/clock/advance', { seconds: 61 });
        expect((await call('wxa/submit_audit', {})).errcode).toBe(0);
      } finally {
        await sim.control('PUT', '/settings', { privacyScanSeconds: 0 });
        ct = await componentToken(sim, platform);
      }
    });

    it('shares the audit quota across the platform’s mini programs (85085)', async () => {
      const sim2 = await startSim({ SIM_AUDIT_QUOTA: '1' });
      try {
        const results: (number | undefined)[] = [];
        for (const at of await committedMiniPrograms(sim2, 2)) {
          results.push(
            (await sim2.api('/wxa/submit_audit', { query: { access_token: at }, body: {} })).errcode,
          );
        }
        expect(results).toEqual([0, 85085]);
      } finally {
        await sim2.close();
      }
    });

    it('rolls the audit and speed-up quotas over at the next month of the simulated clock', async () => {
      // Tokens that outlive the 32 simulated days.
      const sim2 = await startSim({ SIM_AUDIT_QUOTA: '1', SIM_TOKEN_TTL_SECONDS: '100000000' });
      try {
        const [first, second] = await committedMiniPrograms(sim2, 2);
        const submit = async (at: string) =>
          (await sim2.api('/wxa/submit_audit', { query: { access_token: at }, body: {} })).errcode;
        const quota = (at: string) =>
          sim2.api<{ rest: number; limit: number; speedup_rest: number }>('/wxa/queryquota', {
            query: { access_token: at },
          });
        expect(await submit(first!)).toBe(0);
        const { auditid } = await sim2.api<{ auditid: number }>('/wxa/get_latest_auditstatus', {
          query: { access_token: first! },
        });
        await sim2.api('/wxa/speedupaudit', { query: { access_token: first! }, body: { auditid } });
        expect(await quota(first!)).toMatchObject({ rest: 0, limit: 1, speedup_rest: 0 });
        expect(await submit(second!)).toBe(85085);
        await sim2.control('POST', '/clock/advance', { seconds: 32 * 86_400 });
        expect(await quota(second!)).toMatchObject({ rest: 1, limit: 1, speedup_rest: 1 });
        expect(await submit(second!)).toBe(0);
        expect(await quota(second!)).toMatchObject({ rest: 0 });
      } finally {
        await sim2.close();
      }
    });
  });

  describe('audit policies', () => {
    it.each([
      ['approve', 'weapp_audit_success', 0],
      ['reject', 'weapp_audit_fail', 1],
    ])('%s decides after the delay and pushes %s', async (policy, event, status) => {
      await sim.control('PUT', '/settings', { auditPolicy: policy, auditDelaySeconds: 0 });
      try {
        const { appid, call } = await miniProgram();
        await call('wxa/commit', commitBody(appid));
        await call('wxa/submit_audit', {});
        await until(() =>
          receiver.received.some((p) => p.path.includes(appid) && p.inner['Event'] === event),
        );
        expect(await call('wxa/get_latest_auditstatus')).toMatchObject({ status });
      } finally {
        await sim.control('PUT', '/settings', { auditPolicy: 'manual' });
      }
    });

    it('random approves, rejects and delays (then decides), reproducibly for a seed', async () => {
      const outcomes = async () => {
        const receiver2 = await PushReceiver.start();
        const sim2 = await startSim({
          SIM_AUDIT_POLICY: 'random',
          SIM_AUDIT_DELAY_SECONDS: '0',
          SIM_AUDIT_SEED: '7',
          SIM_AUDIT_QUOTA: '100',
        });
        try {
          const platform2 = await platformWithReceiver(sim2, receiver2);
          const tokens = await committedMiniPrograms(sim2, 30, platform2);
          for (const at of tokens)
            await sim2.api('/wxa/submit_audit', { query: { access_token: at }, body: {} });
          const final = async (at: string) =>
            (
              await sim2.api<{ status: number }>('/wxa/get_latest_auditstatus', {
                query: { access_token: at },
              })
            ).status;
          const audits = () =>
            receiver2.received.filter((push) => String(push.inner['Event'] ?? '').startsWith('weapp_audit_'));
          await until(() => audits().length >= tokens.length);
          const statuses: number[] = [];
          for (const at of tokens) {
            let status = await final(at);
            for (let i = 0; i < 200 && (status === 2 || status === 4); i++) {
              await new Promise((resolve) => setTimeout(resolve, 5));
              status = await final(at);
            }
            statuses.push(status);
          }
          // Each account's events in order: a delay is followed by its decision.
          const events = new Map<string, string[]>();
          for (const push of audits()) {
            const key = push.path;
            events.set(key, [...(events.get(key) ?? []), String(push.inner['Event'])]);
          }
          // Sorted: accounts' pushes interleave in arrival order, which timing decides; the
          // outcome of each submit (statuses, in submit order) is what the seed fixes.
          return { statuses, sequences: [...events.values()].map((list) => list.join(',')).sort() };
        } finally {
          await sim2.close();
          await receiver2.close();
        }
      };
      const first = await outcomes();
      expect(first.statuses.every((s) => s === 0 || s === 1)).toBe(true);
      expect(first.statuses).toContain(0);
      expect(first.statuses).toContain(1);
      const delayed = first.sequences.filter((sequence) => sequence.startsWith('weapp_audit_delay'));
      expect(delayed.length).toBeGreaterThan(0);
      for (const sequence of delayed)
        expect(sequence).toMatch(/^weapp_audit_delay,weapp_audit_(success|fail)$/);
      expect(await outcomes()).toEqual(first);
    });
  });

  describe('domains, privacy and messages', () => {
    const platformDomains = (path: string, body: Record<string, unknown>) =>
      sim.api<Record<string, unknown>>(`/cgi-bin/component/${path}`, { query: { access_token: ct }, body });

    it('modifies server domains and web-view domains by action', async () => {
      const { call } = await miniProgram();
      await platformDomains('modify_wxa_server_domain', {
        action: 'add',
        wxa_server_domain: 'a.example.com',
      });
      expect(
        await call('wxa/modify_domain', {
          action: 'add',
          requestdomain: ['https://a.example.com'],
          wsrequestdomain: ['wss://a.example.com'],
        }),
      ).toMatchObject({
        requestdomain: ['https://a.example.com'],
        wsrequestdomain: ['wss://a.example.com'],
      });
      expect(
        (await call('wxa/modify_domain', { action: 'add', requestdomain: ['http://insecure.example.com'] }))
          .errcode,
      ).toBe(85017);
      expect(
        await call('wxa/modify_domain_directly', {
          action: 'delete',
          requestdomain: ['https://a.example.com'],
        }),
      ).toMatchObject({ requestdomain: [] });
      expect(
        await call('wxa/setwebviewdomain', { action: 'set', webviewdomain: ['https://h5.example.com'] }),
      ).toMatchObject({ webviewdomain: ['https://h5.example.com'] });
      expect(
        (await call('wxa/setwebviewdomain', { action: 'set', webviewdomain: ['https://h5.example.com'] }))
          .errcode,
      ).toBe(89019);
    });

    it('keeps the platform server-domain and jump-domain lists: testing, published with the flag, invalid ones answered apart', async () => {
      expect(
        await platformDomains('modify_wxa_server_domain', {
          action: 'add',
          wxa_server_domain: 'list.example.com;1.2.3.4;api.weixin.qq.com;https://x.example.com',
        }),
      ).toMatchObject({
        errcode: 0,
        testing_wxa_server_domain: expect.stringContaining('list.example.com'),
        invalid_wxa_server_domain: '1.2.3.4;api.weixin.qq.com;https://x.example.com',
      });
      const got = await platformDomains('modify_wxa_server_domain', { action: 'get' });
      expect(String(got['published_wxa_server_domain']).split(';')).not.toContain('list.example.com');
      await platformDomains('modify_wxa_server_domain', {
        action: 'add',
        wxa_server_domain: 'list.example.com',
        is_modify_published_together: true,
      });
      const published = await platformDomains('modify_wxa_server_domain', { action: 'get' });
      expect(String(published['published_wxa_server_domain']).split(';')).toContain('list.example.com');
      await platformDomains('modify_wxa_server_domain', {
        action: 'delete',
        wxa_server_domain: 'list.example.com',
      });
      const deleted = await platformDomains('modify_wxa_server_domain', { action: 'get' });
      expect(String(deleted['testing_wxa_server_domain']).split(';')).not.toContain('list.example.com');
      expect(String(deleted['published_wxa_server_domain']).split(';')).toContain('list.example.com');

      expect(
        await platformDomains('modify_wxa_jump_domain', {
          action: 'set',
          wxa_jump_h5_domain: 'h5.example.com',
        }),
      ).toEqual({
        errcode: 0,
        errmsg: 'ok',
        published_wxa_jump_h5_domain: '',
        testing_wxa_jump_h5_domain: 'h5.example.com',
        invalid_wxa_jump_h5_domain: '',
      });
      // The component token only: an authorizer token is refused.
      const { at } = await miniProgram();
      expect(
        (
          await sim.api<{ errcode: number }>('/cgi-bin/component/modify_wxa_jump_domain', {
            query: { access_token: at },
            body: { action: 'get' },
          })
        ).errcode,
      ).not.toBe(0);
    });

    it('allows 50 platform-list changes a month, each list apart; get is not counted', async () => {
      const { body: before } = await sim.control<{ platformDomainMonthlyLimit: number }>('GET', '/settings');
      // A limit already reached: changes are refused, reads are not.
      await sim.control('PUT', '/settings', { platformDomainMonthlyLimit: 0 });
      try {
        expect(
          (
            await platformDomains('modify_wxa_server_domain', {
              action: 'add',
              wxa_server_domain: 'q.example.com',
            })
          )['errcode'],
        ).toBe(45009);
        expect((await platformDomains('modify_wxa_server_domain', { action: 'get' }))['errcode']).toBe(0);
        expect(
          (
            await platformDomains('modify_wxa_jump_domain', {
              action: 'add',
              wxa_jump_h5_domain: 'q.example.com',
            })
          )['errcode'],
        ).toBe(45009);
      } finally {
        await sim.control('PUT', '/settings', {
          platformDomainMonthlyLimit: before.platformDomainMonthlyLimit,
        });
      }
      expect(before.platformDomainMonthlyLimit).toBe(50);
      expect(
        (
          await platformDomains('modify_wxa_server_domain', {
            action: 'add',
            wxa_server_domain: 'q.example.com',
          })
        )['errcode'],
      ).toBe(0);
    });

    it('modify_domain takes only hosts on the platform list (85017), modify_domain_directly any; get_effective_domain shows both', async () => {
      const { call } = await miniProgram();
      expect(
        (await call('wxa/modify_domain', { action: 'add', requestdomain: ['https://unlisted.example.com'] }))
          .errcode,
      ).toBe(85017);
      await platformDomains('modify_wxa_server_domain', {
        action: 'add',
        wxa_server_domain: 'listed.example.com',
      });
      expect(
        await call('wxa/modify_domain', { action: 'add', requestdomain: ['https://listed.example.com'] }),
      ).toMatchObject({ errcode: 0, requestdomain: ['https://listed.example.com'] });
      expect(
        await call('wxa/modify_domain_directly', {
          action: 'add',
          requestdomain: ['https://unlisted.example.com'],
          downloaddomain: ['https://cdn.example.com'],
        }),
      ).toMatchObject({ errcode: 0, requestdomain: ['https://unlisted.example.com'] });

      const effective = await call<Record<string, Record<string, string[]>>>('wxa/get_effective_domain', {});
      expect(effective['mp_domain']!['requestdomain']).toEqual([]);
      expect(effective['third_domain']!['requestdomain']).toEqual(['https://listed.example.com']);
      expect(effective['direct_domain']!['requestdomain']).toEqual(['https://unlisted.example.com']);
      expect(effective['effective_domain']).toMatchObject({
        requestdomain: ['https://listed.example.com', 'https://unlisted.example.com'],
        downloaddomain: ['https://cdn.example.com'],
      });

      await sim.control('PUT', '/settings', { platformDomainCheck: false });
      try {
        expect(
          (await call('wxa/modify_domain', { action: 'add', requestdomain: ['https://other.example.com'] }))
            .errcode,
        ).toBe(0);
      } finally {
        await sim.control('PUT', '/settings', { platformDomainCheck: true });
      }
    });

    it('get_code_privacy_info: 61039 during the scan, then the declared geo APIs no privacy setting covers; submit_audit answers 61040 until covered', async () => {
      const { appid, call } = await miniProgram();
      expect((await call('wxa/security/get_code_privacy_info')).errcode).toBe(86001);
      const ext = {
        extAppid: appid,
        pages: ['pages/index/index'],
        requiredPrivateInfos: ['getLocation', 'chooseAddress', 'notAGeoApi'],
      };
      await sim.control('PUT', '/settings', { privacyScanSeconds: 60 });
      try {
        await call('wxa/commit', commitBody(appid, { ext_json: JSON.stringify(ext) }));
        expect((await call('wxa/security/get_code_privacy_info')).errcode).toBe(61039);
        await sim.control('POST', '/clock/advance', { seconds: 61 });
      } finally {
        await sim.control('PUT', '/settings', { privacyScanSeconds: 0 });
      }
      expect(await call('wxa/security/get_code_privacy_info')).toEqual({
        errcode: 0,
        errmsg: 'ok',
        without_auth_list: [],
        without_conf_list: ['getLocation', 'chooseAddress'],
      });
      expect((await call('wxa/submit_audit', {})).errcode).toBe(61040);

      await sim.control('PUT', '/settings', { privacyApiCheck: false });
      try {
        const { appid: other, call: callOther } = await miniProgram();
        await callOther(
          'wxa/commit',
          commitBody(other, { ext_json: JSON.stringify({ ...ext, extAppid: other }) }),
        );
        expect((await callOther('wxa/submit_audit', {})).errcode).toBe(0);
      } finally {
        await sim.control('PUT', '/settings', { privacyApiCheck: true });
      }

      await call('cgi-bin/component/setprivacysetting', {
        owner_setting: { contact_email: 'a@b.com', notice_method: '弹窗' },
        setting_list: [{ privacy_key: 'Location', privacy_text: '附近门店' }],
      });
      expect((await call('wxa/security/get_code_privacy_info'))['without_conf_list']).toEqual([
        'chooseAddress',
      ]);
      await call('cgi-bin/component/setprivacysetting', {
        owner_setting: { contact_email: 'a@b.com', notice_method: '弹窗' },
        setting_list: [
          { privacy_key: 'Location', privacy_text: '附近门店' },
          { privacy_key: 'Address', privacy_text: '收货地址' },
        ],
      });
      expect((await call('wxa/security/get_code_privacy_info'))['without_conf_list']).toEqual([]);
      expect((await call<{ errcode: number; auditid: number }>('wxa/submit_audit', {})).errcode).toBe(0);
    });

    it('sets and gets privacy settings, requiring a contact and a "<n>天" retention', async () => {
      const { call } = await miniProgram();
      const owner = { contact_email: 'a@b.com', notice_method: '弹窗', store_expire_timestamp: '30天' };
      const settings = [{ privacy_key: 'UserInfo', privacy_text: '登录' }];
      expect(
        await call('cgi-bin/component/setprivacysetting', {
          privacy_ver: 2,
          owner_setting: owner,
          setting_list: settings,
        }),
      ).toEqual({ errcode: 0, errmsg: 'ok' });
      expect(await call('cgi-bin/component/getprivacysetting', { privacy_ver: 2 })).toMatchObject({
        privacy_list: ['UserInfo'],
        owner_setting: owner,
      });
      expect(
        (
          await call('cgi-bin/component/setprivacysetting', {
            owner_setting: { notice_method: 'x' },
            setting_list: [],
          })
        ).errcode,
      ).toBe(47001);
      expect(
        (
          await call('cgi-bin/component/setprivacysetting', {
            owner_setting: { ...owner, store_expire_timestamp: '30 days' },
          })
        ).errcode,
      ).toBe(87072);
    });

    it('records customer-service messages (used by the 全网发布 check)', async () => {
      const { appid, call } = await miniProgram();
      expect(
        await call('cgi-bin/message/custom/send', {
          touser: 'o_tester',
          msgtype: 'text',
          text: { content: 'code_from_api' },
        }),
      ).toEqual({ errcode: 0, errmsg: 'ok' });
      const { body } = await sim.control<{ touser: string; content: unknown }[]>(
        'GET',
        `/accounts/${appid}/messages`,
      );
      expect(body).toMatchObject([
        { touser: 'o_tester', msgtype: 'text', content: { content: 'code_from_api' } },
      ]);
    });
  });
});

/** The access token a `call` helper closes over (read back through a harmless call's URL is not possible, so keep it simple). */
async function tokenOf(call: (path: string) => Promise<unknown>): Promise<string> {
  let captured = '';
  const original = globalThis.fetch;
  globalThis.fetch = ((input: URL, init?: RequestInit) => {
    captured = new URL(String(input)).searchParams.get('access_token') ?? '';
    return original(input, init);
  }) as typeof fetch;
  try {
    await call('wxa/get_page');
  } finally {
    globalThis.fetch = original;
  }
  return captured;
}
