import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  AuthorizerRpcPatterns,
  DomainEventTypes,
  QueueNames,
  type AuthorizationLinkReply,
  type AuthorizationOutcomePage,
  type CreateAuthorizationLinkRequest,
  type EventEnvelope,
} from '@wxop/contracts';
import {
  AUTH_CODE_RETRY_POLICY,
  AmqpRpcClient,
  delayLadder,
  delayQueueOf,
  resolveRetryPolicy,
} from '@wxop/messaging';
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
import type { ChildProcess } from 'node:child_process';

import { createAuthorizerApp } from '../src/authorizer-app';
import { AUTHORIZER_MIGRATIONS } from '../src/database/migrations';
import { confirmOnWechat, freePort, startProcess, stopProcess } from './authorizer-test.util';

const COMPONENT = 'wx5555555555555555';
const API_KEY = 'authorizer-outages-token-api-key-01';
const C = 'cgi-bin/component';

interface SimPlatform {
  appid: string;
  secret: string;
  token: string;
  encodingAESKey: string;
}

/**
 * WeChat outages during authorizations (issue #12), end to end: wechat-sim with injected faults,
 * ingress and token as processes, this app in-process. Before, the `authorized` push was retried
 * 5 times 5 s apart and then dead-lettered, and the merchant was lost.
 */
describe('authorizations through WeChat outages (end to end)', () => {
  const namespace = `${uniqueRunId()}.`;
  let sim: SimProcess;
  let databases: TestDatabase[] = [];
  let token: ChildProcess | undefined;
  let ingress: ChildProcess | undefined;
  let app: NestFastifyApplication;
  let rpc: AmqpRpcClient;
  let probe: BrokerProbe;
  let publicUrl: string;
  let tokenUrl: string;
  let accounts: string[];

  const createLink = (request: CreateAuthorizationLinkRequest) =>
    rpc.request<AuthorizationLinkReply>(AuthorizerRpcPatterns.CreateLink, request);
  const eventsOf = (authorizerAppid: string, type?: string): EventEnvelope[] =>
    probe.envelopes.filter((e) => e.authorizerAppid === authorizerAppid && (!type || e.type === type));
  const waitForEvent = async (authorizerAppid: string, type: string, timeoutMs: number) => {
    await waitUntil(
      () => eventsOf(authorizerAppid, type).length > 0,
      timeoutMs,
      `${type} of ${authorizerAppid}`,
    );
    return eventsOf(authorizerAppid, type)[0]!;
  };
  const authorizerToken = async (authorizerAppid: string) => {
    const response = await fetch(
      `${tokenUrl}/v1/components/${COMPONENT}/authorizers/${authorizerAppid}/access-token`,
      { headers: { authorization: `Bearer ${API_KEY}` } },
    );
    return { status: response.status, body: (await response.json()) as { accessToken?: string } };
  };
  const faults = (rules: Record<string, unknown>[]) => sim.control('PUT', '/faults', { rules });
  const clearFaults = () => sim.control('DELETE', '/faults');
  const outcomes = (request: Record<string, unknown>) =>
    rpc.request<AuthorizationOutcomePage>(AuthorizerRpcPatterns.ListAuthorizationOutcomes, request);
  /** The merchant authorizes through a link; the browser's landing request runs in the background. */
  const authorize = async (bizRef: string, authorizerAppid: string) => {
    const link = await createLink({ kind: 'pc', bizRef });
    const landingUrl = await confirmOnWechat(sim, link, authorizerAppid);
    const landing = fetch(landingUrl).then(
      (response) => response.status,
      () => 0,
    );
    return { link, landingUrl, landing };
  };

  beforeAll(async () => {
    sim = await startWechatSimProcess({ SIM_PUSH_RETRY_DELAY_MS: '200' });
    const [tokenDb, ingressDb, authorizerDb] = await Promise.all([
      createTestDatabase({ prefix: 'outage_token', migrations: [] }),
      createTestDatabase({ prefix: 'outage_ingress', migrations: [] }),
      createTestDatabase({ prefix: 'outage_authorizer', migrations: AUTHORIZER_MIGRATIONS }),
    ]);
    databases = [tokenDb, ingressDb, authorizerDb];
    probe = await BrokerProbe.bind(['authorization.*'], { namespace });
    const [ingressPort, tokenPort, authorizerPort] = [await freePort(), await freePort(), await freePort()];
    const ingressUrl = `http://127.0.0.1:${ingressPort}`;
    tokenUrl = `http://127.0.0.1:${tokenPort}`;
    publicUrl = `http://127.0.0.1:${authorizerPort}`;
    const platform = await sim.control<SimPlatform>('POST', '/platforms', {
      appid: COMPONENT,
      startTickets: false,
      authEventUrl: `${ingressUrl}/wechat/components/${COMPONENT}/events`,
      messageUrl: `${ingressUrl}/wechat/components/${COMPONENT}/authorizers/$APPID$/messages`,
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
          // Short, so that a slow WeChat answer is a timeout (the lost-answer test).
          TOKEN_WECHAT_TIMEOUT_MS: '1000',
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
          SECRETS_KEYS: `k1:${SecretBox.generateKey()}`,
          SECRETS_CURRENT_KEY_ID: 'k1',
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
        AUTHORIZER_SYNC_START_DELAY_SECONDS: '3600',
      },
    });
    await app.listen(authorizerPort, '127.0.0.1');
    rpc = app.get(AmqpRpcClient);
    await sim.control('POST', `/platforms/${COMPONENT}/tickets`);
    await waitUntil(
      async () =>
        (
          await fetch(`${tokenUrl}/v1/components/${COMPONENT}/access-token`, {
            headers: { authorization: `Bearer ${API_KEY}` },
          })
        ).status === 200,
      10_000,
      'the component token',
    );
    ({ appids: accounts } = await sim.control<{ appids: string[] }>('POST', '/accounts', {
      count: 5,
      type: 'mini_program',
    }));
  }, 90_000);

  afterAll(async () => {
    await app?.close();
    await Promise.all([stopProcess(ingress), stopProcess(token)]);
    await probe?.close();
    await sim?.stop();
    for (const database of databases) await database.drop();
    const delayQueues = (queue: string) =>
      delayLadder(resolveRetryPolicy(AUTH_CODE_RETRY_POLICY)).map((delay) => delayQueueOf(queue, delay));
    await deleteBrokerObjects({
      exchanges: ['wxop.events', 'wxop.rpc', 'wxop.retry'].map((name) => namespace + name),
      queues: [
        ...[
          QueueNames.AuthorizerAuthorizationPushes,
          QueueNames.AuthorizerTokenEvents,
          QueueNames.AuthorizerReleaseCheck,
          QueueNames.TokenComponentPushes,
        ].flatMap((queue) => [queue, `${queue}.retry`, `${queue}.dlq`, ...delayQueues(queue)]),
        'authorizer.rpc',
        'token.rpc',
      ].map((name) => namespace + name),
    });
  });

  afterEach(async () => {
    await clearFaults();
    await sim.control('PUT', '/settings', {
      authCodeTtlSeconds: 600,
      unexchangedInAuthorizerList: 'without_refresh_token',
    });
  });

  it('api_query_auth answers -1 for 35 s: the merchant gets credentials and one authorization.authorized; one whose code expired meanwhile is reported as authorization.failed', async () => {
    const [patient, expiring] = accounts as [string, string];
    await faults([{ endpoint: `${C}/api_query_auth`, failure: 'errcode', errcode: -1 }]);
    const outageStarted = Date.now();
    const first = await authorize('outage-patient', patient);
    // A second merchant's code lives 12 s only: it expires during the outage.
    await sim.control('PUT', '/settings', { authCodeTtlSeconds: 12 });
    const second = await authorize('outage-expiring', expiring);

    const failed = await waitForEvent(expiring, DomainEventTypes.AuthorizationFailed, 40_000);
    expect(failed).toMatchObject({
      componentAppid: COMPONENT,
      authorizerAppid: expiring,
      data: { reason: 'auth_code_expired', errcode: -1, bizRef: 'outage-expiring' },
    });
    expect(Date.now() - outageStarted).toBeGreaterThanOrEqual(12_000);

    await sleep(Math.max(0, 35_000 - (Date.now() - outageStarted)));
    await clearFaults();
    const authorized = await waitForEvent(patient, DomainEventTypes.AuthorizationAuthorized, 30_000);
    expect(authorized.data).toMatchObject({ bizRef: 'outage-patient', authorizerType: 'mini_program' });
    expect((await authorizerToken(patient)).status).toBe(200);
    await first.landing;
    await second.landing;
    await sleep(1000);
    expect(eventsOf(patient)).toHaveLength(1);
    expect(eventsOf(expiring)).toHaveLength(1);
    // The failed one holds no credentials, and operators can see why.
    expect((await authorizerToken(expiring)).status).toBe(404);
    const { items } = await outcomes({ authorizerAppid: expiring });
    expect(items).toEqual([
      expect.objectContaining({
        outcome: 'failed',
        reason: 'auth_code_expired',
        errcode: -1,
        bizRef: 'outage-expiring',
        linkId: second.link.linkId,
        eventId: failed.id,
      }),
    ]);
    expect(items[0]!.detail).toContain('holds no refresh token');
    const metrics = await (await fetch(`${publicUrl}/metrics`)).text();
    expect(metrics).toMatch(
      /wxop_authorizer_code_exchange_outcomes_total\{[^}]*outcome="failed"[^}]*reason="auth_code_expired"[^}]*\} 1/,
    );
    // The merchant's browser, back on the landing page after the outage, is told the truth.
    const again = await fetch(second.landingUrl);
    expect(again.status).toBe(400);
  }, 120_000);

  it('WeChat answered api_query_auth but the answer was lost: the authorization is recovered through api_get_authorizer_list', async () => {
    const account = accounts[2]!;
    // Slower than the token service's 1 s timeout: WeChat uses the code, the token service never hears.
    await faults([{ endpoint: `${C}/api_query_auth`, latencyMs: 2500 }]);
    const { link, landingUrl, landing } = await authorize('lost-answer', account);
    await waitUntil(
      async () =>
        (
          await sim.control<{ authorizerAppid: string; exchanged: boolean }[]>(
            'GET',
            `/platforms/${COMPONENT}/authorizations`,
          )
        ).some((entry) => entry.authorizerAppid === account && entry.exchanged),
      15_000,
      'WeChat to have used the code',
    );
    await clearFaults();

    const authorized = await waitForEvent(account, DomainEventTypes.AuthorizationAuthorized, 30_000);
    expect(authorized.data).toMatchObject({ bizRef: 'lost-answer', authorizerType: 'mini_program' });
    expect((await authorizerToken(account)).status).toBe(200);
    const { items } = await outcomes({ authorizerAppid: account, outcome: 'recovered' });
    expect(items).toEqual([
      expect.objectContaining({
        outcome: 'recovered',
        errcode: 61009,
        linkId: link.linkId,
        eventId: authorized.id,
      }),
    ]);
    await landing;
    const again = await fetch(landingUrl);
    expect(again.status).toBe(200);
    expect(await again.text()).toContain(account);
    await sleep(1000);
    expect(eventsOf(account)).toHaveLength(1);
  }, 90_000);

  it('a code expires during an outage and WeChat lists the account with a refresh token: recovered through the list', async () => {
    const account = accounts[4]!;
    // §3.6 is a community capture: the simulator may list an unexchanged authorization with its refresh token.
    await sim.control('PUT', '/settings', {
      authCodeTtlSeconds: 10,
      unexchangedInAuthorizerList: 'with_refresh_token',
    });
    await faults([{ endpoint: `${C}/api_query_auth`, failure: 'errcode', errcode: -1 }]);
    const { link, landing } = await authorize('expired-listed', account);
    const authorized = await waitForEvent(account, DomainEventTypes.AuthorizationAuthorized, 45_000);
    expect(authorized.data).toMatchObject({ bizRef: 'expired-listed', authorizerType: 'mini_program' });
    // api_query_auth still fails: the credentials came from the list.
    expect((await authorizerToken(account)).status).toBe(200);
    const { items } = await outcomes({ authorizerAppid: account });
    expect(items).toEqual([
      expect.objectContaining({
        outcome: 'recovered',
        errcode: -1,
        linkId: link.linkId,
        eventId: authorized.id,
      }),
    ]);
    await landing;
    await sleep(1000);
    expect(eventsOf(account)).toHaveLength(1);
  }, 90_000);

  it('the component token is unavailable for 60 s during an authorization: credentials and one authorization.authorized afterwards', async () => {
    const account = accounts[3]!;
    // WeChat rejects the current component token, and will not issue a new one for 60 s.
    await faults([
      { endpoint: `${C}/api_query_auth`, failure: 'errcode', errcode: 40001 },
      { endpoint: `${C}/api_component_token`, failure: 'errcode', errcode: -1 },
    ]);
    const outageStarted = Date.now();
    const { landing } = await authorize('no-component-token', account);
    await sleep(60_000 - (Date.now() - outageStarted));
    expect(eventsOf(account)).toHaveLength(0);
    await clearFaults();
    // The token service backs off 5, 10, 20, 40 s after its failed refreshes (attempts at about 0,
    // 5, 15, 35 and 75 s into the outage), so its next call comes up to 40 s after the clear; the
    // push's own retry comes up to 15 s after that (AUTH_CODE_RETRY_POLICY). 60 s covers both.
    const authorized = await waitForEvent(account, DomainEventTypes.AuthorizationAuthorized, 60_000);
    expect(authorized.data).toMatchObject({ bizRef: 'no-component-token' });
    expect((await authorizerToken(account)).status).toBe(200);
    await landing;
    await sleep(1000);
    expect(eventsOf(account)).toHaveLength(1);
  }, 150_000);
});
