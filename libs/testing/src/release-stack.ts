import {
  CodeReleaseRpcPatterns,
  QueueNames,
  TokenRpcPatterns,
  deadLetterQueueOf,
  retryQueueOf,
} from '@wxop/contracts';
import { SecretBox } from '@wxop/secrets';
import { randomBytes } from 'node:crypto';

import { freePort, startAppProcess, type AppProcess } from './app-processes';
import { deleteNamespaceObjects } from './namespace-cleanup';
import { callRpc } from './rpc-call';
import { adminQuery, createTestDatabase, databaseEnv, type TestDatabase } from './test-database';
import { testEnv, uniqueRunId, waitUntil } from './test-env';
import { startWechatSimProcess, type SimProcess } from './wechat-sim-process';

/** The apps a release stack runs, each its own process. */
export type ReleaseStackApp = 'ingress' | 'token' | 'code-release' | 'authorizer' | 'admin-api';

export interface ReleaseStackOptions {
  /** The component's appid in the simulator (`wx` + 16 hex digits; a fixed test one by default). */
  componentAppid?: string;
  /** Short prefix of the stack's database names (`wxop_test_<prefix>_<app>_…`). */
  prefix?: string;
  /** wechat-sim's environment (SIM_AUDIT_POLICY, SIM_AUDIT_QUOTA, SIM_LATENCY_MS, …). */
  simEnv?: Record<string, string>;
  /** Extra or overriding variables per app, on top of what the stack sets. */
  env?: Partial<Record<ReleaseStackApp, Record<string, string>>>;
  /** Start code-release (default true). */
  codeRelease?: boolean;
  /** Also start the authorizer service (default false). */
  authorizer?: boolean;
  /** Also start admin-api (default false); its handle's `env` lets a test run its CLI. */
  adminApi?: boolean;
  /**
   * Give the token service the component's secrets and wait for its component token (default true).
   * false: the token service starts without WECHAT_COMPONENT_*, for a test that configures the
   * component through admin-api; the platform is still created in the simulator.
   */
  componentCredentials?: boolean;
  /** Built entries to run instead of an app's TypeScript source (see AppProcessOptions.entry). */
  entries?: Partial<Record<ReleaseStackApp, string>>;
  /** LOG_LEVEL of the apps (default `warn`). */
  logLevel?: string;
  /** Timeout of `rpc` calls (default 20 s). */
  rpcTimeoutMs?: number;
}

/** The component platform the simulator created, with the secrets WeChat shows its owner. */
export interface SimPlatform {
  appid: string;
  secret: string;
  token: string;
  encodingAESKey: string;
  messageUrl: string;
  authEventUrl: string;
}

export interface ReleaseStack {
  /** The broker namespace of every app of the stack (`<run id>.`). */
  namespace: string;
  componentAppid: string;
  platform: SimPlatform;
  /** wechat-sim: `control()` is its control API, `pid` for CPU/RSS. */
  sim: SimProcess;
  /** The running process of each started app (the latest one after `restart`). */
  processes: Partial<Record<ReleaseStackApp, AppProcess>>;
  /** Each started app's environment (databases, broker, keys, ports), as it was started. */
  env: Partial<Record<ReleaseStackApp, Record<string, string>>>;
  /** Each app's test database. */
  databases: Partial<Record<ReleaseStackApp, TestDatabase>>;
  /** The token service's API key (its HTTP API). */
  tokenApiKey: string;
  /** The code-release process (throws when the stack runs without it). */
  readonly codeRelease: AppProcess;
  /** One RPC over the stack's namespace, as another service sends it. */
  rpc<T>(pattern: string, data: unknown, timeoutMs?: number): Promise<T>;
  /** The component access token the token service holds. */
  componentToken(): Promise<string>;
  /** A new mini program, authorized (push, api_query_auth) and held by the token service. */
  newMiniProgram(): Promise<string>;
  /**
   * `count` new mini programs created at once, each authorized the way WeChat does it (an
   * `authorized` push with an auth code, which the token service exchanges), `concurrency` at a
   * time; resolves once the token service holds an access token of every one.
   */
  newMiniPrograms(count: number, options?: { concurrency?: number; timeoutMs?: number }): Promise<string[]>;
  /** A draft with `userVersion` in the simulator, added as a normal template through code-release. */
  addTemplate(userVersion: string): Promise<number>;
  /** Starts one more process of an app with the same environment on a new port (a second replica). */
  startReplica(app: ReleaseStackApp, env?: Record<string, string>): Promise<AppProcess>;
  /**
   * Stops an app (`signal`: SIGTERM waits for a graceful stop, SIGKILL is a crash) and starts it
   * again with the same environment on its first port; answers the new process.
   */
  restart(
    app: ReleaseStackApp,
    options?: { signal?: 'SIGTERM' | 'SIGKILL'; env?: Record<string, string> },
  ): Promise<AppProcess>;
  /** Stops every process, drops the databases, deletes the namespace's queues and exchanges. */
  stop(): Promise<void>;
}

const DEFAULT_COMPONENT = 'wx7777777777777777';

/** Each app's queues of raw pushes (ingress's INGRESS_REQUIRED_QUEUES, ADR 0026). */
const RAW_PUSH_QUEUES: Partial<Record<ReleaseStackApp, string[]>> = {
  token: [QueueNames.TokenComponentPushes],
  authorizer: [QueueNames.AuthorizerAuthorizationPushes, QueueNames.AuthorizerReleaseCheck],
  'code-release': [QueueNames.CodeReleaseAuditResults],
  'admin-api': [QueueNames.AdminApiPushLog],
};

/**
 * wechat-sim, ingress, token and code-release (optionally authorizer and admin-api) as processes
 * with their own test databases, keys and broker namespace; the component platform created in the
 * simulator (pushing to ingress), a first ticket pushed and the component token awaited. The
 * set-up every code-release and admin-api end-to-end spec and the release benchmark share.
 */
export async function startReleaseStack(options: ReleaseStackOptions = {}): Promise<ReleaseStack> {
  const namespace = `${uniqueRunId()}.`;
  const componentAppid = options.componentAppid ?? DEFAULT_COMPONENT;
  const prefix = options.prefix ?? 'rs';
  const rpcTimeoutMs = options.rpcTimeoutMs ?? 20_000;
  const all: AppProcess[] = [];
  const processes: ReleaseStack['processes'] = {};
  const env: ReleaseStack['env'] = {};
  const databases: ReleaseStack['databases'] = {};
  let sim: SimProcess | undefined;
  const stop = async () => {
    await Promise.all(all.map((app) => app.stop()));
    await sim?.stop();
    for (const database of Object.values(databases)) await database.drop();
    await deleteNamespaceObjects(namespace, {
      queues: [
        ...Object.values(QueueNames).flatMap((q) => [q, retryQueueOf(q), deadLetterQueueOf(q)]),
        'token.rpc',
        'authorizer.rpc',
        'code-release.rpc',
        'admin-api.rpc',
      ],
      exchanges: ['wxop.events', 'wxop.rpc', 'wxop.retry'],
    });
  };
  const ports: Partial<Record<ReleaseStackApp, number>> = {};
  const start = async (app: ReleaseStackApp, extra: Record<string, string> = {}, port?: number) => {
    const listen = port ?? (await freePort());
    const child = await startAppProcess({
      app,
      entry: options.entries?.[app],
      port: listen,
      env: { ...env[app]!, ...extra, ...portEnv(app, listen) },
    });
    all.push(child);
    processes[app] = child;
    ports[app] ??= listen;
    return child;
  };
  try {
    sim = await startWechatSimProcess({ SIM_PUSH_RETRY_DELAY_MS: '200', ...options.simEnv });
    const ingressPort = await freePort();
    const ingressUrl = `http://127.0.0.1:${ingressPort}`;
    const platform = await sim.control<SimPlatform>('POST', '/platforms', {
      appid: componentAppid,
      startTickets: false,
      authEventUrl: `${ingressUrl}/wechat/components/${componentAppid}/events`,
      messageUrl: `${ingressUrl}/wechat/components/${componentAppid}/authorizers/$APPID$/messages`,
    });
    const apps: ReleaseStackApp[] = [
      'token',
      'ingress',
      ...(options.codeRelease === false ? [] : (['code-release'] as const)),
      ...(options.authorizer ? (['authorizer'] as const) : []),
      ...(options.adminApi ? (['admin-api'] as const) : []),
    ];
    await Promise.all(
      apps.map(async (app) => {
        databases[app] = await createTestDatabase({
          prefix: `${prefix}_${app.replace('-', '')}`,
          migrations: [],
        });
      }),
    );
    const secretsKey = SecretBox.generateKey();
    const tokenApiKey = `release-stack-${uniqueRunId()}`;
    const sealing = { SECRETS_KEYS: `k1:${secretsKey}`, SECRETS_CURRENT_KEY_ID: 'k1' };
    const common = {
      LOG_LEVEL: options.logLevel ?? 'warn',
      LOG_FORMAT: 'json',
      RABBITMQ_URL: testEnv.rabbitUrl,
      RABBITMQ_NAMESPACE: namespace,
    };
    const wechat = {
      WECHAT_API_BASE_URL: sim.url,
      WECHAT_MP_BASE_URL: sim.url,
      WECHAT_COMPONENT_APPID: componentAppid,
    };
    const own: Record<ReleaseStackApp, Record<string, string>> = {
      token: {
        WECHAT_API_BASE_URL: sim.url,
        WECHAT_MP_BASE_URL: sim.url,
        ...sealing,
        TOKEN_API_KEYS: tokenApiKey,
        TOKEN_REFRESH_INTERVAL_MS: '250',
        TOKEN_READ_CACHE_MS: '200',
        ...(options.componentCredentials === false
          ? {}
          : {
              WECHAT_COMPONENT_APPID: componentAppid,
              WECHAT_COMPONENT_SECRET: platform.secret,
              WECHAT_COMPONENT_TOKEN: platform.token,
              WECHAT_COMPONENT_ENCODING_AES_KEY: platform.encodingAESKey,
            }),
      },
      ingress: {
        ...sealing,
        // The consumer queues of raw pushes among the apps started: ingress is ready (and accepts
        // pushes) once they exist, so the first ticket below cannot be lost to start-up order.
        INGRESS_REQUIRED_QUEUES: apps.flatMap((app) => RAW_PUSH_QUEUES[app] ?? []).join(','),
      },
      'code-release': { ...wechat },
      authorizer: { ...wechat, AUTHORIZER_SYNC_START_DELAY_SECONDS: '3600' },
      'admin-api': {
        ...sealing,
        ADMIN_API_JWT_SECRET: `release-stack-jwt-${randomBytes(24).toString('hex')}`,
      },
    };
    for (const app of apps)
      env[app] = { ...common, ...databaseEnv(databases[app]!), ...own[app], ...options.env?.[app] };
    // Ingress listens where the platform pushes; every other app on a free port.
    await Promise.all(apps.map((app) => start(app, {}, app === 'ingress' ? ingressPort : undefined)));

    const rpc = <T>(pattern: string, data: unknown, timeoutMs = rpcTimeoutMs) =>
      callRpc<T>(pattern, data, { namespace, timeoutMs });
    const componentToken = async () =>
      (await rpc<{ accessToken: string }>(TokenRpcPatterns.GetComponentAccessToken, { componentAppid }))
        .accessToken;
    if (options.componentCredentials !== false) {
      // WeChat pushes a ticket; the token service turns it into a component token.
      await sim.control('POST', `/platforms/${componentAppid}/tickets`);
      await waitUntil(() => componentToken().then(succeeded, failed), 30_000, 'the component token');
    }
    const simulator = sim;
    const tokenHolds = (authorizerAppid: string) =>
      rpc(TokenRpcPatterns.GetAuthorizerAccessToken, { componentAppid, authorizerAppid }).then(
        succeeded,
        failed,
      );
    const stack: ReleaseStack = {
      namespace,
      componentAppid,
      platform,
      sim,
      processes,
      env,
      databases,
      tokenApiKey,
      get codeRelease() {
        if (!processes['code-release']) throw new Error('this stack runs without code-release');
        return processes['code-release'];
      },
      rpc,
      componentToken,
      async newMiniProgram() {
        const { appids } = await simulator.control<{ appids: string[] }>('POST', '/accounts', {
          count: 1,
          type: 'mini_program',
        });
        const appid = appids[0]!;
        await simulator.control('POST', `/platforms/${componentAppid}/authorizations?wait=true`, {
          authorizerAppid: appid,
        });
        await waitUntil(
          () => tokenHolds(appid),
          20_000,
          'the token service to hold the mini program’s credentials',
        );
        return appid;
      },
      async newMiniPrograms(count, { concurrency = 20, timeoutMs = 60_000 + count * 100 } = {}) {
        if (count === 0) return [];
        const { appids } = await simulator.control<{ appids: string[] }>('POST', '/accounts', {
          count,
          type: 'mini_program',
        });
        const authorize = async (which: string[]) => {
          let next = 0;
          const authorizeNext = async (): Promise<void> => {
            for (let index = next++; index < which.length; index = next++)
              await simulator.control('POST', `/platforms/${componentAppid}/authorizations`, {
                authorizerAppid: which[index],
              });
          };
          await Promise.all(Array.from({ length: Math.min(concurrency, which.length) }, authorizeNext));
        };
        // A push WeChat gave up on (a busy machine: three timeouts) is authorized again, as a merchant would.
        const deadline = Date.now() + timeoutMs;
        let missing = appids;
        for (let round = 0; missing.length > 0; round++) {
          if (Date.now() > deadline || round === 5)
            throw new Error(`the token service holds ${count - missing.length} of ${count} mini programs`);
          await authorize(missing);
          let lastProgress = Date.now();
          while (missing.length > 0 && Date.now() - lastProgress < 20_000 && Date.now() < deadline) {
            await new Promise((resolve) => setTimeout(resolve, 500));
            const held = await heldTokens(databases.token!, componentAppid, missing);
            if (held.size > 0) lastProgress = Date.now();
            missing = missing.filter((appid) => !held.has(appid));
          }
        }
        return appids;
      },
      async addTemplate(userVersion) {
        const { draftId } = await simulator.control<{ draftId: number }>(
          'POST',
          `/platforms/${componentAppid}/drafts`,
          { userVersion, userDesc: `draft ${userVersion}` },
        );
        const library = await rpc<{ templates: { draftId: number; templateId: number }[] }>(
          CodeReleaseRpcPatterns.AddDraftToTemplates,
          { componentAppid, draftId, templateType: 0 },
        );
        return library.templates.find((t) => t.draftId === draftId)!.templateId;
      },
      startReplica: (app, extra) => start(app, extra),
      async restart(app, { signal = 'SIGTERM', env: extra } = {}) {
        const running = processes[app];
        if (!running) throw new Error(`${app} is not part of this stack`);
        if (signal === 'SIGKILL') process.kill(running.pid, 'SIGKILL');
        await running.stop();
        // The same port: the platform pushes to ingress's, and a test may hold the others' URLs.
        return start(app, extra, ports[app]);
      },
      stop,
    };
    return stack;
  } catch (error) {
    await stop();
    throw error;
  }
}

function portEnv(app: ReleaseStackApp, port: number): Record<string, string> {
  const name = app.replace('-', '_').toUpperCase();
  const extra: Record<string, string> =
    app === 'authorizer' ? { AUTHORIZER_PUBLIC_BASE_URL: `http://127.0.0.1:${port}` } : {};
  return { [`${name}_HTTP_HOST`]: '127.0.0.1', [`${name}_HTTP_PORT`]: String(port), ...extra };
}

/** Which of `appids` the token service holds an access token of (read from its database). */
async function heldTokens(
  database: TestDatabase,
  componentAppid: string,
  appids: string[],
): Promise<Set<string>> {
  const held = new Set<string>();
  const quoted = (value: string) => `'${value.replace(/[^A-Za-z0-9]/g, '')}'`;
  for (let offset = 0; offset < appids.length; offset += 1000) {
    const chunk = appids.slice(offset, offset + 1000).map(quoted);
    const rows = (await adminQuery(
      `SELECT authorizer_appid AS appid FROM \`${database.name}\`.token_authorizers
       WHERE component_appid = ${quoted(componentAppid)} AND status = 'active'
         AND access_token IS NOT NULL AND authorizer_appid IN (${chunk.join(',')})`,
    )) as { appid: string }[];
    for (const row of rows) held.add(row.appid);
  }
  return held;
}

const succeeded = () => true;
const failed = () => false;
