import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createEnvelope, rawPushId, RawPushTypes, type EventEnvelope } from '@wxop/contracts';
import { SecretBox } from '@wxop/secrets';
import {
  createTestDatabase,
  databaseEnv,
  deleteBrokerObjects,
  publishTestEvent,
  testEnv,
  type SimProcess,
  type TestDatabase,
} from '@wxop/testing';
import type { AddressInfo } from 'node:net';

import { TOKEN_MIGRATIONS } from '../src/database/migrations';
import { createTokenApp } from '../src/token-app';

export const API_KEY = 'token-integration-test-key-0001';
export const SECRETS_KEYS = `k1:${SecretBox.generateKey()}`;

export interface SimPlatform {
  appid: string;
  secret: string;
  token: string;
  encodingAESKey: string;
  currentTicket?: string;
}

export interface Replica {
  app: NestFastifyApplication;
  url: string;
  replicaId: string;
  get<T>(path: string, key?: string): Promise<{ status: number; body: T }>;
  post<T>(path: string, body: unknown): Promise<{ status: number; body: T }>;
  close(): Promise<void>;
}

/** The environment of a token replica talking to wechat-sim, the test database and the namespace. */
export function tokenEnv(sim: SimProcess, database: TestDatabase, extra: Record<string, string> = {}) {
  return {
    LOG_LEVEL: 'silent',
    ...databaseEnv(database),
    RABBITMQ_URL: testEnv.rabbitUrl,
    WECHAT_API_BASE_URL: sim.url,
    WECHAT_MP_BASE_URL: sim.url,
    SECRETS_KEYS,
    SECRETS_CURRENT_KEY_ID: 'k1',
    TOKEN_API_KEYS: API_KEY,
    TOKEN_REFRESH_INTERVAL_MS: '250',
    ...extra,
  };
}

export async function startReplica(
  replicaId: string,
  namespace: string,
  env: Record<string, string>,
): Promise<Replica> {
  const app = await createTokenApp({ env, namespace, replicaId });
  await app.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  const call = async <T>(method: string, path: string, body?: unknown, key = API_KEY) => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: {
        ...(key ? { authorization: `Bearer ${key}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
  };
  return {
    app,
    url,
    replicaId,
    get: (path, key) => call('GET', path, undefined, key),
    post: (path, body) => call('POST', path, body),
    close: () => app.close(),
  };
}

export async function createDatabase(): Promise<TestDatabase> {
  return createTestDatabase({ prefix: 'token', migrations: TOKEN_MIGRATIONS });
}

/** Publishes a raw push exactly as ingress does (same routing key, envelope and deterministic id). */
export async function publishRawPush(
  namespace: string,
  componentAppid: string,
  fields: Record<string, unknown>,
) {
  const type = `wechat.component.${String(fields['InfoType']).toLowerCase()}`;
  const data = { ...fields, raw: '<xml/>' };
  const envelope: EventEnvelope = createEnvelope(type, data, {
    componentAppid,
    id: rawPushId({ componentAppid, fields }),
  });
  await publishTestEvent(envelope, { namespace });
  return envelope;
}

export const ticketPush = (
  componentAppid: string,
  ticket: string,
  createTime = Math.floor(Date.now() / 1000),
) => ({
  AppId: componentAppid,
  CreateTime: createTime,
  InfoType: 'component_verify_ticket',
  ComponentVerifyTicket: ticket,
});

export { RawPushTypes };

export { countersOf, totalCalls } from '@wxop/testing';

/** Removes what the token service declared in a test namespace (its queues and the exchanges). */
export async function deleteTokenBrokerObjects(namespace: string): Promise<void> {
  await deleteBrokerObjects({
    exchanges: ['wxop.events', 'wxop.rpc', 'wxop.retry'].map((exchange) => namespace + exchange),
    queues: [
      'token.component-pushes',
      'token.component-pushes.retry',
      'token.component-pushes.dlq',
      'token.rpc',
    ].map((queue) => namespace + queue),
  });
}
