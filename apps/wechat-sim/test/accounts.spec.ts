import { componentToken, startSim, type Sim } from './sim-test.util';

/** WeChat's fixed 全网发布 test accounts. */
const RELEASE_TEST_OFFICIAL_ACCOUNT = 'wx570bc396a51b8ff8';
const RELEASE_TEST_MINI_PROGRAM = 'wxd101a85aa106f53e';

interface AccountView {
  appid: string;
  type: string;
  nickName: string;
  principalName: string;
  headImg: string;
  qrcodeUrl: string;
  signature: string;
  serviceTypeId: number;
  verifyTypeId: number;
  accountStatus: number;
}

describe('wechat-sim accounts (/sim/accounts)', () => {
  let sim: Sim;

  beforeEach(async () => {
    sim = await startSim();
  });

  afterEach(async () => {
    await sim.close();
  });

  describe('Create accounts - /sim/accounts (POST)', () => {
    it('creates the 全网发布 test accounts under their fixed appids, count omitted or equal', async () => {
      const official = await sim.control<{ count: number; appids: string[]; accounts: AccountView[] }>(
        'POST',
        '/accounts',
        { appids: [RELEASE_TEST_OFFICIAL_ACCOUNT], type: 'official_account' },
      );
      expect(official.status).toBe(201);
      expect(official.body).toMatchObject({
        count: 1,
        appids: [RELEASE_TEST_OFFICIAL_ACCOUNT],
        accounts: [{ appid: RELEASE_TEST_OFFICIAL_ACCOUNT, type: 'official_account', serviceTypeId: 2 }],
      });
      const mini = await sim.control<{ appids: string[] }>('POST', '/accounts', {
        appids: [RELEASE_TEST_MINI_PROGRAM],
        count: 1,
        type: 'mini_program',
      });
      expect(mini.status).toBe(201);
      expect(mini.body.appids).toEqual([RELEASE_TEST_MINI_PROGRAM]);
      const { body: read } = await sim.control<AccountView>('GET', `/accounts/${RELEASE_TEST_MINI_PROGRAM}`);
      expect(read).toMatchObject({ appid: RELEASE_TEST_MINI_PROGRAM, type: 'mini_program' });
    });

    it('lets a push come from an account with an explicit appid', async () => {
      const { body: platform } = await sim.control<{ appid: string }>('POST', '/platforms', {
        startTickets: false,
      });
      await sim.control('POST', '/accounts', { appids: [RELEASE_TEST_MINI_PROGRAM], type: 'mini_program' });
      const { status, body: record } = await sim.control<{ authorizerAppid: string; type: string }>(
        'POST',
        `/platforms/${platform.appid}/pushes`,
        {
          authorizerAppid: RELEASE_TEST_MINI_PROGRAM,
          fields: { MsgType: 'text', Content: 'TESTCOMPONENT_MSG_TYPE_TEXT' },
        },
      );
      expect(status).toBe(201);
      expect(record).toMatchObject({ authorizerAppid: RELEASE_TEST_MINI_PROGRAM, type: 'text' });
    });

    it('refuses an appid that exists with 409, creating none of the batch', async () => {
      await sim.control('POST', '/accounts', {
        appids: [RELEASE_TEST_OFFICIAL_ACCOUNT],
        type: 'official_account',
      });
      const { status, body } = await sim.control<{ message: string }>('POST', '/accounts', {
        appids: [RELEASE_TEST_MINI_PROGRAM, RELEASE_TEST_OFFICIAL_ACCOUNT],
        type: 'mini_program',
      });
      expect(status).toBe(409);
      expect(body.message).toContain(RELEASE_TEST_OFFICIAL_ACCOUNT);
      expect((await sim.control('GET', `/accounts/${RELEASE_TEST_MINI_PROGRAM}`)).status).toBe(404);
    });

    it.each([
      [
        'an appid not shaped like WeChat’s',
        { appids: ['wxNOTHEX0000000000'], type: 'mini_program' },
        /appids/,
      ],
      [
        'a repeated appid',
        { appids: [RELEASE_TEST_MINI_PROGRAM, RELEASE_TEST_MINI_PROGRAM], type: 'mini_program' },
        /appids/,
      ],
      ['an empty list', { appids: [], type: 'mini_program' }, /appids/],
      ['neither count nor appids', { type: 'mini_program' }, /count/],
    ])('answers 400 to %s', async (_name, body, field) => {
      const answer = await sim.control<{ message: string[] }>('POST', '/accounts', body);
      expect(answer.status).toBe(400);
      expect(answer.body.message.join(' ')).toMatch(field);
    });

    it('answers 400 to a count that differs from the appids given', async () => {
      const { status, body } = await sim.control<{ message: string }>('POST', '/accounts', {
        appids: [RELEASE_TEST_MINI_PROGRAM],
        count: 2,
        type: 'mini_program',
      });
      expect(status).toBe(400);
      expect(body.message).toMatch(/count 2 differs from the 1 appids/);
    });
  });

  describe('Update an account - /sim/accounts/:appid (PATCH)', () => {
    it('changes what api_get_authorizer_info answers, leaving the other fields as they were', async () => {
      const { body: platform } = await sim.control<{ appid: string; secret: string }>(
        'POST',
        '/platforms',
        {},
      );
      const ct = await componentToken(sim, platform);
      const { body: created } = await sim.control<{ accounts: AccountView[] }>('POST', '/accounts', {
        count: 1,
        type: 'mini_program',
      });
      const before = created.accounts[0]!;
      await sim.control('POST', `/platforms/${platform.appid}/authorizations`, {
        authorizerAppid: before.appid,
      });
      const info = () =>
        sim.api<{ authorizer_info: Record<string, unknown> }>('/cgi-bin/component/api_get_authorizer_info', {
          query: { component_access_token: ct },
          body: { component_appid: platform.appid, authorizer_appid: before.appid },
        });
      expect((await info()).authorizer_info).toMatchObject({ nick_name: before.nickName, account_status: 1 });

      const patch = {
        nickName: '改名后的小程序',
        headImg: 'http://wx.qlogo.cn/mmopen/sim/new/0',
        signature: '新的简介',
        principalName: '新主体有限公司',
        qrcodeUrl: 'http://mmbiz.qpic.cn/mmbiz_jpg/sim/new/0',
        accountStatus: 16,
        verifyTypeId: -1,
        serviceTypeId: 12,
      };
      const { status, body: updated } = await sim.control<AccountView>(
        'PATCH',
        `/accounts/${before.appid}`,
        patch,
      );
      expect(status).toBe(200);
      expect(updated).toMatchObject({ appid: before.appid, ...patch });
      expect((await info()).authorizer_info).toMatchObject({
        nick_name: '改名后的小程序',
        head_img: 'http://wx.qlogo.cn/mmopen/sim/new/0',
        signature: '新的简介',
        principal_name: '新主体有限公司',
        qrcode_url: 'http://mmbiz.qpic.cn/mmbiz_jpg/sim/new/0',
        account_status: 16,
        verify_type_info: { id: -1 },
        service_type_info: { id: 12 },
        user_name: expect.stringMatching(/^gh_/),
      });

      await sim.control('PATCH', `/accounts/${before.appid}`, { nickName: '再改一次' });
      expect((await info()).authorizer_info).toMatchObject({ nick_name: '再改一次', signature: '新的简介' });
    });

    it('answers 404 to an unknown appid', async () => {
      const { status, body } = await sim.control<{ message: string }>(
        'PATCH',
        '/accounts/wx0000000000000404',
        {
          nickName: 'x',
        },
      );
      expect(status).toBe(404);
      expect(body.message).toContain('wx0000000000000404');
    });

    it('answers 400 naming every bad field, and changes nothing', async () => {
      const { body: created } = await sim.control<{ accounts: AccountView[] }>('POST', '/accounts', {
        count: 1,
        type: 'official_account',
      });
      const appid = created.accounts[0]!.appid;
      const { status, body } = await sim.control<{ message: string[] }>('PATCH', `/accounts/${appid}`, {
        nickName: '',
        headImg: 'not a url',
        accountStatus: 2,
        verifyTypeId: 'yes',
        serviceTypeId: -3,
        type: 'mini_program',
      });
      expect(status).toBe(400);
      const message = body.message.join(' ');
      for (const field of ['nickName', 'headImg', 'accountStatus', 'verifyTypeId', 'serviceTypeId', 'type'])
        expect(message).toContain(field);
      const { body: after } = await sim.control<AccountView>('GET', `/accounts/${appid}`);
      expect(after).toMatchObject(created.accounts[0]!);
    });
  });
});
