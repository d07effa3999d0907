import { WechatCrypto } from '@wxop/wechat-crypto';
import { createDecipheriv, createHash } from 'node:crypto';

import {
  componentToken,
  platformWithReceiver,
  PushReceiver,
  startSim,
  until,
  type Sim,
} from './sim-test.util';

/** §1 by hand with node:crypto, independent of libs/wechat-crypto: SHA-1 of the sorted strings, AES-256-CBC, PKCS#7/32. */
function openByTheRules(query: URLSearchParams, encrypt: string, token: string, encodingAESKey: string) {
  const expected = createHash('sha1')
    .update([token, query.get('timestamp')!, query.get('nonce')!, encrypt].sort().join(''))
    .digest('hex');
  const key = Buffer.from(`${encodingAESKey}=`, 'base64');
  const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
  decipher.setAutoPadding(false);
  const plain = Buffer.concat([decipher.update(Buffer.from(encrypt, 'base64')), decipher.final()]);
  const pad = plain[plain.length - 1]!;
  const body = plain.subarray(0, plain.length - pad);
  const length = body.readUInt32BE(16);
  return {
    signatureOk: expected === query.get('msg_signature'),
    legacySignatureOk:
      createHash('sha1')
        .update([token, query.get('timestamp')!, query.get('nonce')!].sort().join(''))
        .digest('hex') === query.get('signature'),
    pad,
    xml: body.toString('utf8', 20, 20 + length),
    appid: body.toString('utf8', 20 + length),
  };
}

describe('wechat-sim pushes (wechat-protocol.md §1, §2, §2.3)', () => {
  let sim: Sim;
  let receiver: PushReceiver;

  beforeEach(async () => {
    sim = await startSim({ SIM_PUSH_TIMEOUT_MS: '300' });
    receiver = await PushReceiver.start();
  });

  afterEach(async () => {
    await sim.close();
    await receiver.close();
  });

  it('pushes the ticket to the events URL encrypted and signed exactly like WeChat', async () => {
    const platform = await platformWithReceiver(sim, receiver);
    await until(() => receiver.received.length >= 1);
    const push = receiver.received[0]!;
    expect(push.path).toBe('/wechat/components/events');
    expect(push.query.get('encrypt_type')).toBe('aes');
    expect(push.outer['AppId']).toBe(platform.appid);
    expect(push.inner).toMatchObject({
      AppId: platform.appid,
      InfoType: 'component_verify_ticket',
      ComponentVerifyTicket: platform.currentTicket,
    });
    const rules = openByTheRules(push.query, push.outer['Encrypt']!, platform.token, platform.encodingAESKey);
    expect(rules).toMatchObject({
      signatureOk: true,
      legacySignatureOk: true,
      appid: platform.appid,
      xml: push.innerXml,
    });
    expect(rules.pad).toBeGreaterThanOrEqual(1);
    expect(rules.pad).toBeLessThanOrEqual(32);
  });

  it('pushes user messages to the messages URL with $APPID$ substituted, ToUserName outside and openid in the query', async () => {
    const platform = await platformWithReceiver(sim, receiver);
    const { body: accounts } = await sim.control<{ appids: string[]; accounts: { userName: string }[] }>(
      'POST',
      '/accounts',
      { count: 1, type: 'official_account' },
    );
    const appid = accounts.appids[0]!;
    const { body: record } = await sim.control<{ delivered: boolean }>(
      'POST',
      `/platforms/${platform.appid}/pushes`,
      {
        authorizerAppid: appid,
        openid: 'o_user_1',
        fields: { MsgType: 'text', Content: '你好 wxop', MsgId: 1234567890123456 },
      },
    );
    expect(record.delivered).toBe(true);
    const push = receiver.received.find((p) => p.inner['MsgType'] === 'text')!;
    expect(push.path).toBe(`/wechat/authorizers/${appid}/messages`);
    expect(push.outer['ToUserName']).toBe(accounts.accounts[0]!.userName);
    expect(push.query.get('openid')).toBe('o_user_1');
    expect(push.inner).toMatchObject({
      ToUserName: accounts.accounts[0]!.userName,
      FromUserName: 'o_user_1',
      Content: '你好 wxop',
      MsgId: '1234567890123456',
    });
  });

  it('sends arbitrary XML on request', async () => {
    const platform = await platformWithReceiver(sim, receiver);
    await sim.control('POST', `/platforms/${platform.appid}/pushes`, {
      xml: '<xml><AppId>x</AppId><InfoType>notify_custom</InfoType></xml>',
    });
    expect(
      receiver.received.some(
        (p) => p.innerXml === '<xml><AppId>x</AppId><InfoType>notify_custom</InfoType></xml>',
      ),
    ).toBe(true);
  });

  it('retries until answered success: a 500, then a wrong body, then success is 3 attempts', async () => {
    const platform = await platformWithReceiver(sim, receiver, { startTickets: false });
    receiver.respond = (_push, attempt) =>
      attempt === 1 ? { status: 500, body: 'oops' } : attempt === 2 ? { body: 'fail' } : { body: 'success' };
    const { body: record } = await sim.control<{ delivered: boolean; attempts: { status: number }[] }>(
      'POST',
      `/platforms/${platform.appid}/tickets`,
    );
    expect(record.delivered).toBe(true);
    expect(record.attempts.map((a) => a.status)).toEqual([500, 200, 200]);
    expect(receiver.received).toHaveLength(3);
    // each attempt is a fresh request: new nonce and ciphertext, the same inner XML
    expect(new Set(receiver.received.map((p) => p.query.get('nonce'))).size).toBe(3);
    expect(new Set(receiver.received.map((p) => p.innerXml)).size).toBe(1);
  });

  it('stops after the first empty answer', async () => {
    const platform = await platformWithReceiver(sim, receiver, { startTickets: false });
    receiver.respond = () => ({ body: '' });
    const { body: record } = await sim.control<{ attempts: unknown[]; delivered: boolean }>(
      'POST',
      `/platforms/${platform.appid}/tickets`,
    );
    expect(record).toMatchObject({ delivered: true, attempts: [expect.any(Object)] });
  });

  it('gives up after 3 attempts, counting a timeout as a failure', async () => {
    const platform = await platformWithReceiver(sim, receiver, { startTickets: false });
    receiver.respond = () => ({ delayMs: 600 });
    const { body: record } = await sim.control<{ attempts: { error?: string }[]; delivered: boolean }>(
      'POST',
      `/platforms/${platform.appid}/tickets`,
    );
    expect(record.delivered).toBe(false);
    expect(record.attempts).toHaveLength(3);
    expect(record.attempts.every((a) => a.error)).toBe(true);
  });

  it('accepts an encrypted passive reply and records it decrypted', async () => {
    const platform = await platformWithReceiver(sim, receiver, { startTickets: false });
    const { body: accounts } = await sim.control<{ appids: string[] }>('POST', '/accounts', {
      count: 1,
      type: 'official_account',
    });
    const crypto = new WechatCrypto({
      token: platform.token,
      encodingAESKey: platform.encodingAESKey,
      appid: platform.appid,
    });
    receiver.respond = (push) => ({
      body: crypto.encryptReply(
        `<xml><Content><![CDATA[${String(push?.inner['Content'])}_callback]]></Content></xml>`,
        { nonce: '123' },
      ).xml,
    });
    const { body: record } = await sim.control<{ delivered: boolean; reply: string; attempts: unknown[] }>(
      'POST',
      `/platforms/${platform.appid}/pushes`,
      {
        authorizerAppid: accounts.appids[0],
        fields: { MsgType: 'text', Content: 'TESTCOMPONENT_MSG_TYPE_TEXT', MsgId: 1 },
      },
    );
    expect(record).toMatchObject({
      delivered: true,
      reply: '<xml><Content><![CDATA[TESTCOMPONENT_MSG_TYPE_TEXT_callback]]></Content></xml>',
    });
    expect(record.attempts).toHaveLength(1);
  });

  it('pushes a ticket every ticketIntervalSeconds', async () => {
    await sim.control('PUT', '/settings', { ticketIntervalSeconds: 1 });
    await platformWithReceiver(sim, receiver);
    await until(
      () => receiver.received.filter((p) => p.inner['InfoType'] === 'component_verify_ticket').length >= 3,
      4000,
    );
    const tickets = receiver.received.map((p) => p.inner['ComponentVerifyTicket']);
    expect(new Set(tickets).size).toBe(tickets.length);
  });

  it('restarts stopped ticket pushes on api_start_push_ticket, and says so when they run', async () => {
    const platform = await platformWithReceiver(sim, receiver, { startTickets: false });
    const start = () =>
      sim.api<{ errmsg: string }>('/cgi-bin/component/api_start_push_ticket', {
        body: { component_appid: platform.appid, component_secret: platform.secret },
      });
    expect(await start()).toEqual({ errcode: 0, errmsg: 'ok' });
    await until(() => receiver.received.length >= 1);
    expect(await start()).toEqual({ errcode: 0, errmsg: 'in a normal state' });
    expect(
      (
        await sim.api('/cgi-bin/component/api_start_push_ticket', {
          body: { component_appid: platform.appid, component_secret: 'x' },
        })
      ).errcode,
    ).toBe(40125);
  });

  it('pushes no ticket on api_start_push_ticket while pushes run, unless startPushTicketPushesWhenRunning', async () => {
    const platform = await platformWithReceiver(sim, receiver);
    await until(() => receiver.received.length >= 1);
    const tickets = () => receiver.received.filter((p) => p.inner['InfoType'] === 'component_verify_ticket');
    const start = () =>
      sim.api<{ errmsg: string }>('/cgi-bin/component/api_start_push_ticket', {
        body: { component_appid: platform.appid, component_secret: platform.secret },
      });
    expect(await start()).toEqual({ errcode: 0, errmsg: 'in a normal state' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(tickets()).toHaveLength(1);
    await sim.control('PUT', '/settings', { startPushTicketPushesWhenRunning: true });
    try {
      expect(await start()).toEqual({ errcode: 0, errmsg: 'in a normal state' });
      await until(() => tickets().length === 2);
      const { body } = await sim.control<{ currentTicket: string }>('GET', `/platforms/${platform.appid}`);
      expect(tickets()[1]!.inner['ComponentVerifyTicket']).toBe(body.currentTicket);
    } finally {
      await sim.control('PUT', '/settings', { startPushTicketPushesWhenRunning: false });
    }
  });

  it('lets a fresh ticket from a push mint a component token', async () => {
    const platform = await platformWithReceiver(sim, receiver);
    await until(() => receiver.received.length >= 1);
    expect(await componentToken(sim, platform)).toMatch(/^ct_/);
  });
});
