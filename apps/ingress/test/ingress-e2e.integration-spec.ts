import {
  BrokerProbe,
  deleteBrokerObjects,
  startWechatSimProcess,
  uniqueRunId,
  type SimProcess,
} from '@wxop/testing';

import { COMPONENT, KEY, startIngress, TOKEN, type StartedIngress } from './ingress-test.util';

const namespace = `${uniqueRunId()}.`;

describe('wechat-sim → ingress → subscriber (end to end)', () => {
  let sim: SimProcess;
  let ingress: StartedIngress;
  let probe: BrokerProbe;

  beforeAll(async () => {
    probe = await BrokerProbe.bind(['wechat.#'], { namespace });
    ingress = await startIngress(namespace);
    sim = await startWechatSimProcess({ SIM_PUSH_RETRY_DELAY_MS: '100' });
    await sim.control('POST', '/platforms', {
      appid: COMPONENT,
      token: TOKEN,
      encodingAESKey: KEY,
      secret: 'e2e-secret',
      authEventUrl: `${ingress.url}/wechat/components/${COMPONENT}/events`,
      messageUrl: `${ingress.url}/wechat/components/${COMPONENT}/authorizers/$APPID$/messages`,
      startTickets: false,
    });
  });

  afterAll(async () => {
    await sim?.stop();
    await ingress?.close();
    await probe?.close();
    await deleteBrokerObjects({ exchanges: [`${namespace}wxop.events`, `${namespace}wxop.rpc`] });
  });

  it('delivers a ticket, an audit result and a user message as WeChat would push them', async () => {
    // The ticket.
    const ticketPush = await sim.control<{ delivered: boolean; attempts: unknown[] }>(
      'POST',
      `/platforms/${COMPONENT}/tickets`,
    );
    expect(ticketPush).toMatchObject({ delivered: true, attempts: [expect.any(Object)] });

    // A mini program, its code, an audit and the reviewer's approval.
    const { appids } = await sim.control<{ appids: string[] }>('POST', '/accounts', {
      count: 1,
      type: 'mini_program',
    });
    const miniProgram = appids[0]!;
    await sim.control('POST', `/platforms/${COMPONENT}/authorizations?wait=true`, {
      authorizerAppid: miniProgram,
    });
    const platform = await sim.control<{ currentTicket: string }>('GET', `/platforms/${COMPONENT}`);
    const call = async <T>(path: string, body: unknown): Promise<T> =>
      (await (await fetch(`${sim.url}/${path}`, { method: 'POST', body: JSON.stringify(body) })).json()) as T;
    const { component_access_token: ct } = await call<{ component_access_token: string }>(
      'cgi-bin/component/api_component_token',
      {
        component_appid: COMPONENT,
        component_appsecret: 'e2e-secret',
        component_verify_ticket: platform.currentTicket,
      },
    );
    const { authorizations } = {
      authorizations: await sim.control<{ authorizerAppid: string }[]>(
        'GET',
        `/platforms/${COMPONENT}/authorizations`,
      ),
    };
    expect(authorizations.map((a) => a.authorizerAppid)).toContain(miniProgram);
    const { draftId } = await sim.control<{ draftId: number }>('POST', `/platforms/${COMPONENT}/drafts`, {
      userVersion: '1.0.0',
    });
    await call(`wxa/addtotemplate?access_token=${encodeURIComponent(ct)}`, { draft_id: draftId });
    const pushes = await sim.control<{ type: string; xml: string }[]>(
      'GET',
      `/pushes?platformAppid=${COMPONENT}&type=authorized`,
    );
    const authCode = /<AuthorizationCode><!\[CDATA\[([^\]]+)]]>/.exec(pushes[0]!.xml)![1]!;
    const exchanged = await call<{ authorization_info: { authorizer_access_token: string } }>(
      `cgi-bin/component/api_query_auth?component_access_token=${encodeURIComponent(ct)}`,
      { component_appid: COMPONENT, authorization_code: authCode },
    );
    const at = encodeURIComponent(exchanged.authorization_info.authorizer_access_token);
    expect(
      await call(`wxa/commit?access_token=${at}`, { template_id: 1, ext_json: '{}', user_version: '1.0.0' }),
    ).toEqual({ errcode: 0, errmsg: 'ok' });
    expect(await call(`wxa/submit_audit?access_token=${at}`, {})).toMatchObject({ errcode: 0 });
    await sim.control('POST', `/platforms/${COMPONENT}/accounts/${miniProgram}/audit`, {
      decision: 'success',
    });

    // A user's message to an official account.
    const { appids: accounts } = await sim.control<{ appids: string[] }>('POST', '/accounts', {
      count: 1,
      type: 'official_account',
    });
    await sim.control('POST', `/platforms/${COMPONENT}/authorizations?wait=true`, {
      authorizerAppid: accounts[0],
    });
    await sim.control('POST', `/platforms/${COMPONENT}/pushes`, {
      authorizerAppid: accounts[0],
      openid: 'o_e2e_user',
      fields: { MsgType: 'text', Content: '下单', MsgId: 6_012_345_678_901_234 },
    });

    const ticket = (await probe.waitFor(1, { type: 'wechat.component.component_verify_ticket' }))[0]!;
    expect(ticket.data['ComponentVerifyTicket']).toBe(platform.currentTicket);
    const audit = (await probe.waitFor(1, { type: 'wechat.message.event.weapp_audit_success' }))[0]!;
    expect(audit).toMatchObject({
      authorizerAppid: miniProgram,
      data: { MsgType: 'event', Event: 'weapp_audit_success' },
    });
    const message = (await probe.waitFor(1, { type: 'wechat.message.text' }))[0]!;
    expect(message).toMatchObject({
      authorizerAppid: accounts[0],
      data: { Content: '下单', FromUserName: 'o_e2e_user' },
    });
    const authorized = await probe.waitFor(2, { type: 'wechat.component.authorized' });
    expect(authorized.map((e) => e.authorizerAppid).sort()).toEqual([miniProgram, accounts[0]].sort());
  });
});
