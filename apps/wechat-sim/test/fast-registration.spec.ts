import {
  componentToken,
  platformWithReceiver,
  PushReceiver,
  startSim,
  until,
  type Sim,
} from './sim-test.util';

type Platform = Awaited<ReturnType<typeof platformWithReceiver>>;

interface Registration {
  appid?: string;
  authCode?: string;
  push: { delivered: boolean; type: string; kind: string; xml: string };
}

describe('wechat-sim fast registration (wechat-protocol.md §2.1)', () => {
  let sim: Sim;
  let receiver: PushReceiver;
  let platform: Platform;
  let ct: string;

  beforeEach(async () => {
    sim = await startSim();
    receiver = await PushReceiver.start();
    platform = await platformWithReceiver(sim, receiver, { startTickets: false });
    await sim.control('POST', `/platforms/${platform.appid}/tickets`);
    ct = await componentToken(sim, platform);
  });

  afterEach(async () => {
    await sim.close();
    await receiver.close();
  });

  const C = '/cgi-bin/component';
  const register = (body: Record<string, unknown>) =>
    sim.control<Registration>('POST', `/platforms/${platform.appid}/fast-registrations?wait=true`, body);
  const fastRegisterPushes = () =>
    receiver.received.filter((p) => p.inner['InfoType'] === 'notify_third_fasteregister');
  const authorizerList = () =>
    sim.api<{ total_count: number; list: { authorizer_appid: string; refresh_token?: string }[] }>(
      `${C}/api_get_authorizer_list`,
      {
        query: { component_access_token: ct },
        body: { component_appid: platform.appid, offset: 0, count: 500 },
      },
    );

  describe('Fast registration - /sim/platforms/:appid/fast-registrations (POST)', () => {
    it('creates an enterprise mini program and pushes its appid and auth code, encrypted, with the <info>', async () => {
      const { status, body } = await register({
        name: '腾讯计算机系统有限公司',
        code: '914403007152XXXXXX',
        codeType: 1,
        legalPersonaWechat: 'legal_wechat',
        legalPersonaName: '张三',
        componentPhone: '0755-86013388',
      });
      expect(status).toBe(201);
      expect(body.appid).toMatch(/^wx[0-9a-f]{16}$/);
      expect(body.authCode).toMatch(/^queryauthcode@@@/);
      expect(body.push).toMatchObject({
        delivered: true,
        kind: 'component',
        type: 'notify_third_fasteregister',
      });

      const [push] = fastRegisterPushes();
      expect(push!.path).toBe('/wechat/components/events');
      expect(push!.outer['AppId']).toBe(platform.appid);
      expect(push!.inner).toEqual({
        AppId: platform.appid,
        CreateTime: expect.stringMatching(/^\d+$/),
        InfoType: 'notify_third_fasteregister',
        appid: body.appid,
        status: '0',
        auth_code: body.authCode,
        msg: 'OK',
        info: {
          name: '腾讯计算机系统有限公司',
          code: '914403007152XXXXXX',
          code_type: '1',
          legal_persona_wechat: 'legal_wechat',
          legal_persona_name: '张三',
          component_phone: '0755-86013388',
        },
      });
      // WeChat's element order, lower-case after the common fields.
      expect(push!.innerXml).toMatch(
        /<InfoType>.*<\/InfoType><appid>.*<\/appid><status>0<\/status><auth_code>.*<\/auth_code><msg>.*<\/msg><info><name>.*<\/name><code>.*<\/code><code_type>1<\/code_type><legal_persona_wechat>.*<\/legal_persona_wechat><legal_persona_name>.*<\/legal_persona_name><component_phone>.*<\/component_phone><\/info><\/xml>$/,
      );

      const { body: account } = await sim.control<Record<string, unknown>>('GET', `/accounts/${body.appid}`);
      expect(account).toMatchObject({
        type: 'mini_program',
        nickName: '腾讯计算机系统有限公司',
        principalName: '腾讯计算机系统有限公司',
      });
      // Authorized without an `authorized` push.
      expect(receiver.received.some((p) => p.inner['InfoType'] === 'authorized')).toBe(false);
      const { body: authorizations } = await sim.control<{ authorizerAppid: string; exchanged: boolean }[]>(
        'GET',
        `/platforms/${platform.appid}/authorizations`,
      );
      expect(authorizations).toEqual([
        expect.objectContaining({ authorizerAppid: body.appid, status: 'authorized', exchanged: false }),
      ]);
    });

    it('lets the pushed auth code be exchanged once with api_query_auth, after which the list shows the refresh token', async () => {
      const { body } = await register({});
      const authCode = String(fastRegisterPushes()[0]!.inner['auth_code']);
      expect(authCode).toBe(body.authCode);

      const before = await authorizerList();
      expect(before.list).toEqual([{ authorizer_appid: body.appid, auth_time: expect.any(Number) }]);

      const exchange = () =>
        sim.api<{ authorization_info: Record<string, unknown> }>(`${C}/api_query_auth`, {
          query: { component_access_token: ct },
          body: { component_appid: platform.appid, authorization_code: authCode },
        });
      const first = await exchange();
      expect(first.authorization_info).toMatchObject({
        authorizer_appid: body.appid,
        authorizer_access_token: expect.stringMatching(/^at_/),
        authorizer_refresh_token: expect.stringMatching(/^refreshtoken@@@/),
        func_info: expect.arrayContaining([{ funcscope_category: { id: 18 } }]),
      });
      expect((await exchange()).errcode).toBe(61009);

      const after = await authorizerList();
      expect(after.list).toEqual([
        {
          authorizer_appid: body.appid,
          refresh_token: first.authorization_info['authorizer_refresh_token'],
          auth_time: expect.any(Number),
        },
      ]);
      const info = await sim.api<{ authorizer_info: Record<string, unknown> }>(
        `${C}/api_get_authorizer_info`,
        {
          query: { component_access_token: ct },
          body: { component_appid: platform.appid, authorizer_appid: body.appid },
        },
      );
      expect(info.authorizer_info).toHaveProperty('MiniProgramInfo');
    });

    it('pushes the personal variant with wxuser, idname and component_phone in <info>', async () => {
      const { body } = await register({
        kind: 'personal',
        name: '个人小程序',
        wxuser: 'zhangsan_wx',
        idname: '张三',
        componentPhone: '13800138000',
      });
      expect(fastRegisterPushes()[0]!.inner).toMatchObject({
        appid: body.appid,
        status: '0',
        info: { wxuser: 'zhangsan_wx', idname: '张三', component_phone: '13800138000' },
      });
      expect(Object.keys(fastRegisterPushes()[0]!.inner['info'] as object)).toEqual([
        'wxuser',
        'idname',
        'component_phone',
      ]);
      const { body: account } = await sim.control<Record<string, unknown>>('GET', `/accounts/${body.appid}`);
      expect(account).toMatchObject({ nickName: '个人小程序', principalName: '个人' });
    });

    it('on failure pushes status -1 and "open verity failed" without appid or auth code, and creates no account', async () => {
      const { body: accountsBefore } = await sim.control<{ total: number }>('GET', '/accounts');
      const { status, body } = await register({ outcome: 'failure', name: '某某有限公司' });
      expect(status).toBe(201);
      expect(body.appid).toBeUndefined();
      expect(body.authCode).toBeUndefined();
      expect(body.push.delivered).toBe(true);
      const inner = fastRegisterPushes()[0]!.inner;
      expect(inner).toEqual({
        AppId: platform.appid,
        CreateTime: expect.any(String),
        InfoType: 'notify_third_fasteregister',
        status: '-1',
        msg: 'open verity failed',
        info: expect.objectContaining({ name: '某某有限公司', code_type: '1' }),
      });
      expect((await sim.control<{ total: number }>('GET', '/accounts')).body.total).toBe(
        accountsBefore.total,
      );
      expect((await authorizerList()).total_count).toBe(0);
    });

    it('answers at once without the delivery record unless wait=true', async () => {
      const { status, body } = await sim.control<Registration>(
        'POST',
        `/platforms/${platform.appid}/fast-registrations`,
        {},
      );
      expect(status).toBe(201);
      expect(body).toEqual({ appid: expect.any(String), authCode: expect.any(String) });
      await until(() => fastRegisterPushes().length === 1);
    });

    it('answers 400 naming every bad field and 404 to an unknown platform', async () => {
      const bad = await register({ outcome: 'maybe', kind: 'company', codeType: 4, name: '' });
      expect(bad.status).toBe(400);
      const message = (bad.body as unknown as { message: string[] }).message.join(' ');
      for (const field of ['outcome', 'kind', 'codeType', 'name']) expect(message).toContain(field);
      expect((await sim.control('POST', '/platforms/wx0000000000000404/fast-registrations', {})).status).toBe(
        404,
      );
    });
  });
});
