import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  AuthorizerRpcErrorCodes,
  AuthorizerRpcPatterns,
  DomainEventTypes,
  type AuthorizationLinkReply,
  type CreateAuthorizationLinkRequest,
  type EventEnvelope,
} from '@wxop/contracts';
import { AmqpRpcClient, RpcRemoteError } from '@wxop/messaging';
import { SecretBox } from '@wxop/secrets';
import {
  BrokerProbe,
  createTestDatabase,
  databaseEnv,
  deleteBrokerObjects,
  sleep,
  startWechatSimProcess,
  testEnv,
  uniqueRunId,
  waitUntil,
  type SimProcess,
  type TestDatabase,
} from '@wxop/testing';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { DataSource } from 'typeorm';

import { createAuthorizerApp } from '../src/authorizer-app';
import { InboxConsumers } from '../src/authorizers/authorizations.service';
import { AUTHORIZER_MIGRATIONS } from '../src/database/migrations';
import { PushGate, authorizeHref, confirmForm, freePort } from './authorizer-test.util';

const COMPONENT = 'wx4444444444444444';
const API_KEY = 'authorizer-e2e-token-api-key-0001';
const ROOT = join(__dirname, '..', '..', '..');

interface SimPlatform {
  appid: string;
  secret: string;
  token: string;
  encodingAESKey: string;
}

async function startProcess(
  entry: string,
  env: Record<string, string>,
  readyUrl: string,
): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['scripts/run-ts.cjs', entry], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await waitUntil(
    () =>
      fetch(readyUrl).then(
        (r) => r.ok,
        () => false,
      ),
    30_000,
    `${entry} to be ready`,
  );
  return child;
}

async function stopProcess(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/**
 * A merchant authorizes through a link, end to end: operator (RPC) → our start page → WeChat's
 * page (wechat-sim) → confirm → WeChat redirects the browser to our landing page AND pushes
 * `authorized` (sim → ingress process → RabbitMQ) → the token service (its own process) exchanges
 * the code → one `authorization.authorized` with the link's bizRef, whatever arrives first.
 */
describe('authorization links and authorizations (end to end)', () => {
  const namespace = `${uniqueRunId()}.`;
  let sim: SimProcess;
  let gate: PushGate;
  let databases: TestDatabase[] = [];
  let token: ChildProcess | undefined;
  let ingress: ChildProcess | undefined;
  let app: NestFastifyApplication;
  let dataSource: DataSource;
  let rpc: AmqpRpcClient;
  let probe: BrokerProbe;
  let publicUrl: string;
  let tokenUrl: string;
  let officialAccounts: string[];
  let miniPrograms: string[];

  const createLink = (request: CreateAuthorizationLinkRequest) =>
    rpc.request<AuthorizationLinkReply>(AuthorizerRpcPatterns.CreateLink, request);
  const eventsOf = (authorizerAppid: string, type?: string) =>
    probe.envelopes.filter((e) => e.authorizerAppid === authorizerAppid && (!type || e.type === type));
  const waitForEvent = async (authorizerAppid: string, type: string): Promise<EventEnvelope> => {
    await waitUntil(
      () => eventsOf(authorizerAppid, type).length > 0,
      15_000,
      `${type} of ${authorizerAppid}`,
    );
    return eventsOf(authorizerAppid, type)[0]!;
  };
  const tokenGet = async (path: string) => {
    const response = await fetch(`${tokenUrl}${path}`, { headers: { authorization: `Bearer ${API_KEY}` } });
    return { status: response.status, body: (await response.json()) as { accessToken?: string } };
  };
  const grantOf = async (authorizerAppid: string) =>
    (await dataSource.query(
      `SELECT recorded_by, biz_ref, link_id, event_type FROM authorization_grants WHERE authorizer_appid = ?`,
      [authorizerAppid],
    )) as { recorded_by: string; biz_ref: string | null; link_id: string | null; event_type: string }[];
  const inboxCount = async () =>
    Number(
      (
        (await dataSource.query(`SELECT COUNT(*) AS n FROM messaging_inbox WHERE consumer = ?`, [
          InboxConsumers.Authorized,
        ])) as { n: string }[]
      )[0]!.n,
    );

  /** The merchant opens the start page, follows its link to WeChat and presses "Authorize" for one account. */
  async function confirmOnWechat(link: AuthorizationLinkReply, authorizerAppid: string): Promise<string> {
    const start = await fetch(link.startUrl);
    expect(start.status).toBe(200);
    const wechatUrl = authorizeHref(await start.text());
    const wechatPage = await fetch(wechatUrl);
    const form = confirmForm(await wechatPage.text(), authorizerAppid);
    const confirmed = await fetch(`${sim.url}/cgi-bin/componentloginpage/confirm`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
      redirect: 'manual',
    });
    expect(confirmed.status).toBe(302);
    const landing = confirmed.headers.get('location')!;
    expect(landing.startsWith(`${publicUrl}/authorized/${link.linkId}?auth_code=`)).toBe(true);
    return landing;
  }

  beforeAll(async () => {
    sim = await startWechatSimProcess({ SIM_PUSH_RETRY_DELAY_MS: '200' });
    const [tokenDb, ingressDb, authorizerDb] = await Promise.all([
      createTestDatabase({ prefix: 'authz_token', migrations: [] }),
      createTestDatabase({ prefix: 'authz_ingress', migrations: [] }),
      createTestDatabase({ prefix: 'authorizer', migrations: AUTHORIZER_MIGRATIONS }),
    ]);
    databases = [tokenDb, ingressDb, authorizerDb];
    probe = await BrokerProbe.bind(['authorization.*'], { namespace });
    const [ingressPort, tokenPort, authorizerPort] = [await freePort(), await freePort(), await freePort()];
    const ingressUrl = `http://127.0.0.1:${ingressPort}`;
    tokenUrl = `http://127.0.0.1:${tokenPort}`;
    publicUrl = `http://127.0.0.1:${authorizerPort}`;
    gate = await PushGate.start(ingressUrl);
    const platform = await sim.control<SimPlatform>('POST', '/platforms', {
      appid: COMPONENT,
      startTickets: false,
      authEventUrl: `${gate.url}/wechat/components/${COMPONENT}/events`,
      messageUrl: `${gate.url}/wechat/components/${COMPONENT}/authorizers/$APPID$/messages`,
    });
    const broker = { RABBITMQ_URL: testEnv.rabbitUrl, RABBITMQ_NAMESPACE: namespace };
    [token, ingress] = await Promise.all([
      startProcess(
        'apps/token/src/main.ts',
        {
          ...databaseEnv(tokenDb),
          ...broker,
          WECHAT_API_BASE_URL: sim.url,
          WECHAT_MP_BASE_URL: sim.url,
          SECRETS_KEYS: `k1:${SecretBox.generateKey()}`,
          SECRETS_CURRENT_KEY_ID: 'k1',
          TOKEN_API_KEYS: API_KEY,
          TOKEN_HTTP_HOST: '127.0.0.1',
          TOKEN_HTTP_PORT: String(tokenPort),
          TOKEN_REFRESH_INTERVAL_MS: '250',
          TOKEN_READ_CACHE_MS: '200',
          WECHAT_COMPONENT_APPID: platform.appid,
          WECHAT_COMPONENT_SECRET: platform.secret,
          WECHAT_COMPONENT_TOKEN: platform.token,
          WECHAT_COMPONENT_ENCODING_AES_KEY: platform.encodingAESKey,
        },
        `${tokenUrl}/health/ready`,
      ),
      startProcess(
        'apps/ingress/src/main.ts',
        {
          ...databaseEnv(ingressDb),
          ...broker,
          INGRESS_HTTP_HOST: '127.0.0.1',
          INGRESS_HTTP_PORT: String(ingressPort),
        },
        `${ingressUrl}/health/ready`,
      ),
    ]);
    app = await createAuthorizerApp({
      namespace,
      env: {
        LOG_LEVEL: 'silent',
        ...databaseEnv(authorizerDb),
        RABBITMQ_URL: testEnv.rabbitUrl,
        WECHAT_API_BASE_URL: sim.url,
        WECHAT_MP_BASE_URL: sim.url,
        WECHAT_COMPONENT_APPID: COMPONENT,
        AUTHORIZER_PUBLIC_BASE_URL: publicUrl,
      },
    });
    await app.listen(authorizerPort, '127.0.0.1');
    dataSource = app.get(DataSource);
    rpc = app.get(AmqpRpcClient);
    await sim.control('POST', `/platforms/${COMPONENT}/tickets`);
    await waitUntil(
      async () => (await tokenGet(`/v1/components/${COMPONENT}/access-token`)).status === 200,
      10_000,
      'the component token',
    );
    ({ appids: officialAccounts } = await sim.control<{ appids: string[] }>('POST', '/accounts', {
      count: 3,
      type: 'official_account',
    }));
    ({ appids: miniPrograms } = await sim.control<{ appids: string[] }>('POST', '/accounts', {
      count: 2,
      type: 'mini_program',
    }));
  });

  afterAll(async () => {
    await app?.close();
    await Promise.all([stopProcess(ingress), stopProcess(token)]);
    await gate?.close();
    await probe?.close();
    await sim?.stop();
    for (const database of databases) await database.drop();
    await deleteBrokerObjects({
      exchanges: ['wxop.events', 'wxop.rpc', 'wxop.retry'].map((name) => namespace + name),
      queues: [
        'authorizer.authorization-pushes',
        'authorizer.authorization-pushes.retry',
        'authorizer.authorization-pushes.dlq',
        'authorizer.rpc',
        'token.component-pushes',
        'token.component-pushes.retry',
        'token.component-pushes.dlq',
        'token.rpc',
      ].map((name) => namespace + name),
    });
  });

  it('Create link - authorizer.link.create (RPC) validates and builds both kinds of WeChat URL', async () => {
    await expect(
      createLink({ kind: 'pc', authType: 1, bizAppid: officialAccounts[0] }),
    ).rejects.toMatchObject({
      code: AuthorizerRpcErrorCodes.InvalidRequest,
    });
    const refused = await createLink({ componentAppid: 'wxunknown00000000', kind: 'pc' }).catch(
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(RpcRemoteError);
    expect(refused).toMatchObject({ code: AuthorizerRpcErrorCodes.ComponentNotFound });

    const pc = await createLink({ kind: 'pc', authType: 2, categoryIdList: [17, 18] });
    expect(pc.startUrl).toBe(`${publicUrl}/authorize/${pc.linkId}`);
    expect(pc.linkId).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(new Date(pc.expiresAt).getTime()).toBeGreaterThan(Date.now());
    const page = await fetch(pc.startUrl);
    expect(page.headers.get('content-type')).toContain('text/html');
    const wechatUrl = new URL(authorizeHref(await page.text()));
    expect(wechatUrl.pathname).toBe('/cgi-bin/componentloginpage');
    expect(wechatUrl.searchParams.get('redirect_uri')).toBe(`${publicUrl}/authorized/${pc.linkId}`);
    expect(wechatUrl.searchParams.get('auth_type')).toBe('2');
    expect(wechatUrl.searchParams.get('category_id_list')).toBe('17|18');
    // The sim's page offers only mini programs for auth_type 2.
    const offered = await (await fetch(wechatUrl)).text();
    expect(offered).toContain(miniPrograms[0]);
    expect(offered).not.toContain(officialAccounts[0]);
  });

  it('Merchant authorizes - H5 link with bizRef: one authorization.authorized, then a working token', async () => {
    const account = officialAccounts[0]!;
    const link = await createLink({ componentAppid: COMPONENT, kind: 'h5', bizRef: 'merchant-42 商户' });
    const landingUrl = await confirmOnWechat(link, account);
    const landing = await fetch(landingUrl);
    expect(landing.status).toBe(200);
    expect(await landing.text()).toContain(account);

    const event = await waitForEvent(account, DomainEventTypes.AuthorizationAuthorized);
    expect(event).toMatchObject({
      componentAppid: COMPONENT,
      authorizerAppid: account,
      data: {
        bizRef: 'merchant-42 商户',
        authorizerType: 'official_account',
        funcInfo: expect.arrayContaining([1]) as unknown,
      },
    });
    expect((event.data as { nickName: string }).nickName).not.toBe('');
    expect((event.data as { userName: string }).userName).toMatch(/^gh_/);
    const issued = await tokenGet(`/v1/components/${COMPONENT}/authorizers/${account}/access-token`);
    expect(issued.status).toBe(200);
    const sent = await fetch(
      `${sim.url}/cgi-bin/message/custom/send?access_token=${issued.body.accessToken}`,
      {
        method: 'POST',
        body: JSON.stringify({ touser: 'o_user', msgtype: 'text', text: { content: 'hi' } }),
      },
    );
    expect(await sent.json()).toMatchObject({ errcode: 0 });

    await waitUntil(async () => (await inboxCount()) >= 1, 10_000, 'the push to be processed');
    await sleep(300);
    expect(eventsOf(account)).toHaveLength(1);
    const [row] = (await dataSource.query(
      `SELECT status, biz_ref, authorizer_type, user_name FROM authorizers WHERE authorizer_appid = ?`,
      [account],
    )) as Record<string, string>[];
    expect(row).toMatchObject({
      status: 'authorized',
      biz_ref: 'merchant-42 商户',
      authorizer_type: 'official_account',
    });

    // The link is spent: its start page says so.
    const reopened = await fetch(link.startUrl);
    expect(reopened.status).toBe(410);
    expect(await reopened.text()).toContain(AuthorizerRpcErrorCodes.LinkUsed);
  });

  it('Push before redirect - the push records it with the bizRef, the late landing page finds it', async () => {
    const account = miniPrograms[0]!;
    const link = await createLink({ kind: 'pc', bizRef: 'push-first' });
    const landingUrl = await confirmOnWechat(link, account);
    const event = await waitForEvent(account, DomainEventTypes.AuthorizationAuthorized);
    expect(event.data).toMatchObject({ bizRef: 'push-first', authorizerType: 'mini_program' });

    const landing = await fetch(landingUrl);
    expect(landing.status).toBe(200);
    expect(await landing.text()).toContain(account);
    await sleep(300);
    expect(eventsOf(account)).toHaveLength(1);
    expect(await grantOf(account)).toEqual([
      {
        recorded_by: 'push',
        biz_ref: 'push-first',
        link_id: link.linkId,
        event_type: 'authorization.authorized',
      },
    ]);
  });

  it('Redirect before push - the landing page records it, the held push changes nothing', async () => {
    const account = officialAccounts[1]!;
    const link = await createLink({ kind: 'h5', bizRef: 'redirect-first' });
    const processed = await inboxCount();
    gate.hold();
    try {
      const landingUrl = await confirmOnWechat(link, account);
      await waitUntil(() => gate.heldCount === 1, 5_000, 'the push to reach the gate');
      const landing = await fetch(landingUrl);
      expect(landing.status).toBe(200);
      expect(await landing.text()).toContain(account);
      const event = await waitForEvent(account, DomainEventTypes.AuthorizationAuthorized);
      expect(event.data).toMatchObject({ bizRef: 'redirect-first' });
      expect(await grantOf(account)).toMatchObject([{ recorded_by: 'landing', link_id: link.linkId }]);
    } finally {
      gate.release();
    }
    await waitUntil(async () => (await inboxCount()) > processed, 10_000, 'the held push to be processed');
    await sleep(300);
    expect(eventsOf(account)).toHaveLength(1);
  });

  it('Re-authorization - a second authorization of the same account is authorization.updated', async () => {
    const account = officialAccounts[1]!;
    const { authCode } = await sim.control<{ authCode: string }>(
      'POST',
      `/platforms/${COMPONENT}/authorizations?wait=true`,
      { authorizerAppid: account, funcInfo: [1, 19] },
    );
    const updated = await waitForEvent(account, DomainEventTypes.AuthorizationUpdated);
    expect(updated.data).toMatchObject({ funcInfo: [1, 19], bizRef: null });
    expect(authCode).toBeTruthy();
    await sleep(200);
    expect(eventsOf(account)).toHaveLength(2);
    const [row] = (await dataSource.query(
      `SELECT biz_ref, func_info FROM authorizers WHERE authorizer_appid = ?`,
      [account],
    )) as { biz_ref: string; func_info: string }[];
    // A grant without a link keeps the reference of the link the account was authorized through.
    expect(row).toEqual({ biz_ref: 'redirect-first', func_info: '[1,19]' });
  });

  it('Unauthorize - one authorization.unauthorized, kept as unauthorized, and the token API answers 409', async () => {
    const account = officialAccounts[0]!;
    await sim.control('DELETE', `/platforms/${COMPONENT}/authorizations/${account}?wait=true`);
    const event = await waitForEvent(account, DomainEventTypes.AuthorizationUnauthorized);
    expect(Date.parse((event.data as { unauthorizedAt: string }).unauthorizedAt)).not.toBeNaN();
    await waitUntil(
      async () =>
        (await tokenGet(`/v1/components/${COMPONENT}/authorizers/${account}/access-token`)).status === 409,
      10_000,
      'the token API to answer 409',
    );
    await sleep(300);
    expect(eventsOf(account, DomainEventTypes.AuthorizationUnauthorized)).toHaveLength(1);
    const [row] = (await dataSource.query(
      `SELECT status, unauthorized_at FROM authorizers WHERE authorizer_appid = ?`,
      [account],
    )) as { status: string; unauthorized_at: Date | null }[];
    expect(row!.status).toBe('unauthorized');
    expect(row!.unauthorized_at).not.toBeNull();
  });

  it('Bad requests - unknown or expired links and missing codes get an error page and change nothing', async () => {
    const events = probe.envelopes.length;
    const unknownStart = await fetch(`${publicUrl}/authorize/nope`);
    expect(unknownStart.status).toBe(404);
    expect(await unknownStart.text()).toContain('授权链接不存在');

    const unknownLanding = await fetch(`${publicUrl}/authorized/nope?auth_code=queryauthcode@@@x`);
    expect(unknownLanding.status).toBe(404);

    const link = await createLink({ kind: 'pc' });
    const missingCode = await fetch(`${publicUrl}/authorized/${link.linkId}`);
    expect(missingCode.status).toBe(400);
    expect(missingCode.headers.get('content-type')).toContain('text/html');

    const badCode = await fetch(`${publicUrl}/authorized/${link.linkId}?auth_code=queryauthcode@@@forged`);
    expect(badCode.status).toBe(400);
    expect(await badCode.text()).toContain(AuthorizerRpcErrorCodes.AuthCodeRejected);

    await dataSource.query(
      `UPDATE authorization_links SET expires_at = UTC_TIMESTAMP(3) - INTERVAL 1 SECOND WHERE id = ?`,
      [link.linkId],
    );
    const expired = await fetch(link.startUrl);
    expect(expired.status).toBe(410);
    expect(await expired.text()).toContain('已过期');

    const [grants] = (await dataSource.query(
      `SELECT COUNT(*) AS n FROM authorization_grants WHERE link_id = ?`,
      [link.linkId],
    )) as { n: string }[];
    expect(Number(grants!.n)).toBe(0);
    await sleep(200);
    expect(probe.envelopes).toHaveLength(events);
  });
});
