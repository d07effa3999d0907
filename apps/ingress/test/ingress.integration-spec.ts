import { BrokerProbe, deleteBrokerObjects, sleep, uniqueRunId } from '@wxop/testing';
import { WechatCrypto } from '@wxop/wechat-crypto';

import {
  COMPONENT,
  crypto,
  KEY,
  messageOuter,
  push,
  startIngress,
  textXml,
  ticketXml,
  TOKEN,
  type StartedIngress,
} from './ingress-test.util';

const namespace = `${uniqueRunId()}.`;
const events = `/wechat/components/${COMPONENT}/events`;
const messages = (authorizer: string) => `/wechat/components/${COMPONENT}/authorizers/${authorizer}/messages`;

describe('ingress on the real broker and database', () => {
  let ingress: StartedIngress;
  let probe: BrokerProbe;

  beforeAll(async () => {
    probe = await BrokerProbe.bind(['wechat.#'], { namespace });
    ingress = await startIngress(namespace);
  });

  afterAll(async () => {
    await ingress?.close();
    await probe?.close();
    await deleteBrokerObjects({ exchanges: [`${namespace}wxop.events`, `${namespace}wxop.rpc`] });
  });

  beforeEach(() => {
    probe.messages.length = 0;
  });

  describe('accepted pushes', () => {
    it('publishes a ticket as wechat.component.component_verify_ticket and answers success', async () => {
      const response = await push(ingress.url, events, ticketXml('ticket@@@one', 1_763_800_000));
      expect(response.status).toBe(200);
      expect(await response.text()).toBe('success');
      const [envelope] = await probe.waitFor(1);
      expect(envelope).toMatchObject({
        type: 'wechat.component.component_verify_ticket',
        version: 1,
        componentAppid: COMPONENT,
        occurredAt: new Date(1_763_800_000_000).toISOString(),
        data: {
          AppId: COMPONENT,
          InfoType: 'component_verify_ticket',
          ComponentVerifyTicket: 'ticket@@@one',
          CreateTime: '1763800000',
        },
      });
      expect(envelope!.data['raw']).toBe(ticketXml('ticket@@@one', 1_763_800_000));
      expect(envelope!.authorizerAppid).toBeUndefined();
    });

    it('gives a WeChat retry of the same push the same id', async () => {
      const xml = ticketXml('ticket@@@retry', 1_763_800_001);
      await push(ingress.url, events, xml);
      await push(ingress.url, events, xml, { nonce: 'another' });
      const envelopes = await probe.waitFor(2);
      expect(envelopes[0]!.id).toBe(envelopes[1]!.id);
    });

    it('publishes messages and events with the authorizer from the URL, lower-cased routing keys', async () => {
      await push(ingress.url, messages('wxauthorizer0001'), textXml('24617411567434112345'), {
        outer: messageOuter(),
      });
      const eventXml = `<xml><ToUserName><![CDATA[gh_0123456789ab]]></ToUserName><FromUserName><![CDATA[o_sys]]></FromUserName><CreateTime>1763800002</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[weapp_audit_success]]></Event><SuccTime>1763800002</SuccTime></xml>`;
      await push(ingress.url, messages('wxauthorizer0001'), eventXml, { outer: messageOuter() });
      await push(
        ingress.url,
        messages('wxauthorizer0001'),
        eventXml.replace('weapp_audit_success', 'CLICK'),
        { outer: messageOuter() },
      );
      const envelopes = await probe.waitFor(3);
      expect(envelopes.map((e) => e.type).sort()).toEqual([
        'wechat.message.event.click',
        'wechat.message.event.weapp_audit_success',
        'wechat.message.text',
      ]);
      const text = envelopes.find((e) => e.type === 'wechat.message.text')!;
      expect(text).toMatchObject({
        authorizerAppid: 'wxauthorizer0001',
        data: { MsgId: '24617411567434112345', Content: 'hello' },
      });
      expect(envelopes.find((e) => e.type === 'wechat.message.event.click')!.data['Event']).toBe('CLICK');
    });

    it('takes 1,000 concurrent pushes: 1,000 events, none lost or duplicated', async () => {
      const responses = await Promise.all(
        Array.from({ length: 1000 }, (_, i) =>
          push(ingress.url, messages('wxauthorizer0002'), textXml(String(9_000_000 + i)), {
            outer: messageOuter(),
          }),
        ),
      );
      expect(responses.every((r) => r.status === 200)).toBe(true);
      const envelopes = await probe.waitFor(1000, { timeoutMs: 20_000 });
      await sleep(300);
      expect(probe.envelopes).toHaveLength(1000);
      expect(new Set(envelopes.map((e) => e.id)).size).toBe(1000);
    });
  });

  describe('refused pushes publish nothing', () => {
    const foreign = new WechatCrypto({ appid: 'wx9999999999999999', token: TOKEN, encodingAESKey: KEY });
    const otherKey = new WechatCrypto({ appid: COMPONENT, token: TOKEN, encodingAESKey: 'A'.repeat(43) });
    const forger = new WechatCrypto({ appid: COMPONENT, token: 'not-the-token', encodingAESKey: KEY });

    it.each([
      [
        'a forged signature',
        () => push(ingress.url, events, ticketXml('t'), { signWith: forger }),
        401,
        'INVALID_SIGNATURE',
      ],
      [
        'a missing signature',
        () => fetch(`${ingress.url}${events}?timestamp=1&nonce=2`, { method: 'POST', body: '<xml/>' }),
        401,
        'MISSING_SIGNATURE',
      ],
      [
        'a stale timestamp',
        () => push(ingress.url, events, ticketXml('t'), { timestamp: Math.floor(Date.now() / 1000) - 3600 }),
        401,
        'STALE_TIMESTAMP',
      ],
      [
        'a timestamp from the future',
        () => push(ingress.url, events, ticketXml('t'), { timestamp: Math.floor(Date.now() / 1000) + 3600 }),
        401,
        'STALE_TIMESTAMP',
      ],
      [
        'an unknown component',
        () => push(ingress.url, '/wechat/components/wx2222222222222222/events', ticketXml('t')),
        404,
        'UNKNOWN_COMPONENT',
      ],
      [
        'a path that is no appid',
        () => push(ingress.url, '/wechat/components/..%2F..%2Fetc/events', ticketXml('t')),
        404,
        'UNKNOWN_COMPONENT',
      ],
      [
        'another component inside the ciphertext',
        () => push(ingress.url, events, ticketXml('t'), { encryptWith: foreign }),
        400,
        'APPID_MISMATCH',
      ],
      [
        'a ciphertext made with another key',
        () => push(ingress.url, events, ticketXml('t'), { encryptWith: otherKey }),
        400,
        undefined,
      ],
      [
        'malformed outer XML',
        () => push(ingress.url, events, ticketXml('t'), { outer: (e) => `<xml><Encrypt>${e}</Encrypt>` }),
        400,
        'MALFORMED_XML',
      ],
      [
        'a DOCTYPE with entities',
        () =>
          push(ingress.url, events, ticketXml('t'), {
            outer: (e) => `<!DOCTYPE x [<!ENTITY a "b">]><xml><Encrypt>${e}</Encrypt></xml>`,
          }),
        400,
        'MALFORMED_XML',
      ],
      [
        'an outer AppId of another component',
        () =>
          push(ingress.url, events, ticketXml('t'), {
            outer: (e) => `<xml><AppId>wx3333333333333333</AppId><Encrypt>${e}</Encrypt></xml>`,
          }),
        400,
        'OUTER_MISMATCH',
      ],
      [
        'an outer ToUserName that differs from the inner one',
        () => push(ingress.url, messages('wxa1'), textXml('1'), { outer: messageOuter('gh_other') }),
        400,
        'OUTER_MISMATCH',
      ],
      [
        'inner XML with a DOCTYPE',
        () => push(ingress.url, events, `<!DOCTYPE x><xml><InfoType>a</InfoType></xml>`),
        400,
        'MALFORMED_XML',
      ],
      [
        'a push without InfoType',
        () => push(ingress.url, events, '<xml><AppId>x</AppId></xml>'),
        400,
        'UNKNOWN_PUSH_KIND',
      ],
      [
        'an InfoType that cannot be a routing key',
        () => push(ingress.url, events, '<xml><InfoType>a.b#</InfoType></xml>'),
        400,
        'UNKNOWN_PUSH_KIND',
      ],
      [
        'plaintext mode',
        () => push(ingress.url, events, ticketXml('t'), { query: { encrypt_type: 'raw' } }),
        400,
        'UNSUPPORTED_ENCRYPTION',
      ],
      [
        'a body over the limit',
        () => push(ingress.url, events, ticketXml('x'.repeat(300 * 1024))),
        413,
        undefined,
      ],
    ])('refuses %s', async (_name, send, status, code) => {
      const response = await send();
      expect(response.status).toBe(status);
      const body = (await response.json()) as { error: string; message: string; correlationId: string };
      if (code) expect(body.error).toBe(code);
      expect(body.message).toEqual(expect.any(String));
      expect(body.correlationId).toEqual(expect.any(String));
      await sleep(100);
      expect(probe.messages).toHaveLength(0);
    });
  });

  describe('echostr', () => {
    it('answers a plain echostr when the signature holds, and 401 otherwise', async () => {
      const timestamp = String(Math.floor(Date.now() / 1000));
      const ok = await fetch(
        `${ingress.url}${events}?${new URLSearchParams({ timestamp, nonce: '1', echostr: 'hi123', signature: crypto.signature(timestamp, '1') })}`,
      );
      expect(await ok.text()).toBe('hi123');
      const bad = await fetch(
        `${ingress.url}${events}?${new URLSearchParams({ timestamp, nonce: '1', echostr: 'hi123', signature: 'f'.repeat(40) })}`,
      );
      const badBody = await bad.text();
      expect(badBody).toContain('INVALID_SIGNATURE');
      expect(bad.status).toBe(401);
    });

    it('decrypts an encrypted echostr verified by msg_signature', async () => {
      const timestamp = String(Math.floor(Date.now() / 1000));
      const echostr = crypto.encrypt('plain-echo');
      const response = await fetch(
        `${ingress.url}${messages('wxa1')}?${new URLSearchParams({ timestamp, nonce: '7', echostr, msg_signature: crypto.signature(timestamp, '7', echostr) })}`,
      );
      expect(await response.text()).toBe('plain-echo');
    });
  });

  describe('push URLs over HTTP', () => {
    it("answers with the caller's x-correlation-id, accepted or refused", async () => {
      const accepted = await push(ingress.url, events, ticketXml('ticket@@@correlated'), {
        headers: { 'x-correlation-id': 'caller-1' },
      });
      expect(accepted.status).toBe(200);
      expect(accepted.headers.get('x-correlation-id')).toBe('caller-1');
      const refused = await fetch(`${ingress.url}${events}?timestamp=1&nonce=2`, {
        method: 'POST',
        body: '<xml/>',
        headers: { 'x-correlation-id': 'caller-2' },
      });
      expect(refused.headers.get('x-correlation-id')).toBe('caller-2');
      expect(await refused.json()).toMatchObject({ error: 'MISSING_SIGNATURE', correlationId: 'caller-2' });
      await probe.waitFor(1);
    });

    it('takes only the exact push URLs (no trailing slash, other case or method)', async () => {
      const xml = ticketXml('ticket@@@elsewhere');
      expect((await push(ingress.url, `${events}/`, xml)).status).toBe(404);
      expect((await push(ingress.url, events.replace('events', 'EVENTS'), xml)).status).toBe(404);
      expect((await fetch(`${ingress.url}${events}`, { method: 'PUT', body: '<xml/>' })).status).toBe(404);
      await sleep(100);
      expect(probe.messages).toHaveLength(0);
    });
  });

  describe('全网发布 release check (test accounts only)', () => {
    it('replies TESTCOMPONENT_MSG_TYPE_TEXT_callback, encrypted, and still publishes the message', async () => {
      const response = await push(
        ingress.url,
        messages('wx570bc396a51b8ff8'),
        textXml('77', 'TESTCOMPONENT_MSG_TYPE_TEXT'),
        { outer: messageOuter(), nonce: '555' },
      );
      const xml = await response.text();
      const field = (name: string) =>
        new RegExp(`<${name}>(?:<!\\[CDATA\\[)?([^<\\]]*)`).exec(xml)?.[1] ?? '';
      expect(field('Nonce')).toBe('555');
      const reply = crypto.openPush({
        encrypt: field('Encrypt'),
        msgSignature: field('MsgSignature'),
        timestamp: field('TimeStamp'),
        nonce: field('Nonce'),
      }).message;
      expect(reply).toContain('<Content><![CDATA[TESTCOMPONENT_MSG_TYPE_TEXT_callback]]></Content>');
      expect(reply).toContain('<ToUserName><![CDATA[o_user]]></ToUserName>');
      await probe.waitFor(1);
    });

    it('answers QUERY_AUTH_CODE with an empty body and an ordinary account with success', async () => {
      const empty = await push(
        ingress.url,
        messages('wx570bc396a51b8ff8'),
        textXml('78', 'QUERY_AUTH_CODE:queryauthcode@@@x'),
        { outer: messageOuter() },
      );
      expect(await empty.text()).toBe('');
      const ordinary = await push(
        ingress.url,
        messages('wxordinary000001'),
        textXml('79', 'TESTCOMPONENT_MSG_TYPE_TEXT'),
        { outer: messageOuter() },
      );
      expect(await ordinary.text()).toBe('success');
    });
  });

  it('serves health, readiness and metrics', async () => {
    expect((await fetch(`${ingress.url}/health/ready`)).status).toBe(200);
    const metrics = await (await fetch(`${ingress.url}/metrics`)).text();
    expect(metrics).toMatch(
      /wxop_ingress_pushes_total\{kind="component",result="published",service="ingress"\} \d+/,
    );
    expect(metrics).toMatch(
      /wxop_ingress_pushes_total\{kind="component",result="invalid_signature",service="ingress"\} \d+/,
    );
  });

  it('shuts down gracefully: pushes in flight are answered and published, later ones are refused for WeChat to retry', async () => {
    const closing = await startIngress(namespace);
    const tickets = Array.from({ length: 60 }, (_, i) => `ticket@@@shutdown-${i}`);
    const answers = tickets.map((value) =>
      push(closing.url, events, ticketXml(value)).then(
        async (response) => ({ status: response.status, body: await response.text() }),
        () => ({ status: 0, body: 'connection refused or reset' }),
      ),
    );
    // Close while the rest are on their way: the first answer is in, others are in flight.
    await Promise.race(answers);
    await closing.close();
    const results = await Promise.all(answers);

    const accepted = tickets.filter((_, i) => results[i]!.status === 200);
    expect(accepted.length).toBeGreaterThan(0);
    // Nothing else than "stored" or "try again": WeChat retries a 503 or a refused connection.
    expect(results.every((r) => [0, 200, 503].includes(r.status))).toBe(true);
    // Every push answered 200 reached the broker before ingress was gone.
    const received = await probe.waitFor(accepted.length, {
      type: 'wechat.component.component_verify_ticket',
    });
    const receivedTickets = new Set(received.map((e) => e.data['ComponentVerifyTicket']));
    for (const ticket of accepted) expect(receivedTickets).toContain(ticket);
  });
});
