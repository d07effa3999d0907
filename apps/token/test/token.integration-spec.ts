import { DomainEventTypes, TokenRpcPatterns } from '@wxop/contracts';
import { AmqpRpcClient, RpcRemoteError } from '@wxop/messaging';
import {
  BrokerProbe,
  sleep,
  startWechatSimProcess,
  uniqueRunId,
  waitUntil,
  type SimProcess,
  type TestDatabase,
} from '@wxop/testing';

import { SecretBox } from '@wxop/secrets';
import { WechatApiClient } from '@wxop/wechat-api';

import { AuthCodeExchangeService } from '../src/authorizers/auth-code-exchange.service';
import { AuthorizerInvalidationService } from '../src/authorizers/authorizer-invalidation.service';
import { ComponentTokensService } from '../src/components/component-tokens.service';
import {
  countersOf,
  createDatabase,
  publishRawPush,
  SECRETS_KEYS,
  startReplica,
  ticketPush,
  tokenEnv,
  totalCalls,
  type Replica,
  type SimPlatform,
  deleteTokenBrokerObjects,
} from './token-test.util';

const C = 'cgi-bin/component';

describe('token service (real MariaDB, RabbitMQ and wechat-sim)', () => {
  const namespace = `${uniqueRunId()}.`;
  let sim: SimProcess;
  let database: TestDatabase;
  let platform: SimPlatform;
  const replicas: Replica[] = [];
  let probe: BrokerProbe;
  let sut: Replica;

  const componentEnv = () => ({
    WECHAT_COMPONENT_APPID: platform.appid,
    WECHAT_COMPONENT_SECRET: platform.secret,
    WECHAT_COMPONENT_TOKEN: platform.token,
    WECHAT_COMPONENT_ENCODING_AES_KEY: platform.encodingAESKey,
  });

  const pushTicket = async () => {
    await sim.control('POST', `/platforms/${platform.appid}/tickets`);
    const { currentTicket } = await sim.control<SimPlatform>('GET', `/platforms/${platform.appid}`);
    await publishRawPush(namespace, platform.appid, ticketPush(platform.appid, currentTicket!));
  };

  const newMiniProgram = async () =>
    (await sim.control<{ appids: string[] }>('POST', '/accounts', { count: 1, type: 'mini_program' }))
      .appids[0]!;

  const authorize = async (authorizerAppid: string) =>
    (
      await sim.control<{ authCode: string }>('POST', `/platforms/${platform.appid}/authorizations`, {
        authorizerAppid,
        funcInfo: [17, 18, 19],
      })
    ).authCode;

  beforeAll(async () => {
    sim = await startWechatSimProcess();
    platform = await sim.control<SimPlatform>('POST', '/platforms', { startTickets: false });
    database = await createDatabase();
    probe = await BrokerProbe.bind(['token.#'], { namespace });
    const env = tokenEnv(sim, database, {
      ...componentEnv(),
      TOKEN_TICKET_STALE_SECONDS: '3600',
      // A change made by one replica is seen by the others within this (reads are served from memory).
      TOKEN_READ_CACHE_MS: '1000',
    });
    for (const id of ['replica-a', 'replica-b', 'replica-c'])
      replicas.push(await startReplica(id, namespace, env));
    sut = replicas[0]!;
  });

  afterAll(async () => {
    await Promise.all(replicas.map((replica) => replica.close()));
    await probe?.close();
    await sim?.stop();
    await database?.drop();
    await deleteTokenBrokerObjects(namespace);
  });

  it('GET /v1/components/:appid/access-token - needs a bearer key, knows its components, waits for a ticket', async () => {
    expect((await sut.get(`/v1/components/${platform.appid}/access-token`, '')).status).toBe(401);
    expect(
      (await sut.get(`/v1/components/${platform.appid}/access-token`, 'wrong-key-wrong-key-wrong-key'))
        .status,
    ).toBe(401);
    const unknown = await sut.get<{ error: string }>('/v1/components/wxunknown0000000001/access-token');
    expect(unknown).toMatchObject({ status: 404, body: { error: 'COMPONENT_NOT_FOUND' } });

    const early = await sut.get<{ error: string; message: string }>(
      `/v1/components/${platform.appid}/access-token`,
    );
    expect(early.status).toBe(503);
    expect(early.body).toMatchObject({ error: 'TOKEN_UNAVAILABLE' });
    expect(early.body.message).toContain('component_verify_ticket');
  });

  it('a pushed ticket gets the component token once, whichever replica consumes it, and every replica serves it', async () => {
    await pushTicket();
    await waitUntil(
      async () => (await sut.get(`/v1/components/${platform.appid}/access-token`)).status === 200,
      10_000,
      'a component token',
    );
    const answers = await Promise.all(
      replicas.map((replica) =>
        replica.get<{ accessToken: string; expiresAt: string }>(
          `/v1/components/${platform.appid}/access-token`,
        ),
      ),
    );
    const tokens = new Set(answers.map((answer) => answer.body.accessToken));
    expect(tokens.size).toBe(1);
    expect(Date.parse(answers[0]!.body.expiresAt)).toBeGreaterThan(Date.now() + 7000 * 1000);
    expect(await totalCalls(sim, `${C}/api_component_token`)).toBe(1);
    // The token is stored encrypted: the database never holds it in clear.
    const [row] = (await database.dataSource.query('SELECT access_token, secret FROM token_components')) as {
      access_token: string;
      secret: string;
    }[];
    expect(row!.access_token).toMatch(/^v1\.k1\./);
    expect(row!.access_token).not.toContain([...tokens][0]);
    expect(row!.secret).not.toContain(platform.secret);
  });

  it('exchanges one auth code raced 20 times over three replicas with one WeChat call and one issued event', async () => {
    const authorizerAppid = await newMiniProgram();
    const authCode = await authorize(authorizerAppid);
    const before = await totalCalls(sim, `${C}/api_query_auth`);

    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        replicas[i % 3]!.app.get(AuthCodeExchangeService).exchangeAuthCode(platform.appid, authCode),
      ),
    );
    expect(new Set(results.map((r) => r.authorizerAppid))).toEqual(new Set([authorizerAppid]));
    expect(results.filter((r) => r.firstExchange)).toHaveLength(1);
    expect(results[0]!.funcInfo).toEqual([17, 18, 19]);
    expect((await totalCalls(sim, `${C}/api_query_auth`)) - before).toBe(1);

    // The same code through RPC (the landing page's path) and through the authorized push: still one call.
    const rpc = sut.app.get(AmqpRpcClient);
    const viaRpc = await rpc.request<{ authorizerAppid: string; firstExchange: boolean }>(
      TokenRpcPatterns.ExchangeAuthCode,
      { componentAppid: platform.appid, authCode },
    );
    expect(viaRpc).toMatchObject({ authorizerAppid, firstExchange: false });
    await publishRawPush(namespace, platform.appid, {
      AppId: platform.appid,
      CreateTime: Math.floor(Date.now() / 1000),
      InfoType: 'authorized',
      AuthorizerAppid: authorizerAppid,
      AuthorizationCode: authCode,
    });
    const issued = await probe.waitFor(1, { type: DomainEventTypes.TokenAuthorizerIssued });
    await sleep(1000);
    expect(probe.envelopes.filter((e) => e.authorizerAppid === authorizerAppid)).toHaveLength(1);
    expect(issued[0]).toMatchObject({
      componentAppid: platform.appid,
      authorizerAppid,
      data: { funcInfo: [17, 18, 19], source: 'auth_code' },
    });
    expect((await totalCalls(sim, `${C}/api_query_auth`)) - before).toBe(1);

    // The token API serves a token WeChat accepts right away.
    const { body } = await sut.get<{ accessToken: string }>(
      `/v1/components/${platform.appid}/authorizers/${authorizerAppid}/access-token`,
    );
    const sent = await fetch(`${sim.url}/cgi-bin/message/custom/send?access_token=${body.accessToken}`, {
      method: 'POST',
      body: JSON.stringify({ touser: 'o_user', msgtype: 'text', text: { content: 'hi' } }),
    });
    expect(await sent.json()).toMatchObject({ errcode: 0 });
  });

  it('answers an invalid auth code with WECHAT_REJECTED and remembers it without calling WeChat again', async () => {
    const rpc = sut.app.get(AmqpRpcClient);
    const ask = () =>
      rpc.request(TokenRpcPatterns.ExchangeAuthCode, {
        componentAppid: platform.appid,
        authCode: 'queryauthcode@@@nope',
      });
    await expect(ask()).rejects.toMatchObject({ code: 'WECHAT_REJECTED', details: { errcode: 61009 } });
    const calls = await totalCalls(sim, `${C}/api_query_auth`);
    await expect(ask()).rejects.toBeInstanceOf(RpcRemoteError);
    expect(await totalCalls(sim, `${C}/api_query_auth`)).toBe(calls);
  });

  it('does not hold a refusal against the code when WeChat refuses for another reason (quota, IP list)', async () => {
    const authorizerAppid = await newMiniProgram();
    const authCode = await authorize(authorizerAppid);
    const rpc = sut.app.get(AmqpRpcClient);
    const exchange = () =>
      rpc.request(TokenRpcPatterns.ExchangeAuthCode, { componentAppid: platform.appid, authCode });
    await sim.control('PUT', '/faults', {
      rules: [{ endpoint: `${C}/api_query_auth`, failure: 'errcode', errcode: 45009 }],
    });
    try {
      await expect(exchange()).rejects.toMatchObject({
        code: 'WECHAT_REJECTED',
        details: { errcode: 45009 },
      });
    } finally {
      await sim.control('DELETE', '/faults');
    }
    await expect(exchange()).resolves.toMatchObject({ authorizerAppid, firstExchange: true });
  });

  it('invalidate is a compare-and-set: a stale token returns the current one, the current one is refreshed once', async () => {
    const authorizerAppid = await newMiniProgram();
    await sut.app
      .get(AuthCodeExchangeService)
      .exchangeAuthCode(platform.appid, await authorize(authorizerAppid));
    const path = `/v1/components/${platform.appid}/authorizers/${authorizerAppid}/access-token`;
    const { body: first } = await sut.get<{ accessToken: string }>(path);
    const refreshes = async () =>
      (await countersOf(sim, `${C}/api_authorizer_token`)).get(authorizerAppid)?.tokensIssued ?? 0;

    // Ten callers on three replicas report the same rejected token: one refresh.
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        replicas[i % 3]!.post<{ accessToken: string }>(`${path}/invalidate`, {
          accessToken: first.accessToken,
        }),
      ),
    );
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    const second = answers[0]!.body.accessToken;
    expect(second).not.toBe(first.accessToken);
    expect(new Set(answers.map((answer) => answer.body.accessToken))).toEqual(new Set([second]));
    expect(await refreshes()).toBe(1);

    // A late report of the old token changes nothing.
    const late = await replicas[2]!.post<{ accessToken: string }>(`${path}/invalidate`, {
      accessToken: first.accessToken,
    });
    expect(late.body.accessToken).toBe(second);
    expect(await refreshes()).toBe(1);

    const bad = await sut.post<{ error: string }>(`${path}/invalidate`, { token: 'x' });
    expect(bad).toMatchObject({ status: 400, body: { error: 'INVALID_REQUEST' } });
  });

  it('proxies a call with the token injected, and after a 40001 refreshes once and retries', async () => {
    const authorizerAppid = await newMiniProgram();
    await sut.app
      .get(AuthCodeExchangeService)
      .exchangeAuthCode(platform.appid, await authorize(authorizerAppid));
    const proxy = `${sut.url}/v1/components/${platform.appid}/authorizers/${authorizerAppid}/proxy/cgi-bin/message/custom/send`;
    const send = () =>
      fetch(`${proxy}?access_token=caller-supplied-is-ignored`, {
        method: 'POST',
        headers: {
          authorization: 'Bearer token-integration-test-key-0001',
          'content-type': 'application/json',
        },
        body: JSON.stringify({ touser: 'o_user', msgtype: 'text', text: { content: '你好' } }),
      });
    const ok = await send();
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ errcode: 0 });
    const messages = await sim.control<{ content: { content: string } }[]>(
      'GET',
      `/accounts/${authorizerAppid}/messages`,
    );
    expect(messages.at(-1)!.content.content).toBe('你好');

    // Someone else refreshes the token on WeChat (no grace): ours is superseded and WeChat answers 40001.
    // The proxy reports it (compare-and-set), gets a new token and retries once.
    await sim.control('PUT', '/settings', { tokenGraceSeconds: 0 });
    try {
      const [row] = (await database.dataSource.query(
        'SELECT refresh_token FROM token_authorizers WHERE authorizer_appid = ?',
        [authorizerAppid],
      )) as { refresh_token: string }[];
      const refreshToken = SecretBox.fromConfig(SECRETS_KEYS, 'k1').decrypt(
        row!.refresh_token,
        `token_authorizers:${platform.appid}:${authorizerAppid}:refresh_token`,
      );
      const { body: component } = await sut.get<{ accessToken: string }>(
        `/v1/components/${platform.appid}/access-token`,
      );
      await fetch(`${sim.url}/${C}/api_authorizer_token?component_access_token=${component.accessToken}`, {
        method: 'POST',
        body: JSON.stringify({
          component_appid: platform.appid,
          authorizer_appid: authorizerAppid,
          authorizer_refresh_token: refreshToken,
        }),
      });
      const sendsBefore = (await countersOf(sim, 'cgi-bin/message/custom/send')).get(authorizerAppid)!;
      const retried = await send();
      expect(retried.status).toBe(200);
      expect(await retried.json()).toMatchObject({ errcode: 0 });
      const sendsAfter = (await countersOf(sim, 'cgi-bin/message/custom/send')).get(authorizerAppid)!;
      expect(sendsAfter.calls - sendsBefore.calls).toBe(2);
      expect(sendsAfter.errors - sendsBefore.errors).toBe(1);
    } finally {
      await sim.control('PUT', '/settings', { tokenGraceSeconds: 300 });
    }

    const noKey = await fetch(proxy, { method: 'POST', body: '{}' });
    expect(noKey.status).toBe(401);
  });

  it('61023 on refresh: the authorizer becomes invalid once, token.authorizer.invalid is published once, the API answers 409', async () => {
    const authorizerAppid = await newMiniProgram();
    await sut.app
      .get(AuthCodeExchangeService)
      .exchangeAuthCode(platform.appid, await authorize(authorizerAppid));
    // The merchant revokes on WeChat's side; the push never reaches us.
    await sim.control('DELETE', `/platforms/${platform.appid}/authorizations/${authorizerAppid}`);
    await database.dataSource.query(
      'UPDATE token_authorizers SET refresh_due_at = UTC_TIMESTAMP(3) WHERE authorizer_appid = ?',
      [authorizerAppid],
    );
    const [invalid] = await probe.waitFor(1, { type: DomainEventTypes.TokenAuthorizerInvalid });
    expect(invalid).toMatchObject({ authorizerAppid, data: { errcode: 61023 } });

    const path = `/v1/components/${platform.appid}/authorizers/${authorizerAppid}/access-token`;
    await sleep(1100); // TOKEN_READ_CACHE_MS: every replica has read the database again
    for (const replica of replicas) {
      expect(await replica.get(path)).toMatchObject({
        status: 409,
        body: { error: 'AUTHORIZER_NOT_AUTHORIZED', errcode: 61023 },
      });
    }
    await sleep(1500);
    expect(probe.envelopes.filter((e) => e.type === DomainEventTypes.TokenAuthorizerInvalid)).toHaveLength(1);
    const [row] = (await database.dataSource.query(
      'SELECT status, access_token, refresh_token FROM token_authorizers WHERE authorizer_appid = ?',
      [authorizerAppid],
    )) as { status: string; access_token: string | null; refresh_token: string | null }[];
    expect(row).toEqual({ status: 'invalid', access_token: null, refresh_token: null });
  });

  it('an unauthorized push revokes the credentials (kept as history), idempotently', async () => {
    const authorizerAppid = await newMiniProgram();
    await sut.app
      .get(AuthCodeExchangeService)
      .exchangeAuthCode(platform.appid, await authorize(authorizerAppid));
    const unauthorized = {
      AppId: platform.appid,
      CreateTime: Math.floor(Date.now() / 1000),
      InfoType: 'unauthorized',
      AuthorizerAppid: authorizerAppid,
    };
    await publishRawPush(namespace, platform.appid, unauthorized);
    await publishRawPush(namespace, platform.appid, unauthorized);
    const path = `/v1/components/${platform.appid}/authorizers/${authorizerAppid}/access-token`;
    await waitUntil(async () => (await sut.get(path)).status === 409, 10_000, 'the revocation');
    const rpc = sut.app.get(AmqpRpcClient);
    const summary = await rpc.request<{ status: string }>(TokenRpcPatterns.GetAuthorizerCredentials, {
      componentAppid: platform.appid,
      authorizerAppid,
    });
    expect(summary).toMatchObject({ status: 'revoked' });
  });

  it('token.authorizers.import - hands over a page of refresh tokens in one call: new and revived announced once, others kept', async () => {
    const rpc = sut.app.get(AmqpRpcClient);
    const [fresh, known, revoked, stillRevoked] = [
      await newMiniProgram(),
      await newMiniProgram(),
      await newMiniProgram(),
      await newMiniProgram(),
    ];
    for (const appid of [known, revoked, stillRevoked]) {
      await sut.app.get(AuthCodeExchangeService).exchangeAuthCode(platform.appid, await authorize(appid));
    }
    await sut.app.get(AuthorizerInvalidationService).revoke(platform.appid, revoked);
    await sut.app.get(AuthorizerInvalidationService).revoke(platform.appid, stillRevoked);
    await sim.control('POST', `/platforms/${platform.appid}/authorizations/bulk`, {
      authorizerAppids: [fresh],
    });
    // The refresh tokens WeChat lists now (the revoked one is still authorized there: a sync revives it).
    const { accessToken } = await sut.app.get(ComponentTokensService).accessToken(platform.appid);
    const listed = await new WechatApiClient({ baseUrl: sim.url }).getAuthorizerList(accessToken, {
      componentAppid: platform.appid,
      offset: 0,
      count: 500,
    });
    const tokenOf = (appid: string) => listed.list.find((e) => e.authorizerAppid === appid)?.refreshToken;
    const authTimeOf = (appid: string) => listed.list.find((e) => e.authorizerAppid === appid)?.authTime;
    const later = Math.floor(Date.now() / 1000) + 60;
    const issuedBefore = probe.envelopes.filter(
      (e) => e.type === DomainEventTypes.TokenAuthorizerIssued,
    ).length;

    const request = {
      componentAppid: platform.appid,
      authorizers: [
        { authorizerAppid: fresh, refreshToken: tokenOf(fresh)!, funcInfo: [17, 18] },
        // Active: ours is kept, even when the list shows another (older) token.
        { authorizerAppid: known, refreshToken: 'refreshtoken@@@from-an-older-list' },
        // Revoked, then authorized again after the revocation: revived.
        { authorizerAppid: revoked, refreshToken: tokenOf(revoked)!, authTime: later },
        // Revoked after the authorization the list shows (the list was read before the push): kept revoked.
        {
          authorizerAppid: stillRevoked,
          refreshToken: tokenOf(stillRevoked)!,
          authTime: authTimeOf(stillRevoked),
        },
      ],
    };
    const reply = await rpc.request<{ results: { authorizerAppid: string; outcome: string }[] }>(
      TokenRpcPatterns.ImportRefreshTokens,
      request,
    );
    expect(reply.results).toEqual([
      { authorizerAppid: fresh, outcome: 'created' },
      { authorizerAppid: known, outcome: 'unchanged' },
      { authorizerAppid: revoked, outcome: 'reactivated' },
      { authorizerAppid: stillRevoked, outcome: 'unchanged' },
    ]);
    const knownPath = `/v1/components/${platform.appid}/authorizers/${known}/access-token`;
    expect((await sut.get(knownPath)).status).toBe(200);
    const stillRevokedPath = `/v1/components/${platform.appid}/authorizers/${stillRevoked}/access-token`;
    expect((await sut.get(stillRevokedPath)).status).toBe(409);
    // The same page again changes nothing and announces nothing more.
    const again = await rpc.request<{ results: { outcome: string }[] }>(
      TokenRpcPatterns.ImportRefreshTokens,
      request,
    );
    expect(again.results.map((r) => r.outcome)).toEqual(['unchanged', 'unchanged', 'unchanged', 'unchanged']);
    await probe.waitFor(issuedBefore + 2, { type: DomainEventTypes.TokenAuthorizerIssued });
    await sleep(500);
    const issued = probe.envelopes
      .filter((e) => e.type === DomainEventTypes.TokenAuthorizerIssued)
      .slice(issuedBefore);
    expect(issued.map((e) => e.authorizerAppid).sort()).toEqual([fresh, revoked].sort());
    expect(issued.find((e) => e.authorizerAppid === fresh)?.data).toEqual({
      funcInfo: [17, 18],
      source: 'sync',
    });

    // The imported refresh token works: the token API serves an access token for it.
    const path = `/v1/components/${platform.appid}/authorizers/${fresh}/access-token`;
    await waitUntil(
      async () => (await sut.get(path)).status === 200,
      10_000,
      'a token for the imported account',
    );

    // A malformed entry refuses the whole batch.
    await expect(
      rpc.request(TokenRpcPatterns.ImportRefreshTokens, {
        componentAppid: platform.appid,
        authorizers: [{ authorizerAppid: fresh, refreshToken: 'x' }, { authorizerAppid: 'bad appid!' }],
      }),
    ).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
    await expect(
      rpc.request(TokenRpcPatterns.ImportRefreshTokens, { componentAppid: platform.appid, authorizers: [] }),
    ).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
  });

  it('gives ingress the verification keys over RPC and announces a key change without the keys', async () => {
    const rpc = sut.app.get(AmqpRpcClient);
    const keys = await rpc.request(TokenRpcPatterns.GetComponentKeys, { componentAppid: platform.appid });
    expect(keys).toEqual({
      componentAppid: platform.appid,
      token: platform.token,
      encodingAESKey: platform.encodingAESKey,
    });
    await expect(
      rpc.request(TokenRpcPatterns.GetComponentKeys, { componentAppid: 'wxnone' }),
    ).rejects.toMatchObject({
      code: 'COMPONENT_NOT_FOUND',
    });

    await rpc.request(TokenRpcPatterns.UpsertComponent, {
      componentAppid: platform.appid,
      token: 'rotated-token',
    });
    const [updated] = await probe.waitFor(1, { type: DomainEventTypes.TokenComponentUpdated });
    expect(updated).toMatchObject({ componentAppid: platform.appid, data: { keysChanged: true } });
    expect(JSON.stringify(updated)).not.toContain('rotated-token');
    expect(
      await rpc.request(TokenRpcPatterns.GetComponentKeys, { componentAppid: platform.appid }),
    ).toMatchObject({
      token: 'rotated-token',
    });
    await expect(
      rpc.request(TokenRpcPatterns.UpsertComponent, { componentAppid: 'wxnew000000000001', token: 't' }),
    ).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
    await rpc.request(TokenRpcPatterns.UpsertComponent, {
      componentAppid: platform.appid,
      token: platform.token,
    });
  });
});
