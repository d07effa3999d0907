import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { WechatApiClient } from './wechat-api.client';
import { WechatApiError, WechatTransportError } from './wechat-api.errors';
import { WechatCodeApi } from './wechat-code.client';
import { AuditStatus } from './wechat-code.types';

interface Seen {
  method: string;
  path: string;
  query: URLSearchParams;
  contentType?: string;
  body: string;
}

type Handler = (request: Seen, response: ServerResponse) => void;

/** A local HTTP server standing in for WeChat; each test sets its handler and reads what it saw. */
class FakeWechat {
  readonly seen: Seen[] = [];
  handler: Handler = (_request, response) => json(response, { errcode: 0, errmsg: 'ok' });
  private server!: Server;

  async start(): Promise<string> {
    this.server = createServer((request: IncomingMessage, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const url = new URL(request.url ?? '/', 'http://localhost');
        const seen: Seen = {
          method: request.method ?? '',
          path: url.pathname,
          query: url.searchParams,
          contentType: request.headers['content-type'],
          body: Buffer.concat(chunks).toString('utf8'),
        };
        this.seen.push(seen);
        this.handler(seen, response);
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The i-th request seen; fails the test when there was none. */
  at(index: number): Seen {
    const request = this.seen[index];
    if (!request) throw new Error(`no request #${index} (saw ${this.seen.length})`);
    return request;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

function json(response: ServerResponse, body: unknown): void {
  response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

describe(WechatCodeApi.name, () => {
  const wechat = new FakeWechat();
  let client: WechatApiClient;
  let sut: WechatCodeApi;

  beforeAll(async () => {
    const baseUrl = await wechat.start();
    client = new WechatApiClient({ baseUrl, timeoutMs: 300, maxAttempts: 3, retryDelayMs: 5 });
    sut = new WechatCodeApi(client);
  });
  afterAll(async () => {
    await client.close();
    await wechat.stop();
  });
  beforeEach(() => {
    wechat.seen.length = 0;
    wechat.handler = (_request, response) => json(response, { errcode: 0, errmsg: 'ok' });
  });

  describe('commit', () => {
    it('sends ext_json as a JSON string, the template id as a number, and the token in the query', async () => {
      const extJson = { extAppid: 'wx_a', ext: { shopId: '42' }, requiredPrivateInfos: ['getLocation'] };

      await sut.commit('AT-1', { templateId: 47, extJson, userVersion: 'V1.0.3', userDesc: 'notes' });

      const request = wechat.at(0);
      expect(request.method).toBe('POST');
      expect(request.path).toBe('/wxa/commit');
      expect(request.query.get('access_token')).toBe('AT-1');
      const body = JSON.parse(request.body) as Record<string, unknown>;
      expect(body).toEqual({
        template_id: 47,
        ext_json: JSON.stringify(extJson),
        user_version: 'V1.0.3',
        user_desc: 'notes',
      });
    });
  });

  describe('release', () => {
    it('posts the body {} as JSON (an empty body answers 44002)', async () => {
      await sut.release('AT-1');

      expect(wechat.seen).toHaveLength(1);
      expect(wechat.at(0)).toMatchObject({ method: 'POST', path: '/wxa/release', body: '{}' });
      expect(wechat.at(0).contentType).toContain('application/json');
    });

    it('surfaces 85052 as a WechatApiError with its endpoint', async () => {
      wechat.handler = (_request, response) =>
        json(response, { errcode: 85052, errmsg: 'app is already released' });

      await expect(sut.release('AT-1')).rejects.toMatchObject({
        name: 'WechatApiError',
        errcode: 85052,
        endpoint: 'wxa/release',
      });
    });
  });

  describe('getQrcode', () => {
    it('returns the image bytes and their content type, with the path in the query', async () => {
      const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x7b, 0x00, 0x01]);
      wechat.handler = (_request, response) =>
        response.writeHead(200, { 'content-type': 'image/jpeg' }).end(jpeg);

      const qrcode = await sut.getQrcode('AT-1', { path: 'pages/index?action=1' });

      expect(qrcode.contentType).toBe('image/jpeg');
      expect(qrcode.image.equals(jpeg)).toBe(true);
      expect(wechat.at(0).method).toBe('GET');
      expect(wechat.at(0).query.get('path')).toBe('pages/index?action=1');
    });

    it('turns a JSON error body into a WechatApiError instead of an image', async () => {
      wechat.handler = (_request, response) =>
        json(response, { errcode: 86001, errmsg: 'no committed code' });

      const error = await sut.getQrcode('AT-1').catch((e: unknown) => e);

      expect(error).toBeInstanceOf(WechatApiError);
      expect(error).toMatchObject({ errcode: 86001, endpoint: 'wxa/get_qrcode' });
    });

    it('reads a JSON error sent as text/plain too', async () => {
      wechat.handler = (_request, response) =>
        response
          .writeHead(200, { 'content-type': 'text/plain' })
          .end(JSON.stringify({ errcode: 40001, errmsg: 'invalid credential' }));

      await expect(sut.getQrcode('AT-1')).rejects.toMatchObject({ errcode: 40001 });
    });
  });

  describe('submitAudit', () => {
    it('maps the camelCase input to WeChat names and returns the audit id', async () => {
      wechat.handler = (_request, response) => json(response, { errcode: 0, errmsg: 'ok', auditid: 1234567 });

      const result = await sut.submitAudit('AT-1', {
        itemList: [
          { address: 'pages/index/index', firstClass: '工具', firstId: 1, secondId: 2, title: '首页' },
        ],
        feedbackStuff: ['m1', 'm2'],
        versionDesc: 'what changed',
        previewInfo: { picIdList: ['p1'] },
        ugcDeclare: { scene: [0], hasAuditTeam: 0 },
        privacyApiNotUse: false,
        orderPath: 'pages/order/list',
      });

      expect(result).toEqual({ auditId: 1234567 });
      expect(JSON.parse(wechat.at(0).body)).toEqual({
        item_list: [
          { address: 'pages/index/index', first_class: '工具', first_id: 1, second_id: 2, title: '首页' },
        ],
        feedback_stuff: 'm1|m2',
        version_desc: 'what changed',
        preview_info: { pic_id_list: ['p1'] },
        ugc_declare: { scene: [0], has_audit_team: 0 },
        privacy_api_not_use: false,
        order_path: 'pages/order/list',
      });
    });
  });

  describe('getAuditStatus', () => {
    it('splits the lower-case screenshot field on |', async () => {
      wechat.handler = (_request, response) =>
        json(response, { errcode: 0, status: 1, reason: 'blurry icon', screenshot: 'xxx|yyy' });

      const result = await sut.getAuditStatus('AT-1', { auditId: 7 });

      expect(result).toEqual({
        status: AuditStatus.Rejected,
        reason: 'blurry icon',
        screenshots: ['xxx', 'yyy'],
      });
      expect(JSON.parse(wechat.at(0).body)).toEqual({ auditid: 7 });
    });
  });

  describe('getLatestAuditStatus', () => {
    it('accepts the capitalised ScreenShot field and maps the version fields', async () => {
      wechat.handler = (_request, response) =>
        json(response, {
          errcode: 0,
          auditid: 1234567,
          status: 4,
          reason: '',
          ScreenShot: 'aa|bb',
          user_version: 'V1.5',
          user_desc: 'test',
          submit_audit_time: 1640763673,
        });

      expect(await sut.getLatestAuditStatus('AT-1')).toEqual({
        auditId: 1234567,
        status: AuditStatus.Delayed,
        reason: undefined,
        screenshots: ['aa', 'bb'],
        userVersion: 'V1.5',
        userDesc: 'test',
        submitAuditTime: 1640763673,
      });
      expect(wechat.at(0).method).toBe('GET');
    });

    it('answers an empty screenshot list when there is none', async () => {
      wechat.handler = (_request, response) => json(response, { errcode: 0, auditid: 1, status: 2 });

      expect((await sut.getLatestAuditStatus('AT-1')).screenshots).toEqual([]);
    });
  });

  describe('reads', () => {
    it('maps queryquota, history versions, the gray plan and version info to our names', async () => {
      wechat.handler = (request, response) => {
        if (request.path === '/wxa/queryquota')
          return json(response, { errcode: 0, rest: 3, limit: 20, speedup_rest: 1, speedup_limit: 5 });
        if (request.path === '/wxa/revertcoderelease')
          return json(response, {
            errcode: 0,
            version_list: [
              { app_version: 111, user_version: 'VVV', user_desc: 'AAS', commit_time: 1488965944 },
            ],
          });
        if (request.path === '/wxa/getgrayreleaseplan')
          return json(response, {
            errcode: 0,
            gray_release_plan: {
              status: 1,
              create_timestamp: 1517553721,
              gray_percentage: 8,
              support_experiencer_first: true,
              support_debuger_first: false,
            },
          });
        return json(response, {
          errcode: 0,
          exp_info: { exp_time: 1620000000, exp_version: 'V1.0.3', exp_desc: 'trial' },
        });
      };

      expect(await sut.queryQuota('AT-1')).toEqual({ rest: 3, limit: 20, speedupRest: 1, speedupLimit: 5 });
      expect(await sut.getHistoryVersion('AT-1')).toEqual({
        versions: [{ appVersion: 111, userVersion: 'VVV', userDesc: 'AAS', commitTime: 1488965944 }],
      });
      expect(wechat.at(1).query.get('action')).toBe('get_history_version');
      expect(await sut.getGrayReleasePlan('AT-1')).toEqual({
        status: 1,
        createTimestamp: 1517553721,
        grayPercentage: 8,
        supportExperiencerFirst: true,
        supportDebugerFirst: false,
      });
      expect(await sut.getVersionInfo('AT-1')).toEqual({
        expInfo: { expTime: 1620000000, expVersion: 'V1.0.3', expDesc: 'trial' },
      });
      expect(wechat.at(3)).toMatchObject({ method: 'POST', path: '/wxa/getversioninfo', body: '{}' });
    });

    it('sends revertcoderelease app_version in the query', async () => {
      await sut.revertCodeRelease('AT-1', { appVersion: 3 });

      expect(wechat.at(0)).toMatchObject({ method: 'GET', path: '/wxa/revertcoderelease' });
      expect(wechat.at(0).query.get('app_version')).toBe('3');
    });

    it('maps the template list with its type filter, using the component token', async () => {
      wechat.handler = (_request, response) =>
        json(response, {
          errcode: 0,
          template_list: [
            {
              create_time: 1624000154,
              user_version: '1.0.0',
              user_desc: 'd',
              template_id: 47,
              draft_id: 3,
              template_type: 1,
              category_list: [],
              audit_status: 3,
            },
          ],
        });

      const { templates } = await sut.getTemplateList('CT-1', { templateType: 1 });

      expect(templates).toEqual([
        expect.objectContaining({
          templateId: 47,
          draftId: 3,
          templateType: 1,
          userVersion: '1.0.0',
          auditStatus: 3,
        }),
      ]);
      expect(wechat.at(0).query.get('access_token')).toBe('CT-1');
      expect(wechat.at(0).query.get('template_type')).toBe('1');
    });

    it('joins and splits the platform server-domain list on ;', async () => {
      wechat.handler = (_request, response) =>
        json(response, {
          errcode: 0,
          published_wxa_server_domain: 'a.com;b.com',
          testing_wxa_server_domain: 'a.com',
          invalid_wxa_server_domain: '',
        });

      const result = await sut.modifyWxaServerDomain('CT-1', {
        action: 'add',
        wxaServerDomain: ['a.com', 'b.com'],
      });

      expect(JSON.parse(wechat.at(0).body)).toEqual({ action: 'add', wxa_server_domain: 'a.com;b.com' });
      expect(wechat.at(0).path).toBe('/cgi-bin/component/modify_wxa_server_domain');
      expect(result).toEqual({
        publishedWxaServerDomain: ['a.com', 'b.com'],
        testingWxaServerDomain: ['a.com'],
        invalidWxaServerDomain: [],
      });
    });

    it('maps modify_domain lists both ways', async () => {
      wechat.handler = (_request, response) =>
        json(response, {
          errcode: 0,
          requestdomain: ['https://a.com'],
          wsrequestdomain: [],
          uploaddomain: [],
          downloaddomain: [],
          udpdomain: [],
          tcpdomain: [],
          invalid_requestdomain: ['https://bad.com'],
        });

      const result = await sut.modifyDomain('AT-1', {
        action: 'add',
        requestDomain: ['https://a.com', 'https://bad.com'],
      });

      expect(JSON.parse(wechat.at(0).body)).toEqual({
        action: 'add',
        requestdomain: ['https://a.com', 'https://bad.com'],
      });
      expect(result.requestDomain).toEqual(['https://a.com']);
      expect(result.invalid).toEqual({ requestDomain: ['https://bad.com'] });
    });
  });

  describe('retries', () => {
    const hang: Handler = () => undefined; // never answers: the client times out

    it.each([
      ['commit', () => sut.commit('AT', { templateId: 1, extJson: {}, userVersion: 'v', userDesc: 'd' })],
      ['submitAudit', () => sut.submitAudit('AT', {})],
      ['release', () => sut.release('AT')],
      ['undoCodeAudit', () => sut.undoCodeAudit('AT')],
      ['speedupAudit', () => sut.speedupAudit('AT', { auditId: 1 })],
      ['grayRelease', () => sut.grayRelease('AT', { grayPercentage: 10 })],
      ['revertCodeRelease', () => sut.revertCodeRelease('AT')],
      ['modifyDomain', () => sut.modifyDomain('AT', { action: 'add', requestDomain: ['https://a.com'] })],
      ['setWebviewDomain', () => sut.setWebviewDomain('AT', { action: 'set', webviewDomain: [] })],
    ])('does not retry %s after a timeout', async (_name, call) => {
      wechat.handler = hang;

      const error = await call().catch((e: unknown) => e);

      expect(error).toBeInstanceOf(WechatTransportError);
      expect(error).toMatchObject({ reason: 'timeout' });
      expect(wechat.seen).toHaveLength(1);
    });

    it('does not retry a write after a 5xx or a -1', async () => {
      wechat.handler = (_request, response) => response.writeHead(503).end();
      await expect(sut.submitAudit('AT', {})).rejects.toMatchObject({ httpStatus: 503 });
      expect(wechat.seen).toHaveLength(1);

      wechat.handler = (_request, response) => json(response, { errcode: -1, errmsg: 'system error' });
      await expect(sut.release('AT')).rejects.toMatchObject({ errcode: -1 });
      expect(wechat.seen).toHaveLength(2);
    });

    it('retries a read after a timeout, up to the attempts allowed, and returns the answer', async () => {
      let calls = 0;
      wechat.handler = (_request, response) => {
        calls += 1;
        if (calls < 3) return; // the first two time out
        json(response, { errcode: 0, page_list: ['index', 'page/list'] });
      };

      expect(await sut.getPage('AT')).toEqual({ pages: ['index', 'page/list'] });
      expect(wechat.seen).toHaveLength(3);
    });

    it('retries a read after -1 and gives up after the attempts allowed', async () => {
      wechat.handler = (_request, response) => json(response, { errcode: -1, errmsg: 'system error' });

      await expect(sut.queryQuota('AT')).rejects.toMatchObject({ errcode: -1 });
      expect(wechat.seen).toHaveLength(3);
    });
  });
});
