import { DomainEventTypes, QueueNames } from '@wxop/contracts';
import {
  BrokerProbe,
  createTestDatabase,
  databaseEnv,
  freePort,
  startWechatSimProcess,
  testEnv,
  uniqueRunId,
  waitUntil,
  type SimProcess,
  type TestDatabase,
} from '@wxop/testing';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

import {
  API_KEY,
  createDatabase,
  deleteTokenBrokerObjects,
  SECRETS_KEYS,
  tokenEnv,
  type SimPlatform,
} from './token-test.util';

const COMPONENT = 'wx3333333333333333';

/**
 * WeChat (wechat-sim) → ingress (its own process, with no keys of its own: it asks the token
 * service) → RabbitMQ → token service → subscriber, the way a deployment runs: the ticket becomes
 * a component token, a merchant's authorization becomes working credentials and one
 * `token.authorizer.issued`, the merchant's revocation ends them.
 */
describe('wechat-sim → ingress → token (end to end)', () => {
  const namespace = `${uniqueRunId()}.`;
  let sim: SimProcess;
  let tokenDatabase: TestDatabase;
  let ingressDatabase: TestDatabase;
  let ingress: ChildProcess;
  let token: ChildProcess;
  let tokenUrl: string;
  const tokenGet = async <T>(path: string) => {
    const response = await fetch(`${tokenUrl}${path}`, { headers: { authorization: `Bearer ${API_KEY}` } });
    return { status: response.status, body: (await response.json()) as T };
  };
  let probe: BrokerProbe;
  let platform: SimPlatform;

  beforeAll(async () => {
    sim = await startWechatSimProcess({ SIM_PUSH_RETRY_DELAY_MS: '200' });
    tokenDatabase = await createDatabase();
    ingressDatabase = await createTestDatabase({ prefix: 'ingress_e2e', migrations: [] });
    probe = await BrokerProbe.bind(['token.#'], { namespace });
    const ingressPort = await freePort();
    const ingressUrl = `http://127.0.0.1:${ingressPort}`;
    platform = await sim.control<SimPlatform>('POST', '/platforms', {
      appid: COMPONENT,
      startTickets: false,
      authEventUrl: `${ingressUrl}/wechat/components/${COMPONENT}/events`,
      messageUrl: `${ingressUrl}/wechat/components/${COMPONENT}/authorizers/$APPID$/messages`,
    });
    const tokenPort = await freePort();
    tokenUrl = `http://127.0.0.1:${tokenPort}`;
    token = spawn(process.execPath, ['scripts/run-ts.cjs', 'apps/token/src/main.ts'], {
      cwd: join(__dirname, '..', '..', '..'),
      env: {
        ...process.env,
        ...tokenEnv(sim, tokenDatabase),
        LOG_LEVEL: 'warn',
        RABBITMQ_NAMESPACE: namespace,
        TOKEN_HTTP_HOST: '127.0.0.1',
        TOKEN_HTTP_PORT: String(tokenPort),
        WECHAT_COMPONENT_APPID: platform.appid,
        WECHAT_COMPONENT_SECRET: platform.secret,
        WECHAT_COMPONENT_TOKEN: platform.token,
        WECHAT_COMPONENT_ENCODING_AES_KEY: platform.encodingAESKey,
        TOKEN_READ_CACHE_MS: '500',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    await waitUntil(
      () =>
        fetch(`${tokenUrl}/health/ready`).then(
          (r) => r.ok,
          () => false,
        ),
      30_000,
      'token',
    );
    ingress = spawn(process.execPath, ['scripts/run-ts.cjs', 'apps/ingress/src/main.ts'], {
      cwd: join(__dirname, '..', '..', '..'),
      env: {
        ...process.env,
        LOG_LEVEL: 'warn',
        ...databaseEnv(ingressDatabase),
        RABBITMQ_URL: testEnv.rabbitUrl,
        RABBITMQ_NAMESPACE: namespace,
        INGRESS_HTTP_HOST: '127.0.0.1',
        INGRESS_HTTP_PORT: String(ingressPort),
        // The token service is the only consumer this test runs (no authorizer).
        INGRESS_REQUIRED_QUEUES: QueueNames.TokenComponentPushes,
        // Ingress seals its outbox with these.
        SECRETS_KEYS,
        SECRETS_CURRENT_KEY_ID: 'k1',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    await waitUntil(
      () =>
        fetch(`${ingressUrl}/health/ready`).then(
          (r) => r.ok,
          () => false,
        ),
      30_000,
      'ingress to be ready',
    );
  });

  afterAll(async () => {
    if (ingress && ingress.exitCode === null) {
      ingress.kill('SIGTERM');
      await new Promise((resolve) => ingress.once('exit', resolve));
    }
    for (const child of [token]) {
      if (child && child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((resolve) => child.once('exit', resolve));
      }
    }
    await probe?.close();
    await sim?.stop();
    await tokenDatabase?.drop();
    await ingressDatabase?.drop();
    await deleteTokenBrokerObjects(namespace);
  });

  it('a pushed ticket becomes a component token', async () => {
    const delivery = await sim.control<{ delivered: boolean }>(
      'POST',
      `/platforms/${platform.appid}/tickets`,
    );
    expect(delivery).toMatchObject({ delivered: true });
    await waitUntil(
      async () => (await tokenGet(`/v1/components/${platform.appid}/access-token`)).status === 200,
      10_000,
      'the component token',
    );
  });

  it("a merchant's authorization becomes working credentials and one token.authorizer.issued; revocation ends them", async () => {
    const { appids } = await sim.control<{ appids: string[] }>('POST', '/accounts', {
      count: 1,
      type: 'official_account',
    });
    const authorizerAppid = appids[0]!;
    const authorized = await sim.control<{ push: { delivered: boolean } }>(
      'POST',
      `/platforms/${platform.appid}/authorizations?wait=true`,
      { authorizerAppid, funcInfo: [1, 15, 19] },
    );
    expect(authorized.push).toMatchObject({ delivered: true });
    const [issued] = await probe.waitFor(1, { type: DomainEventTypes.TokenAuthorizerIssued });
    expect(issued).toMatchObject({
      componentAppid: platform.appid,
      authorizerAppid,
      data: { funcInfo: [1, 15, 19], source: 'auth_code' },
    });

    const path = `/v1/components/${platform.appid}/authorizers/${authorizerAppid}/access-token`;
    const { status, body } = await tokenGet<{ accessToken: string }>(path);
    expect(status).toBe(200);
    const sent = await fetch(`${sim.url}/cgi-bin/message/custom/send?access_token=${body.accessToken}`, {
      method: 'POST',
      body: JSON.stringify({ touser: 'o_user', msgtype: 'text', text: { content: 'welcome' } }),
    });
    expect(await sent.json()).toMatchObject({ errcode: 0 });

    const revoked = await sim.control<{ push: { delivered: boolean } }>(
      'DELETE',
      `/platforms/${platform.appid}/authorizations/${authorizerAppid}?wait=true`,
    );
    expect(revoked.push).toMatchObject({ delivered: true });
    await waitUntil(async () => (await tokenGet(path)).status === 409, 10_000, 'the revocation');
    expect(probe.envelopes.filter((e) => e.type === DomainEventTypes.TokenAuthorizerIssued)).toHaveLength(1);
  });
});
