import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SecretBox } from '@wxop/secrets';
import { createTestDatabase, databaseEnv, testEnv, type TestDatabase } from '@wxop/testing';
import { WechatCrypto } from '@wxop/wechat-crypto';
import type { AddressInfo } from 'node:net';

import { INGRESS_MIGRATIONS } from '../src/database/migrations';
import { createIngressApp } from '../src/ingress-app';

export const COMPONENT = 'wx1111111111111111';
export const TOKEN = 'ingresstesttoken';
export const KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
export const crypto = new WechatCrypto({ appid: COMPONENT, token: TOKEN, encodingAESKey: KEY });
/** The key ring ingress seals its outbox with in these tests. */
export const SECRETS_KEYS = `k1:${SecretBox.generateKey()}`;
export const secretBox = SecretBox.fromConfig(SECRETS_KEYS, 'k1');

export interface StartedIngress {
  app: NestFastifyApplication;
  url: string;
  database: TestDatabase;
  close(): Promise<void>;
}

/** A fresh database with ingress's migrations (startIngress makes one unless given one). */
export function createIngressDatabase(): Promise<TestDatabase> {
  return createTestDatabase({ prefix: 'ingress', migrations: INGRESS_MIGRATIONS });
}

/**
 * Starts ingress on a fresh database, or on `shared` (several instances in turn, e.g. one that
 * cannot reach the broker and one that can); a shared database is left for its owner to drop.
 */
export async function startIngress(
  namespace: string,
  env: Record<string, string> = {},
  shared?: TestDatabase,
): Promise<StartedIngress> {
  const database = shared ?? (await createIngressDatabase());
  const app = await createIngressApp({
    namespace,
    env: {
      LOG_LEVEL: 'silent',
      ...databaseEnv(database),
      RABBITMQ_URL: testEnv.rabbitUrl,
      WECHAT_COMPONENT_APPID: COMPONENT,
      WECHAT_COMPONENT_TOKEN: TOKEN,
      WECHAT_COMPONENT_ENCODING_AES_KEY: KEY,
      SECRETS_KEYS,
      SECRETS_CURRENT_KEY_ID: 'k1',
      INGRESS_OUTBOX_RELAY_INTERVAL_MS: '200',
      // These tests receive pushes with probes of their own, not the token and authorizer consumers.
      INGRESS_REQUIRED_QUEUES: 'none',
      ...env,
    },
  });
  await app.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  return {
    app,
    url,
    database,
    close: async () => {
      await app.close();
      if (!shared) await database.drop();
    },
  };
}

export interface PushOptions {
  timestamp?: number;
  nonce?: string;
  outer?: (encrypt: string) => string;
  signWith?: WechatCrypto;
  encryptWith?: WechatCrypto;
  query?: Record<string, string>;
  headers?: Record<string, string>;
}

/** Builds a push exactly as WeChat does and POSTs it. */
export async function push(
  url: string,
  path: string,
  innerXml: string,
  options: PushOptions = {},
): Promise<Response> {
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  const nonce = options.nonce ?? String(Math.floor(Math.random() * 1e9));
  const encrypt = (options.encryptWith ?? crypto).encrypt(innerXml);
  const signature = (options.signWith ?? crypto).signature(timestamp, nonce, encrypt);
  const body = options.outer
    ? options.outer(encrypt)
    : `<xml><AppId><![CDATA[${COMPONENT}]]></AppId><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`;
  const query = new URLSearchParams({
    timestamp,
    nonce,
    encrypt_type: 'aes',
    msg_signature: signature,
    signature: crypto.signature(timestamp, nonce),
    ...options.query,
  });
  return fetch(`${url}${path}?${query}`, {
    method: 'POST',
    headers: { 'content-type': 'text/xml', ...options.headers },
    body,
  });
}

export const ticketXml = (ticket: string, createTime = Math.floor(Date.now() / 1000)) =>
  `<xml><AppId><![CDATA[${COMPONENT}]]></AppId><CreateTime>${createTime}</CreateTime><InfoType><![CDATA[component_verify_ticket]]></InfoType><ComponentVerifyTicket><![CDATA[${ticket}]]></ComponentVerifyTicket></xml>`;

export const textXml = (msgId: string, content = 'hello', toUser = 'gh_0123456789ab') =>
  `<xml><ToUserName><![CDATA[${toUser}]]></ToUserName><FromUserName><![CDATA[o_user]]></FromUserName><CreateTime>${Math.floor(Date.now() / 1000)}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${content}]]></Content><MsgId>${msgId}</MsgId></xml>`;

export const messageOuter =
  (toUser = 'gh_0123456789ab') =>
  (encrypt: string) =>
    `<xml><ToUserName><![CDATA[${toUser}]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`;
