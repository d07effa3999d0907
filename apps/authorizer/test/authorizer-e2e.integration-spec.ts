import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  AuthorizerRpcErrorCodes,
  AuthorizerRpcPatterns,
  DomainEventTypes,
  QueueNames,
  TokenRpcPatterns,
  createEnvelope,
  deadLetterQueueOf,
  retryQueueOf,
  type AuthorizationLinkReply,
  type AuthorizerDetail,
  type AuthorizerPage,
  type CreateAuthorizationLinkRequest,
  type EventEnvelope,
  type SearchAuthorizersRequest,
  type SyncRunSummary,
} from '@wxop/contracts';
import { AmqpRpcClient, RpcRemoteError } from '@wxop/messaging';
import { SecretBox } from '@wxop/secrets';
import {
  BrokerProbe,
  createTestDatabase,
  databaseEnv,
  deleteBrokerObjects,
  publishTestEvent,
  sleep,
  startWechatSimProcess,
  testEnv,
  totalCalls,
  uniqueRunId,
  waitUntil,
  type SimProcess,
  type TestDatabase,
} from '@wxop/testing';
import type { ChildProcess } from 'node:child_process';
import { DataSource } from 'typeorm';

import { createAuthorizerApp } from '../src/authorizer-app';
import { InboxConsumers } from '../src/authorizers/authorizations.service';
import { ProfilesService } from '../src/authorizers/profiles.service';
import { AUTHORIZER_MIGRATIONS } from '../src/database/migrations';
import {
  PushGate,
  authorizeHref,
  confirmOnWechat as confirmOnSim,
  freePort,
  startProcess,
  stopProcess,
} from './authorizer-test.util';

const COMPONENT = 'wx4444444444444444';
const API_KEY = 'authorizer-e2e-token-api-key-0001';

interface SimPlatform {
  appid: string;
  secret: string;
  token: string;
  encodingAESKey: string;
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
  let authorizerEnv: Record<string, string>;

  /** This app, in-process, on `port`; `env` overrides the suite's settings. */
  const startAuthorizer = async (port: number, env: Record<string, string> = {}) => {
    app = await createAuthorizerApp({ namespace, env: { ...authorizerEnv, ...env } });
    await app.listen(port, '127.0.0.1');
    dataSource = app.get(DataSource);
    rpc = app.get(AmqpRpcClient);
  };
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
  const inboxCount = async (consumer: string = InboxConsumers.Authorized) =>
    Number(
      (
        (await dataSource.query(`SELECT COUNT(*) AS n FROM messaging_inbox WHERE consumer = ?`, [
          consumer,
        ])) as {
          n: string;
        }[]
      )[0]!.n,
    );
  const search = (request: SearchAuthorizersRequest) =>
    rpc.request<AuthorizerPage>(AuthorizerRpcPatterns.SearchAuthorizers, request);
  const detailOf = (authorizerAppid: string) =>
    rpc.request<AuthorizerDetail>(AuthorizerRpcPatterns.GetAuthorizer, { authorizerAppid });
  const calls = (endpoint: string) => totalCalls(sim, endpoint);
  /** An operator's "sync now", waited for. */
  const syncNow = async (): Promise<SyncRunSummary> => {
    const started = await rpc.request<SyncRunSummary>(AuthorizerRpcPatterns.StartSync, {});
    let run = started;
    await waitUntil(
      async () => {
        run = await rpc.request<SyncRunSummary>(AuthorizerRpcPatterns.GetSync, { syncId: started.syncId });
        return run.status !== 'running';
      },
      20_000,
      'the sync to finish',
    );
    return run;
  };

  /** The merchant opens the start page, follows its link to WeChat and presses "Authorize" for one account. */
  async function confirmOnWechat(link: AuthorizationLinkReply, authorizerAppid: string): Promise<string> {
    const landing = await confirmOnSim(sim, link, authorizerAppid);
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
          // The authorizer runs in this process and starts after ingress is ready; its queue exists before any authorization push.
          INGRESS_REQUIRED_QUEUES: QueueNames.TokenComponentPushes,
          // Ingress seals its outbox with these.
          SECRETS_KEYS: `k1:${SecretBox.generateKey()}`,
          SECRETS_CURRENT_KEY_ID: 'k1',
        },
        `${ingressUrl}/health/ready`,
      ),
    ]);
    authorizerEnv = {
      LOG_LEVEL: 'silent',
      ...databaseEnv(authorizerDb),
      RABBITMQ_URL: testEnv.rabbitUrl,
      WECHAT_API_BASE_URL: sim.url,
      WECHAT_MP_BASE_URL: sim.url,
      WECHAT_COMPONENT_APPID: COMPONENT,
      AUTHORIZER_PUBLIC_BASE_URL: publicUrl,
      // Syncs run when a test asks (RPC), and see authorizations of the last second too.
      AUTHORIZER_SYNC_START_DELAY_SECONDS: '3600',
      AUTHORIZER_SYNC_RECENT_SECONDS: '0',
    };
    await startAuthorizer(authorizerPort);
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
        ...[
          QueueNames.AuthorizerAuthorizationPushes,
          QueueNames.AuthorizerTokenEvents,
          QueueNames.AuthorizerReleaseCheck,
        ].flatMap((queue) => [queue, retryQueueOf(queue), deadLetterQueueOf(queue)]),
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

  it('Search and detail - authorizer.authorizers.search and authorizer.authorizer.get answer from our tables only', async () => {
    const infoCalls = await calls('cgi-bin/component/api_get_authorizer_info');
    const byRef = await search({ bizRef: 'merchant-42 商户' });
    expect(byRef).toMatchObject({ total: 1, offset: 0, limit: 50 });
    expect(byRef.items[0]).toMatchObject({
      authorizerAppid: officialAccounts[0],
      status: 'unauthorized',
      authorizerType: 'official_account',
      credentialStatus: 'active',
    });
    const minis = await search({ authorizerType: 'mini_program', status: 'authorized' });
    expect(minis.items.map((item) => item.authorizerAppid)).toEqual([miniPrograms[0]]);
    const named = await search({ name: minis.items[0]!.nickName!.slice(0, 6) });
    expect(named.items.map((item) => item.authorizerAppid)).toContain(miniPrograms[0]);
    const firstPage = await search({ limit: 1 });
    expect(firstPage.items).toHaveLength(1);
    expect(firstPage.total).toBeGreaterThan(1);
    const secondPage = await search({ limit: 1, offset: 1 });
    expect(secondPage.items[0]!.authorizerAppid).not.toBe(firstPage.items[0]!.authorizerAppid);

    const official = await detailOf(officialAccounts[0]!);
    expect(official.history.map((entry) => entry.status)).toEqual(['unauthorized', 'authorized']);
    expect(official.history[0]!.source).toBe('push');
    // The push and the landing page race for that authorization; either may have recorded it.
    expect(['push', 'landing']).toContain(official.history[1]!.source);
    expect(official.history[1]).toMatchObject({
      bizRef: 'merchant-42 商户',
      funcInfo: expect.arrayContaining([1]) as unknown,
    });
    const mini = await detailOf(miniPrograms[0]!);
    expect(mini).toMatchObject({
      authorizerType: 'mini_program',
      accountStatus: 1,
      miniProgram: expect.any(Object) as unknown,
    });
    expect(mini.principalName).toBeTruthy();
    expect(mini.headImg).toMatch(/^https?:\/\//);
    // Listings and details never call WeChat.
    expect(await calls('cgi-bin/component/api_get_authorizer_info')).toBe(infoCalls);

    await expect(detailOf('wx0000000000000000')).rejects.toMatchObject({
      code: AuthorizerRpcErrorCodes.AuthorizerNotFound,
    });
    const refused = (await search({ limit: 0, status: 'gone' } as unknown as SearchAuthorizersRequest).catch(
      (e: unknown) => e,
    )) as RpcRemoteError;
    expect(refused).toMatchObject({ code: AuthorizerRpcErrorCodes.InvalidRequest });
    expect(refused.message).toMatch(/limit.*status|status.*limit/);
  });

  it('Profile refresh - on demand (authorizer.authorizer.refresh) and on schedule, from what WeChat says now', async () => {
    const account = miniPrograms[0]!;
    await sim.control('PATCH', `/accounts/${account}`, { nickName: '新名字 renamed', accountStatus: 18 });
    const refreshed = await rpc.request<AuthorizerDetail>(AuthorizerRpcPatterns.RefreshAuthorizer, {
      authorizerAppid: account,
    });
    expect(refreshed).toMatchObject({ nickName: '新名字 renamed', accountStatus: 18, profileError: null });

    await sim.control('PATCH', `/accounts/${account}`, { nickName: 'scheduled rename' });
    // Only a profile older than AUTHORIZER_PROFILE_MAX_AGE_SECONDS is due: this one, made two days old.
    await dataSource.query(
      `UPDATE authorizers SET profile_refreshed_at = UTC_TIMESTAMP(3) - INTERVAL 2 DAY WHERE authorizer_appid = ?`,
      [account],
    );
    const infoCalls = await calls('cgi-bin/component/api_get_authorizer_info');
    expect(await app.get(ProfilesService).refreshDue()).toBe(1);
    expect(await calls('cgi-bin/component/api_get_authorizer_info')).toBe(infoCalls + 1);
    expect(await detailOf(account)).toMatchObject({ nickName: 'scheduled rename' });
    expect(await app.get(ProfilesService).refreshDue()).toBe(0);
  });

  it('Full sync - accounts authorized while nobody listened are found once, accounts WeChat no longer lists become unauthorized', async () => {
    const { appids } = await sim.control<{ appids: string[] }>('POST', '/accounts', {
      count: 4,
      type: 'mini_program',
    });
    const [found1, found2, found3, neverExchanged] = appids as [string, string, string, string];
    await sim.control('POST', `/platforms/${COMPONENT}/authorizations/bulk`, {
      authorizerAppids: [found1, found2, found3],
    });
    await sim.control('POST', `/platforms/${COMPONENT}/authorizations/bulk`, {
      authorizerAppids: [neverExchanged],
      exchanged: false,
    });
    // An account we hold as authorized is revoked on WeChat's side, and its push is held back.
    const gone = miniPrograms[0]!;
    const unauthorizedPushes = await inboxCount(InboxConsumers.Unauthorized);
    gate.hold();
    await sim.control('DELETE', `/platforms/${COMPONENT}/authorizations/${gone}`);
    await waitUntil(() => gate.heldCount >= 1, 5_000, 'the unauthorized push to reach the gate');
    await sim.control('DELETE', '/counters');

    const run = await syncNow();
    expect(run).toMatchObject({
      status: 'succeeded',
      complete: true,
      discovered: 3,
      handedOver: 3,
      withoutRefreshToken: 1,
      markedUnauthorized: 1,
      failed: 0,
      listCalls: 1,
      // 3 profiles of the new accounts, and WeChat asked whether the missing one is gone (61003).
      infoCalls: 4,
      error: null,
    });
    expect(await calls('cgi-bin/component/api_get_authorizer_list')).toBe(1);
    expect(await calls('cgi-bin/component/api_get_authorizer_info')).toBe(4);
    for (const account of [found1, found2, found3]) {
      const event = await waitForEvent(account, DomainEventTypes.AuthorizationAuthorized);
      expect(event.data).toMatchObject({ authorizerType: 'mini_program', bizRef: null });
      expect((event.data as { funcInfo: number[] }).funcInfo.length).toBeGreaterThan(0);
      expect((await detailOf(account)).history).toMatchObject([{ status: 'authorized', source: 'sync' }]);
    }
    // The token service holds their credentials: a working token right away.
    const issued = await tokenGet(`/v1/components/${COMPONENT}/authorizers/${found1}/access-token`);
    expect(issued.status).toBe(200);
    expect(eventsOf(neverExchanged)).toHaveLength(0);

    await waitForEvent(gone, DomainEventTypes.AuthorizationUnauthorized);
    expect(await detailOf(gone)).toMatchObject({ status: 'unauthorized' });
    await waitUntil(
      async () =>
        (await tokenGet(`/v1/components/${COMPONENT}/authorizers/${gone}/access-token`)).status === 409,
      10_000,
      'the token API to answer 409',
    );

    // A second sync finds nothing new and announces nothing.
    const events = probe.envelopes.length;
    const second = await syncNow();
    expect(second).toMatchObject({
      status: 'succeeded',
      complete: true,
      discovered: 0,
      handedOver: 0,
      markedUnauthorized: 0,
    });
    // The held push arrives at last: the account was announced unauthorized already.
    gate.release();
    await waitUntil(
      async () => (await inboxCount(InboxConsumers.Unauthorized)) > unauthorizedPushes,
      10_000,
      'the late unauthorized push to be processed',
    );
    await sleep(300);
    expect(probe.envelopes).toHaveLength(events);
    expect(eventsOf(gone, DomainEventTypes.AuthorizationUnauthorized)).toHaveLength(1);
  });

  it('Late push - the push of an authorization a sync already announced announces nothing', async () => {
    const [late] = (
      await sim.control<{ appids: string[] }>('POST', '/accounts', { count: 1, type: 'official_account' })
    ).appids as [string];
    const processed = await inboxCount();
    gate.hold();
    let authCode: string;
    try {
      ({ authCode } = await sim.control<{ authCode: string }>(
        'POST',
        `/platforms/${COMPONENT}/authorizations`,
        {
          authorizerAppid: late,
        },
      ));
      await waitUntil(() => gate.heldCount >= 1, 5_000, 'the authorized push to reach the gate');
      // The token service exchanged the code (its own consumer of the push, say), so WeChat lists a refresh token.
      await rpc.request(TokenRpcPatterns.ExchangeAuthCode, { componentAppid: COMPONENT, authCode });
      const run = await syncNow();
      expect(run).toMatchObject({ status: 'succeeded', discovered: 1 });
      await waitForEvent(late, DomainEventTypes.AuthorizationAuthorized);
    } finally {
      gate.release();
    }
    await waitUntil(async () => (await inboxCount()) > processed, 10_000, 'the late push to be processed');
    await sleep(300);
    expect(eventsOf(late)).toHaveLength(1);
    const [grant] = await grantOf(late);
    expect(grant).toMatchObject({ recorded_by: 'push', event_type: 'authorization.authorized' });
    const [row] = (await dataSource.query(
      `SELECT event_id FROM authorization_grants WHERE authorizer_appid = ?`,
      [late],
    )) as { event_id: string }[];
    expect(row!.event_id).toBe(eventsOf(late)[0]!.id);
  });

  it('Fast registration - notify_third_fasteregister: a success is recorded and announced like an authorization, a failure only recorded', async () => {
    const registered = await sim.control<{ appid: string; authCode: string }>(
      'POST',
      `/platforms/${COMPONENT}/fast-registrations?wait=true`,
      { name: '快速注册企业有限公司', code: '91440300MA5000000X', legalPersonaName: '张三' },
    );
    const event = await waitForEvent(registered.appid, DomainEventTypes.AuthorizationAuthorized);
    expect(event.data).toMatchObject({ authorizerType: 'mini_program', bizRef: null });
    expect((await detailOf(registered.appid)).history).toMatchObject([
      { status: 'authorized', source: 'fast_registration' },
    ]);
    expect(
      (await tokenGet(`/v1/components/${COMPONENT}/authorizers/${registered.appid}/access-token`)).status,
    ).toBe(200);

    const events = probe.envelopes.length;
    await sim.control('POST', `/platforms/${COMPONENT}/fast-registrations?wait=true`, {
      outcome: 'failure',
      name: '失败企业',
    });
    const rowsOf = async () =>
      (await dataSource.query(
        `SELECT status, msg, authorizer_appid, name, info FROM fast_registrations ORDER BY created_at`,
      )) as { status: number; msg: string; authorizer_appid: string | null; name: string; info: string }[];
    await waitUntil(
      async () => (await rowsOf()).length === 2,
      10_000,
      'the failed registration to be recorded',
    );
    const [success, failure] = await rowsOf();
    expect(success).toMatchObject({
      status: 0,
      authorizer_appid: registered.appid,
      name: '快速注册企业有限公司',
    });
    expect(JSON.parse(success!.info)).toMatchObject({
      code: '91440300MA5000000X',
      legal_persona_name: '张三',
    });
    expect(failure).toMatchObject({
      status: -1,
      msg: 'open verity failed',
      authorizer_appid: null,
      name: '失败企业',
    });
    await sleep(300);
    expect(probe.envelopes).toHaveLength(events);
  });

  it("Release check - QUERY_AUTH_CODE from WeChat's test account is answered with <code>_from_api within 5 s", async () => {
    const testAccount = 'wx570bc396a51b8ff8';
    await sim.control('POST', '/accounts', { appids: [testAccount], type: 'official_account' });
    const { authCode } = await sim.control<{ authCode: string }>(
      'POST',
      `/platforms/${COMPONENT}/authorizations?wait=true`,
      { authorizerAppid: testAccount },
    );
    const sentAt = Date.now();
    const delivery = await sim.control<{
      delivered: boolean;
      attempts: { status?: number; body?: string }[];
    }>('POST', `/platforms/${COMPONENT}/pushes`, {
      authorizerAppid: testAccount,
      openid: 'o_release_check_user',
      fields: { MsgType: 'text', Content: `QUERY_AUTH_CODE:${authCode}`, MsgId: 880001 },
    });
    expect(delivery.delivered).toBe(true);
    type Message = { touser: string; msgtype: string; content: { content: string } };
    const messages = () => sim.control<Message[]>('GET', `/accounts/${testAccount}/messages`);
    await waitUntil(async () => (await messages()).length > 0, 5_000, 'the customer-service reply');
    expect(Date.now() - sentAt).toBeLessThan(5_000);
    expect(await messages()).toEqual([
      expect.objectContaining({
        touser: 'o_release_check_user',
        msgtype: 'text',
        content: { content: `${authCode}_from_api` },
      }),
    ]);
    // The same text from an ordinary account is not the release check: nothing is sent.
    const ordinary = officialAccounts[1]!;
    await sim.control('POST', `/platforms/${COMPONENT}/pushes`, {
      authorizerAppid: ordinary,
      fields: { MsgType: 'text', Content: `QUERY_AUTH_CODE:${authCode}`, MsgId: 880002 },
    });
    await sleep(500);
    expect(await sim.control<Message[]>('GET', `/accounts/${ordinary}/messages`)).toEqual([]);
    expect(await messages()).toHaveLength(1);
  });

  it('Credential state - token.authorizer.invalid marks the authorizer (an older one changes nothing); authorizing again clears it', async () => {
    const account = officialAccounts[1]!;
    const ref = { componentAppid: COMPONENT, authorizerAppid: account };
    await publishTestEvent(createEnvelope(DomainEventTypes.TokenAuthorizerInvalid, { errcode: 61023 }, ref), {
      namespace,
    });
    await waitUntil(
      async () => (await detailOf(account)).credentialStatus === 'invalid',
      10_000,
      'the invalid state',
    );
    expect(await detailOf(account)).toMatchObject({ credentialStatus: 'invalid', credentialErrcode: 61023 });
    expect((await search({ name: account })).items[0]).toMatchObject({ credentialStatus: 'invalid' });

    // Out of order: an invalid event older than the stored state changes nothing.
    await publishTestEvent(
      createEnvelope(
        DomainEventTypes.TokenAuthorizerInvalid,
        { errcode: 61003 },
        {
          ...ref,
          occurredAt: new Date(Date.now() - 60_000),
        },
      ),
      { namespace },
    );
    await sleep(500);
    expect(await detailOf(account)).toMatchObject({ credentialStatus: 'invalid', credentialErrcode: 61023 });

    // The merchant authorizes again: the token service holds new credentials, the state is active.
    await sim.control('POST', `/platforms/${COMPONENT}/authorizations?wait=true`, {
      authorizerAppid: account,
    });
    await waitUntil(
      async () => (await detailOf(account)).credentialStatus === 'active',
      10_000,
      'the active state',
    );
    expect((await detailOf(account)).credentialErrcode).toBeNull();
  });

  it('Sync runs - authorizer.sync.get answers the latest run, and refuses an unknown one', async () => {
    const latest = await rpc.request<SyncRunSummary>(AuthorizerRpcPatterns.GetSync, {});
    expect(latest).toMatchObject({ componentAppid: COMPONENT, trigger: 'operator', status: 'succeeded' });
    await expect(
      rpc.request(AuthorizerRpcPatterns.GetSync, { syncId: '00000000-0000-4000-8000-000000000000' }),
    ).rejects.toMatchObject({ code: AuthorizerRpcErrorCodes.SyncNotFound });
  });

  it('Restart - accounts authorized while the service was stopped are found by the sync its start runs', async () => {
    await app.close();
    // While it is down: two accounts authorize, and their pushes are lost (WeChat gave up).
    const { appids } = await sim.control<{ appids: string[] }>('POST', '/accounts', {
      count: 2,
      type: 'official_account',
    });
    await sim.control('POST', `/platforms/${COMPONENT}/authorizations/bulk`, { authorizerAppids: appids });
    const events = probe.envelopes.length;

    // The syncs of the tests above are seconds old: only the start rule makes this one run.
    await startAuthorizer(Number(new URL(publicUrl).port), {
      AUTHORIZER_SYNC_START_DELAY_SECONDS: '0',
      AUTHORIZER_SYNC_ON_START_SKIP_SECONDS: '0',
    });
    for (const account of appids) await waitForEvent(account, DomainEventTypes.AuthorizationAuthorized);
    await waitUntil(
      async () => (await rpc.request<SyncRunSummary>(AuthorizerRpcPatterns.GetSync, {})).status !== 'running',
      20_000,
      'the start sync to finish',
    );
    expect(await rpc.request<SyncRunSummary>(AuthorizerRpcPatterns.GetSync, {})).toMatchObject({
      trigger: 'start',
      status: 'succeeded',
      complete: true,
      discovered: 2,
      markedUnauthorized: 0,
    });
    await sleep(300);
    expect(probe.envelopes.length - events).toBe(2);
    expect((await tokenGet(`/v1/components/${COMPONENT}/authorizers/${appids[0]}/access-token`)).status).toBe(
      200,
    );
  });
});
