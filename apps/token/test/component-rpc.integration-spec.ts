import {
  TokenRpcPatterns,
  type AccessTokenReply,
  type ComponentHealth,
  type ComponentHealthListReply,
} from '@wxop/contracts';
import { AmqpRpcClient, RpcRemoteError } from '@wxop/messaging';
import { startWechatSimProcess, uniqueRunId, waitUntil, type SimProcess } from '@wxop/testing';

import { AuthCodeExchangeService } from '../src/authorizers/auth-code-exchange.service';
import {
  countersOf,
  createDatabase,
  deleteTokenBrokerObjects,
  publishRawPush,
  startReplica,
  ticketPush,
  tokenEnv,
  type Replica,
  type SimPlatform,
} from './token-test.util';

const C = 'cgi-bin/component';

/**
 * The component-level RPC that code-release and admin-api use: the component token's
 * compare-and-set invalidation (template-library calls answering 40001/42001) and the credential
 * health of every component app. Two replicas, real MariaDB, RabbitMQ and wechat-sim.
 */
describe('token.component-access-token.invalidate, token.components.list, token.component.health', () => {
  const namespace = `${uniqueRunId()}.`;
  let sim: SimProcess;
  let database: Awaited<ReturnType<typeof createDatabase>>;
  let platform: SimPlatform;
  const replicas: Replica[] = [];

  const rpc = (replica: Replica) => replica.app.get(AmqpRpcClient);
  const tokensIssued = async () =>
    (await countersOf(sim, `${C}/api_component_token`)).get(platform.appid)?.calls ?? 0;

  beforeAll(async () => {
    sim = await startWechatSimProcess();
    platform = await sim.control<SimPlatform>('POST', '/platforms', { startTickets: false });
    database = await createDatabase();
    const env = tokenEnv(sim, database, {
      WECHAT_COMPONENT_APPID: platform.appid,
      WECHAT_COMPONENT_SECRET: platform.secret,
      WECHAT_COMPONENT_TOKEN: platform.token,
      WECHAT_COMPONENT_ENCODING_AES_KEY: platform.encodingAESKey,
      TOKEN_TICKET_STALE_SECONDS: '3600',
      TOKEN_READ_CACHE_MS: '500',
    });
    for (const id of ['replica-a', 'replica-b']) replicas.push(await startReplica(id, namespace, env));
    await sim.control('POST', `/platforms/${platform.appid}/tickets`);
    const { currentTicket } = await sim.control<SimPlatform>('GET', `/platforms/${platform.appid}`);
    await publishRawPush(namespace, platform.appid, ticketPush(platform.appid, currentTicket!));
    await waitUntil(async () => (await tokensIssued()) >= 1, 10_000, 'the first component token');
  }, 60_000);

  afterAll(async () => {
    await Promise.all(replicas.map((replica) => replica.close()));
    await sim?.stop();
    await database?.drop();
    await deleteTokenBrokerObjects(namespace);
  });

  it('invalidate is a compare-and-set: ten reports of one token over two replicas refresh it once', async () => {
    const first = await rpc(replicas[0]!).request<AccessTokenReply>(
      TokenRpcPatterns.GetComponentAccessToken,
      {
        componentAppid: platform.appid,
      },
    );
    const before = await tokensIssued();

    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        rpc(replicas[i % 2]!).request<AccessTokenReply>(TokenRpcPatterns.InvalidateComponentAccessToken, {
          componentAppid: platform.appid,
          accessToken: first.accessToken,
        }),
      ),
    );

    const second = answers[0]!.accessToken;
    expect(second).not.toBe(first.accessToken);
    expect(new Set(answers.map((answer) => answer.accessToken))).toEqual(new Set([second]));
    expect(Date.parse(answers[0]!.expiresAt)).toBeGreaterThan(Date.now());
    expect((await tokensIssued()) - before).toBe(1);

    // A late report of the old token returns the current one without calling WeChat.
    const late = await rpc(replicas[1]!).request<AccessTokenReply>(
      TokenRpcPatterns.InvalidateComponentAccessToken,
      { componentAppid: platform.appid, accessToken: first.accessToken },
    );
    expect(late.accessToken).toBe(second);
    expect((await tokensIssued()) - before).toBe(1);
    // Every replica now hands out the new token.
    const read = await rpc(replicas[1]!).request<AccessTokenReply>(TokenRpcPatterns.GetComponentAccessToken, {
      componentAppid: platform.appid,
    });
    expect(read.accessToken).toBe(second);
  });

  it('invalidate refuses a request without the rejected token, and an unknown component', async () => {
    const missing = rpc(replicas[0]!).request(TokenRpcPatterns.InvalidateComponentAccessToken, {
      componentAppid: platform.appid,
    });
    await expect(missing).rejects.toBeInstanceOf(RpcRemoteError);
    await expect(missing).rejects.toMatchObject({ code: 'INVALID_REQUEST' });

    await expect(
      rpc(replicas[0]!).request(TokenRpcPatterns.InvalidateComponentAccessToken, {
        componentAppid: 'wx_unknown_component',
        accessToken: 'x',
      }),
    ).rejects.toMatchObject({ code: 'COMPONENT_NOT_FOUND' });
  });

  it('lists every component with its ticket, token and authorizers by state, and never a secret', async () => {
    const authorizerAppid = (
      await sim.control<{ appids: string[] }>('POST', '/accounts', { count: 1, type: 'mini_program' })
    ).appids[0]!;
    const { authCode } = await sim.control<{ authCode: string }>(
      'POST',
      `/platforms/${platform.appid}/authorizations`,
      { authorizerAppid, funcInfo: [17, 18] },
    );
    await replicas[0]!.app.get(AuthCodeExchangeService).exchangeAuthCode(platform.appid, authCode);
    const token = await rpc(replicas[0]!).request<AccessTokenReply>(
      TokenRpcPatterns.GetComponentAccessToken,
      {
        componentAppid: platform.appid,
      },
    );

    const list = await rpc(replicas[1]!).request<ComponentHealthListReply>(
      TokenRpcPatterns.ListComponents,
      {},
    );
    const health = await rpc(replicas[0]!).request<ComponentHealth>(TokenRpcPatterns.GetComponentHealth, {
      componentAppid: platform.appid,
    });

    expect(list.components).toHaveLength(1);
    expect(list.components[0]).toEqual(health);
    expect(health).toMatchObject({
      componentAppid: platform.appid,
      ticket: { receivedAt: expect.any(String), ageSeconds: expect.any(Number) },
      componentToken: { expiresAt: expect.any(String), refreshFailures: 0 },
      authorizers: { byState: { active: 1, invalid: 0, revoked: 0 } },
    });
    expect(health.ticket.refused).toBeUndefined();
    expect(health.componentToken.lastError).toBeUndefined();
    expect(health.ticket.ageSeconds).toBeLessThan(120);
    // Within a few seconds of the expiry handed out with the token.
    expect(Math.abs(Date.parse(health.componentToken.expiresAt!) - Date.parse(token.expiresAt))).toBeLessThan(
      5000,
    );
    const { currentTicket } = await sim.control<SimPlatform>('GET', `/platforms/${platform.appid}`);
    const text = JSON.stringify(list);
    for (const secret of [
      platform.secret,
      platform.token,
      platform.encodingAESKey,
      currentTicket!,
      token.accessToken,
    ]) {
      expect(text).not.toContain(secret);
    }

    // A revoked authorizer moves to its column.
    await rpc(replicas[0]!).request(TokenRpcPatterns.RevokeAuthorizer, {
      componentAppid: platform.appid,
      authorizerAppid,
    });
    const after = await rpc(replicas[1]!).request<ComponentHealth>(TokenRpcPatterns.GetComponentHealth, {
      componentAppid: platform.appid,
    });
    expect(after.authorizers.byState).toEqual({ active: 0, invalid: 0, revoked: 1 });
  });

  it('health shows the last failed refresh with its errcode, and answers COMPONENT_NOT_FOUND for an unknown one', async () => {
    const current = await rpc(replicas[0]!).request<AccessTokenReply>(
      TokenRpcPatterns.GetComponentAccessToken,
      {
        componentAppid: platform.appid,
      },
    );
    await sim.control('POST', '/faults', {
      endpoint: `${C}/api_component_token`,
      errcode: 45009,
      durationMs: 5000,
    });
    try {
      // The rejected token is dropped, the refresh fails: no token to hand out for now.
      await expect(
        rpc(replicas[0]!).request(TokenRpcPatterns.InvalidateComponentAccessToken, {
          componentAppid: platform.appid,
          accessToken: current.accessToken,
        }),
      ).rejects.toMatchObject({ code: 'TOKEN_UNAVAILABLE' });
      const health = await rpc(replicas[1]!).request<ComponentHealth>(TokenRpcPatterns.GetComponentHealth, {
        componentAppid: platform.appid,
      });
      expect(health.componentToken).toMatchObject({
        refreshFailures: 1,
        retryAt: expect.any(String),
        lastError: { errcode: 45009, message: expect.stringContaining('45009'), at: expect.any(String) },
      });
      expect(health.componentToken.expiresAt).toBeUndefined();
      expect(JSON.stringify(health)).not.toContain(platform.secret);
    } finally {
      await sim.control('DELETE', '/faults');
    }

    await expect(
      rpc(replicas[0]!).request(TokenRpcPatterns.GetComponentHealth, {
        componentAppid: 'wx_unknown_component',
      }),
    ).rejects.toMatchObject({ code: 'COMPONENT_NOT_FOUND' });
  });
});
