import {
  AuthorizerRpcPatterns,
  QueueNames,
  TokenRpcPatterns,
  deadLetterQueueOf,
  retryQueueOf,
  type AccessTokenReply,
  type AuthorizationLinkReply,
} from '@wxop/contracts';
import { SecretBox } from '@wxop/secrets';

import { freePort, startAppProcess, type AppProcess } from './app-processes';
import { authorizeHref, confirmForm } from './authorization-pages';
import { deleteBrokerObjects } from './broker-probe';
import { callRpc } from './rpc-call';
import { createTestDatabase, databaseEnv, type TestDatabase } from './test-database';
import { testEnv, uniqueRunId, waitUntil } from './test-env';

/** The apps a platform run starts, each its own process. */
export type PlatformApp = 'wechat-sim' | 'ingress' | 'token' | 'authorizer';

export interface PlatformRun {
  processes: Record<PlatformApp, AppProcess>;
  componentAppid: string;
  authorizerAppid: string;
  /** Every credential the flow used or saw, by what it is ("auth code", "refresh token", …). */
  secrets: Map<string, string>;
  /** The whole output of one app so far (stdout and stderr). */
  output(app: PlatformApp): string;
  stop(): Promise<void>;
}

const COMPONENT = 'wx5555555555555555';

interface SimPlatform {
  appid: string;
  secret: string;
  token: string;
  encodingAESKey: string;
  currentTicket?: string;
}

/**
 * wechat-sim, ingress, token and authorizer as processes at LOG_LEVEL=debug, JSON lines, on free
 * ports, with their own databases and broker namespace; then one whole authorization, as WeChat,
 * a merchant and an internal caller drive it:
 * ticket push → component token → link (RPC) → pre-auth code → the merchant confirms on WeChat's
 * page → our landing page with the auth code, and the `authorized` push → authorizer token →
 * token reads over HTTP and RPC → a proxied WeChat call.
 * Collects every credential on the way, so a test can look for each in every app's output.
 */
export async function runPlatformFlow(): Promise<PlatformRun> {
  const namespace = `${uniqueRunId()}.`;
  const databases: TestDatabase[] = [];
  const processes: Partial<Record<PlatformApp, AppProcess>> = {};
  const stop = async () => {
    const apps = [processes.authorizer, processes.ingress, processes.token];
    await Promise.all(apps.map((app) => (app ? app.stop() : Promise.resolve())));
    await processes['wechat-sim']?.stop();
    for (const database of databases) await database.drop();
    await deletePlatformBrokerObjects(namespace);
  };
  try {
    const secrets = new Map<string, string>();
    const [simPort, ingressPort, tokenPort, authorizerPort] = [
      await freePort(),
      await freePort(),
      await freePort(),
      await freePort(),
    ];
    const logging = { LOG_LEVEL: 'debug', LOG_FORMAT: 'json' };
    const sim = await startAppProcess({
      app: 'wechat-sim',
      port: simPort,
      env: {
        ...logging,
        SIM_HTTP_HOST: '127.0.0.1',
        SIM_HTTP_PORT: String(simPort),
        SIM_PUSH_RETRY_DELAY_MS: '200',
      },
      readyPath: '/health/live',
    });
    processes['wechat-sim'] = sim;
    const control = simControl(sim.url);
    const ingressUrl = `http://127.0.0.1:${ingressPort}`;
    const platform = await control<SimPlatform>('POST', '/platforms', {
      appid: COMPONENT,
      startTickets: false,
      authEventUrl: `${ingressUrl}/wechat/components/${COMPONENT}/events`,
      messageUrl: `${ingressUrl}/wechat/components/${COMPONENT}/authorizers/$APPID$/messages`,
    });
    secrets.set('component secret', platform.secret);
    secrets.set('component message token', platform.token);
    secrets.set('EncodingAESKey', platform.encodingAESKey);

    databases.push(
      ...(await Promise.all(
        ['slog_token', 'slog_ingress', 'slog_authorizer'].map((prefix) =>
          createTestDatabase({ prefix, migrations: [] }),
        ),
      )),
    );
    const [tokenDb, ingressDb, authorizerDb] = databases as [TestDatabase, TestDatabase, TestDatabase];
    const apiKey = `secret-log-api-key-${uniqueRunId()}`;
    const secretsKey = SecretBox.generateKey();
    secrets.set('token API key', apiKey);
    secrets.set('SECRETS_KEYS key', secretsKey);
    const broker = { RABBITMQ_URL: testEnv.rabbitUrl, RABBITMQ_NAMESPACE: namespace };
    const wechat = { WECHAT_API_BASE_URL: sim.url, WECHAT_MP_BASE_URL: sim.url };
    const [token, ingress, authorizer] = await Promise.all([
      startAppProcess({
        app: 'token',
        port: tokenPort,
        env: {
          ...logging,
          ...databaseEnv(tokenDb),
          ...broker,
          ...wechat,
          SECRETS_KEYS: `k1:${secretsKey}`,
          SECRETS_CURRENT_KEY_ID: 'k1',
          TOKEN_API_KEYS: apiKey,
          TOKEN_HTTP_HOST: '127.0.0.1',
          TOKEN_HTTP_PORT: String(tokenPort),
          TOKEN_REFRESH_INTERVAL_MS: '250',
          TOKEN_READ_CACHE_MS: '200',
          WECHAT_COMPONENT_APPID: platform.appid,
          WECHAT_COMPONENT_SECRET: platform.secret,
          WECHAT_COMPONENT_TOKEN: platform.token,
          WECHAT_COMPONENT_ENCODING_AES_KEY: platform.encodingAESKey,
        },
      }),
      startAppProcess({
        app: 'ingress',
        port: ingressPort,
        env: {
          ...logging,
          ...databaseEnv(ingressDb),
          ...broker,
          INGRESS_HTTP_HOST: '127.0.0.1',
          INGRESS_HTTP_PORT: String(ingressPort),
          // Ingress seals its outbox with the same keys (one more secret the logs must not show).
          SECRETS_KEYS: `k1:${secretsKey}`,
          SECRETS_CURRENT_KEY_ID: 'k1',
        },
      }),
      startAppProcess({
        app: 'authorizer',
        port: authorizerPort,
        env: {
          ...logging,
          ...databaseEnv(authorizerDb),
          ...broker,
          ...wechat,
          WECHAT_COMPONENT_APPID: platform.appid,
          AUTHORIZER_HTTP_HOST: '127.0.0.1',
          AUTHORIZER_HTTP_PORT: String(authorizerPort),
          AUTHORIZER_PUBLIC_BASE_URL: `http://127.0.0.1:${authorizerPort}`,
          AUTHORIZER_SYNC_START_DELAY_SECONDS: '3600',
        },
      }),
    ]);
    Object.assign(processes, { token, ingress, authorizer });
    const tokenApi = async <T>(path: string, init: RequestInit = {}, key = apiKey) => {
      const response = await fetch(`${token.url}/v1/components/${platform.appid}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${key}`, ...init.headers },
      });
      const text = await response.text();
      return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
    };

    // WeChat pushes a ticket; the token service turns it into a component token.
    await control('POST', `/platforms/${platform.appid}/tickets`);
    await waitUntil(
      async () => (await tokenApi('/access-token')).status === 200,
      15_000,
      'the component token',
    );
    const componentToken = (await tokenApi<AccessTokenReply>('/access-token')).body.accessToken;
    secrets.set('component access token', componentToken);
    secrets.set(
      'component verify ticket',
      (await control<SimPlatform>('GET', `/platforms/${platform.appid}`)).currentTicket!,
    );

    // An operator makes a link (RPC); the merchant follows it and confirms on WeChat's page.
    const rpc = <T>(pattern: string, data: unknown) => callRpc<T>(pattern, data, { namespace });
    const { appids } = await control<{ appids: string[] }>('POST', '/accounts', {
      count: 1,
      type: 'official_account',
    });
    const authorizerAppid = appids[0]!;
    const link = await rpc<AuthorizationLinkReply>(AuthorizerRpcPatterns.CreateLink, {
      componentAppid: platform.appid,
      kind: 'h5',
      bizRef: 'secret-log',
    });
    const wechatPage = new URL(authorizeHref(await (await fetch(link.startUrl)).text()));
    secrets.set('pre-auth code', wechatPage.searchParams.get('pre_auth_code')!);
    const form = confirmForm(await (await fetch(wechatPage)).text(), authorizerAppid);
    const confirmed = await fetch(`${sim.url}/cgi-bin/componentloginpage/confirm`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
      redirect: 'manual',
    });
    const landingUrl = confirmed.headers.get('location');
    if (!landingUrl) throw new Error(`WeChat's page answered ${confirmed.status} without a redirect`);
    secrets.set('auth code', new URL(landingUrl).searchParams.get('auth_code')!);
    const landing = await fetch(landingUrl);
    if (landing.status !== 200) throw new Error(`the landing page answered ${landing.status}`);

    // The authorizer's token, read as internal callers do: HTTP, RPC, and a call through the proxy.
    const tokenPath = `/authorizers/${authorizerAppid}/access-token`;
    await waitUntil(async () => (await tokenApi(tokenPath)).status === 200, 15_000, 'the authorizer token');
    const authorizerToken = (await tokenApi<AccessTokenReply>(tokenPath)).body.accessToken;
    secrets.set('authorizer access token', authorizerToken);
    const overRpc = await rpc<AccessTokenReply>(TokenRpcPatterns.GetAuthorizerAccessToken, {
      componentAppid: platform.appid,
      authorizerAppid,
    });
    if (overRpc.accessToken !== authorizerToken) throw new Error('RPC and HTTP answered different tokens');
    const proxied = await tokenApi<{ errcode: number }>(
      `/authorizers/${authorizerAppid}/proxy/cgi-bin/message/custom/send?access_token=${authorizerToken}`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ touser: 'o_user', msgtype: 'text', text: { content: 'welcome' } }),
      },
    );
    if (proxied.body.errcode !== 0)
      throw new Error(`the proxied call answered ${JSON.stringify(proxied.body)}`);
    // A caller with a wrong key and a token in its query string: refused, and neither is loggable.
    const wrongKey = `not-the-key-${uniqueRunId()}`;
    secrets.set('refused API key', wrongKey);
    const refused = await tokenApi(`${tokenPath}?access_token=${authorizerToken}`, {}, wrongKey);
    if (refused.status !== 401) throw new Error(`a wrong key was answered ${refused.status}`);

    // The refresh token the exchange stored, as WeChat lists it.
    const list = (await (
      await fetch(
        `${sim.url}/cgi-bin/component/api_get_authorizer_list?component_access_token=${componentToken}`,
        {
          method: 'POST',
          body: JSON.stringify({ component_appid: platform.appid, offset: 0, count: 500 }),
        },
      )
    ).json()) as { list: { authorizer_appid: string; refresh_token?: string }[] };
    const refreshToken = list.list.find((item) => item.authorizer_appid === authorizerAppid)?.refresh_token;
    if (!refreshToken) throw new Error(`no refresh token listed for ${authorizerAppid}`);
    secrets.set('refresh token', refreshToken);

    // Lines are written as things happen; give the last ones (the 401, the proxy) time to arrive.
    await new Promise((resolve) => setTimeout(resolve, 500));
    return {
      processes: processes as Record<PlatformApp, AppProcess>,
      componentAppid: platform.appid,
      authorizerAppid,
      secrets,
      output: (app) => processes[app]!.output(),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * The secrets of a run that appear in a text, by what they are (empty when none leaked). Each is
 * looked for as it is, URL-encoded (a request line), JSON-escaped, and by its random part alone
 * (`queryauthcode@@@<random>`), so a leak in another spelling is still one.
 */
export function leakedSecrets(run: PlatformRun, text: string): string[] {
  return [...run.secrets]
    .filter(([, value]) => spellings(value).some((form) => text.includes(form)))
    .map(([what]) => what);
}

function spellings(value: string): string[] {
  const forms = [
    value,
    encodeURIComponent(value),
    JSON.stringify(value).slice(1, -1),
    value.split('@@@').pop()!,
  ];
  return [...new Set(forms)].filter((form) => form.length >= 8);
}

function simControl(url: string) {
  return async <T = unknown>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${url}/sim${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} /sim${path} answered ${response.status}: ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
}

/** What the four apps declare in a namespace (the broker is shared between runs). */
async function deletePlatformBrokerObjects(namespace: string): Promise<void> {
  const consumed = [
    QueueNames.TokenComponentPushes,
    QueueNames.AuthorizerAuthorizationPushes,
    QueueNames.AuthorizerTokenEvents,
    QueueNames.AuthorizerReleaseCheck,
  ];
  await deleteBrokerObjects({
    exchanges: ['wxop.events', 'wxop.rpc', 'wxop.retry'].map((name) => namespace + name),
    queues: [
      ...consumed.flatMap((queue) => [queue, retryQueueOf(queue), deadLetterQueueOf(queue)]),
      'token.rpc',
      'authorizer.rpc',
    ].map((name) => namespace + name),
  });
}
