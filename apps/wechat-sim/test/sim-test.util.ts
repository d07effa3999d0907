import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { WechatCrypto } from '@wxop/wechat-crypto';
import { XMLParser } from 'fast-xml-parser';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { createSimApp } from '../src/sim-app';

export interface Sim {
  app: NestFastifyApplication;
  url: string;
  /** Calls a WeChat API; returns the parsed JSON body. */
  api<T = Record<string, unknown>>(
    path: string,
    options?: { body?: unknown; query?: Record<string, string>; method?: string },
  ): Promise<T & { errcode?: number }>;
  /** Calls the control API; returns status and JSON. */
  control<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }>;
  close(): Promise<void>;
}

export async function startSim(env: Record<string, string> = {}): Promise<Sim> {
  const app = await createSimApp({
    LOG_LEVEL: 'silent',
    SIM_PUSH_RETRY_DELAY_MS: '20',
    SIM_PUSH_TIMEOUT_MS: '1000',
    ...env,
  });
  await app.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  return {
    app,
    url,
    async api(path, options = {}) {
      const target = new URL(path, url);
      for (const [k, v] of Object.entries(options.query ?? {})) target.searchParams.set(k, v);
      const method = options.method ?? (options.body === undefined ? 'GET' : 'POST');
      const response = await fetch(target, {
        method,
        body:
          options.body === undefined
            ? undefined
            : typeof options.body === 'string'
              ? options.body
              : JSON.stringify(options.body),
      });
      expect(response.status).toBe(200);
      return (await response.json()) as never;
    },
    async control(method, path, body) {
      const response = await fetch(new URL(`/sim${path}`, url), {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, body: (text ? JSON.parse(text) : undefined) as never };
    },
    close: () => app.close(),
  };
}

export interface ReceivedPush {
  path: string;
  query: URLSearchParams;
  outer: Record<string, string>;
  inner: Record<string, unknown>;
  innerXml: string;
}

/**
 * A push receiver like ingress: verifies msg_signature, decrypts with the platform's key and
 * checks the appid inside, then answers with `respond` (default `success`).
 */
export class PushReceiver {
  readonly received: ReceivedPush[] = [];
  readonly rejected: string[] = [];
  respond: (
    push: ReceivedPush | undefined,
    attempt: number,
  ) => { status?: number; body?: string; delayMs?: number } = () => ({ body: 'success' });
  private server!: Server;
  private crypto?: WechatCrypto;
  private requests = 0;
  url = '';

  static async start(): Promise<PushReceiver> {
    const receiver = new PushReceiver();
    receiver.server = createServer((req, res) => void receiver.handle(req, res));
    await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
    receiver.url = `http://127.0.0.1:${(receiver.server.address() as AddressInfo).port}`;
    return receiver;
  }

  useKeys(options: { token: string; encodingAESKey: string; appid: string }): void {
    this.crypto = new WechatCrypto(options);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private async handle(req: IncomingMessage, res: import('node:http').ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', this.url);
    const parser = new XMLParser({ parseTagValue: false, processEntities: false });
    let push: ReceivedPush | undefined;
    try {
      const outer = (parser.parse(Buffer.concat(chunks).toString('utf8')) as { xml: Record<string, string> })
        .xml;
      const opened = this.crypto!.openPush({
        msgSignature: url.searchParams.get('msg_signature') ?? '',
        timestamp: url.searchParams.get('timestamp') ?? '',
        nonce: url.searchParams.get('nonce') ?? '',
        encrypt: outer['Encrypt'] ?? '',
      });
      const inner = (parser.parse(opened.message) as { xml: Record<string, unknown> }).xml;
      push = { path: url.pathname, query: url.searchParams, outer, inner, innerXml: opened.message };
      this.received.push(push);
    } catch (error) {
      this.rejected.push(String(error));
    }
    const answer = this.respond(push, ++this.requests);
    if (answer.delayMs) await new Promise((resolve) => setTimeout(resolve, answer.delayMs));
    res.writeHead(answer.status ?? 200, { 'content-type': 'text/plain' });
    res.end(answer.body ?? 'success');
  }
}

/** Creates a platform pushing to the receiver, with one ticket already issued. */
export async function platformWithReceiver(
  sim: Sim,
  receiver: PushReceiver,
  extra: Record<string, unknown> = {},
) {
  const { body: platform } = await sim.control<{
    appid: string;
    secret: string;
    token: string;
    encodingAESKey: string;
    currentTicket: string;
  }>('POST', '/platforms', {
    authEventUrl: `${receiver.url}/wechat/components/events`,
    messageUrl: `${receiver.url}/wechat/authorizers/$APPID$/messages`,
    ...extra,
  });
  receiver.useKeys({ token: platform.token, encodingAESKey: platform.encodingAESKey, appid: platform.appid });
  return platform;
}

export async function componentToken(sim: Sim, platform: { appid: string; secret: string }): Promise<string> {
  const { body } = await sim.control<{ currentTicket: string }>('GET', `/platforms/${platform.appid}`);
  const answer = await sim.api<{ component_access_token: string }>('/cgi-bin/component/api_component_token', {
    body: {
      component_appid: platform.appid,
      component_appsecret: platform.secret,
      component_verify_ticket: body.currentTicket,
    },
  });
  expect(answer.errcode).toBeUndefined();
  return answer.component_access_token;
}

export async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * A fresh platform with `count` authorized mini programs, each with code committed from one
 * template: returns their authorizer access tokens, ready for submit_audit.
 */
export async function committedMiniPrograms(
  sim: Sim,
  count: number,
  existing?: { appid: string; secret: string },
): Promise<string[]> {
  const platform =
    existing ?? (await sim.control<{ appid: string; secret: string }>('POST', '/platforms', {})).body;
  const ct = await componentToken(sim, platform);
  const { body: draft } = await sim.control<{ draftId: number }>(
    'POST',
    `/platforms/${platform.appid}/drafts`,
    { userVersion: '1' },
  );
  await sim.api('/wxa/addtotemplate', { query: { access_token: ct }, body: { draft_id: draft.draftId } });
  const { body: accounts } = await sim.control<{ appids: string[] }>('POST', '/accounts', {
    count,
    type: 'mini_program',
  });
  const tokens: string[] = [];
  for (const appid of accounts.appids) {
    const { body: auth } = await sim.control<{ authCode: string }>(
      'POST',
      `/platforms/${platform.appid}/authorizations`,
      {
        authorizerAppid: appid,
      },
    );
    const exchanged = await sim.api<{ authorization_info: { authorizer_access_token: string } }>(
      '/cgi-bin/component/api_query_auth',
      {
        query: { component_access_token: ct },
        body: { component_appid: platform.appid, authorization_code: auth.authCode },
      },
    );
    const at = exchanged.authorization_info.authorizer_access_token;
    await sim.api('/wxa/commit', {
      query: { access_token: at },
      body: { template_id: 1, ext_json: '{}', user_version: '1' },
    });
    tokens.push(at);
  }
  return tokens;
}
