import {
  type ReleaseStack,
  createAdminUser,
  createTestDatabase,
  databaseEnv,
  freePort,
  startAppProcess,
  testEnv,
  uniqueRunId,
  type AppProcess,
  type TestDatabase,
} from '@wxop/testing';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

import type { AdminRole } from '../src/auth/roles.decorator';
import { ADMIN_API_MIGRATIONS } from '../src/database/migrations';

const ROOT = join(__dirname, '..', '..', '..');

/** A JWT key for tests (never a deployment's). */
export const TEST_JWT_SECRET = 'test-only-admin-api-jwt-secret-0123456789abcdef';

export interface AdminApiProcess extends AppProcess {
  database: TestDatabase;
  /** The broker namespace of this run. */
  namespace: string;
  /** The app's environment (for the CLI of the same database). */
  env: Record<string, string>;
  /** Stops the app and drops its database. */
  close(): Promise<void>;
}

export interface StartAdminApiOptions {
  /** Extra or overriding variables (ADMIN_API_*, …). */
  env?: Record<string, string>;
  /** An existing database (else a new one, dropped on close). */
  database?: TestDatabase;
  namespace?: string;
}

const started = new Map<string, AdminApiProcess>();

/** admin-api in its own process, the way `nx run admin-api:serve` runs it, on its own database and broker namespace. */
export async function startAdminApi(options: StartAdminApiOptions = {}): Promise<AdminApiProcess> {
  const database =
    options.database ?? (await createTestDatabase({ prefix: 'admin_api', migrations: ADMIN_API_MIGRATIONS }));
  const namespace = options.namespace ?? `${uniqueRunId()}.`;
  const port = await freePort();
  const env: Record<string, string> = {
    ...databaseEnv(database),
    RABBITMQ_URL: testEnv.rabbitUrl,
    RABBITMQ_NAMESPACE: namespace,
    LOG_LEVEL: 'warn',
    LOG_FORMAT: 'json',
    ADMIN_API_HTTP_HOST: '127.0.0.1',
    ADMIN_API_HTTP_PORT: String(port),
    ADMIN_API_JWT_SECRET: TEST_JWT_SECRET,
    SECRETS_KEYS: `k1:${randomBytes(32).toString('base64')}`,
    SECRETS_CURRENT_KEY_ID: 'k1',
    ...options.env,
  };
  const app = await startAppProcess({ app: 'admin-api', port, env });
  const handle: AdminApiProcess = {
    ...app,
    database,
    namespace,
    env,
    close: async () => {
      started.delete(app.url);
      await app.stop();
      if (!options.database) await database.drop();
    },
  };
  started.set(app.url, handle);
  return handle;
}

/**
 * The admin-api a release stack started (`startReleaseStack({ adminApi: true })`), as startAdminApi
 * answers it, so loginAs and the CLI helpers work on it; the stack stops it and drops its database.
 */
export function adminApiOf(stack: ReleaseStack): AdminApiProcess {
  const app = stack.processes['admin-api'];
  if (!app) throw new Error('the release stack runs without admin-api');
  const handle: AdminApiProcess = {
    ...app,
    database: stack.databases['admin-api']!,
    namespace: stack.namespace,
    env: stack.env['admin-api']!,
    close: async () => {
      started.delete(app.url);
      await app.stop();
    },
  };
  started.set(app.url, handle);
  return handle;
}

/** Runs the admin CLI (`npm run admin -- …`) against a started app's database; answers exit code and output. */
export function runAdminCli(
  env: Record<string, string>,
  args: string[],
  stdin?: string,
): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['scripts/run-ts.cjs', 'apps/admin-api/src/main.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code: code ?? 1, output: Buffer.concat(chunks).toString('utf8') }));
    child.stdin.end(stdin ?? '');
  });
}

export interface TestUser {
  username: string;
  password: string;
  role: AdminRole;
}

/** Creates a user through the CLI on the app's database (a strong random password). */
export function createUser(
  api: Pick<AdminApiProcess, 'env'>,
  role: AdminRole,
  username?: string,
): Promise<TestUser> {
  return createAdminUser(api.env, role, { username });
}

export interface Tokens {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

/** POST /admin/v1/auth/login; throws unless 200. */
export async function login(baseUrl: string, username: string, password: string): Promise<Tokens> {
  const response = await fetch(`${baseUrl}/admin/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (response.status !== 200)
    throw new Error(`login of ${username}: ${response.status} ${await response.text()}`);
  return (await response.json()) as Tokens;
}

/**
 * A new user of `role` on the app started by startAdminApi at `baseUrl`, logged in: answers the
 * bearer access token (`Authorization: Bearer ${token}`).
 */
export async function loginAs(baseUrl: string, role: AdminRole): Promise<string> {
  const api = started.get(baseUrl);
  if (!api) throw new Error(`no admin-api started by startAdminApi at ${baseUrl}`);
  const user = await createUser(api, role);
  return (await login(baseUrl, user.username, user.password)).accessToken;
}

/** fetch() of an admin-api path with a bearer token and a JSON body; answers status and parsed body. */
export async function adminCall<T = unknown>(
  baseUrl: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: T; headers: Headers }> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...options.headers,
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: the text itself
  }
  return { status: response.status, body: body as T, headers: response.headers };
}
