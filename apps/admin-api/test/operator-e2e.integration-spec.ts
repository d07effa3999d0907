import {
  BrokerProbe,
  authorizeHref,
  confirmForm,
  startReleaseStack,
  uniqueRunId,
  waitUntil,
  type ReleaseStack,
  type SimProcess,
} from '@wxop/testing';

import { adminApiOf, adminCall, loginAs, type AdminApiProcess } from './admin-test.util';

const COMPONENT = 'wx6666666666666666';

/**
 * An operator drives the platform over admin-api's HTTP API only, with wechat-sim, ingress, token,
 * authorizer and admin-api each in its own process: log in; configure the component (secrets go to
 * the token service, never come back); WeChat pushes a ticket; create a link with a QR code; a
 * merchant authorizes on WeChat's page; the merchant is found in search; reveal its token (audited,
 * the entry readable in the audit log without the token); replay the `authorized` push to a
 * subscriber (new id, `replayOf`); four more merchants authorize through links and a campaign
 * carries a template to the five mini programs until each is released, watched and read over
 * admin-api (targets, list, dashboard with campaigns by state and the audit quota left).
 */
describe('an operator over admin-api (end to end)', () => {
  let stack: ReleaseStack;
  let sim: SimProcess;
  let api: AdminApiProcess;
  let probe: BrokerProbe;

  const control = <T = unknown>(method: string, path: string, body?: unknown): Promise<T> =>
    sim.control<T>(method, path, body);

  beforeAll(async () => {
    // No component secrets for the token service: the operator configures the component through admin-api.
    stack = await startReleaseStack({
      componentAppid: COMPONENT,
      prefix: 'op',
      authorizer: true,
      adminApi: true,
      componentCredentials: false,
      // WeChat's reviewer approves every submit after a second.
      simEnv: { SIM_AUDIT_POLICY: 'approve', SIM_AUDIT_DELAY_SECONDS: '1' },
    });
    sim = stack.sim;
    api = adminApiOf(stack);
    probe = await BrokerProbe.bind(['wechat.#'], { namespace: stack.namespace });
  });

  afterAll(async () => {
    await probe?.close();
    await stack?.stop();
  });

  it('configures a component, links and authorizes a merchant, finds it, reveals its token, replays its push, and releases a template to five mini programs with a campaign', async () => {
    const admin = await loginAs(api.url, 'admin');
    const operator = await loginAs(api.url, 'operator');
    const call = <T>(token: string, method: string, path: string, body?: unknown) =>
      adminCall<T>(api.url, method, `/admin/v1${path}`, { token, body });

    // WeChat's side of the platform, pushing to our ingress (created by the stack).
    const platform = stack.platform;

    // Configure the component: an operator may not; the admin may; no secret comes back.
    const secrets = {
      secret: platform.secret,
      token: platform.token,
      encodingAESKey: platform.encodingAESKey,
    };
    expect(
      (await call(operator, 'POST', '/components', { componentAppid: COMPONENT, ...secrets })).status,
    ).toBe(403);
    const created = await call<Record<string, unknown>>(admin, 'POST', '/components', {
      componentAppid: COMPONENT,
      ...secrets,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ componentAppid: COMPONENT, secretSet: true });
    const again = await call<{ error: string }>(admin, 'POST', '/components', {
      componentAppid: COMPONENT,
      ...secrets,
    });
    expect([again.status, again.body.error]).toEqual([409, 'component_exists']);
    const listed = await call<{ items: { componentAppid: string }[] }>(operator, 'GET', '/components');
    expect(listed.body.items.map((item) => item.componentAppid)).toEqual([COMPONENT]);
    for (const value of Object.values(secrets)) {
      expect(JSON.stringify(created.body)).not.toContain(value);
      expect(JSON.stringify(listed.body)).not.toContain(value);
    }

    // WeChat pushes a ticket (to ingress, which now knows the keys); the component token follows.
    await control('POST', `/platforms/${COMPONENT}/tickets`);
    await waitUntil(
      async () => {
        const health = await call<{ componentTokenExpiresAt?: string }>(
          operator,
          'GET',
          `/components/${COMPONENT}/credentials`,
        );
        return health.status === 200 && health.body.componentTokenExpiresAt !== undefined;
      },
      20_000,
      'the component token in the credential health',
    );

    // A link with a QR code; the merchant follows it and confirms on WeChat's page.
    const authorizeThroughLink = async (bizRef: string): Promise<string> => {
      const { appids } = await control<{ appids: string[] }>('POST', '/accounts', {
        count: 1,
        type: 'mini_program',
      });
      const link = await call<{ url: string; qrCodePng: string; expiresAt: string }>(
        operator,
        'POST',
        `/components/${COMPONENT}/authorization-links`,
        { kind: 'h5', bizRef },
      );
      expect(link.status).toBe(201);
      expect(Buffer.from(link.body.qrCodePng, 'base64').subarray(1, 4).toString()).toBe('PNG');
      expect(new Date(link.body.expiresAt).getTime()).toBeGreaterThan(Date.now());
      const wechatPage = new URL(authorizeHref(await (await fetch(link.body.url)).text()));
      const form = confirmForm(await (await fetch(wechatPage)).text(), appids[0]!);
      const confirmed = await fetch(`${sim.url}/cgi-bin/componentloginpage/confirm`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
        redirect: 'manual',
      });
      const landing = await fetch(confirmed.headers.get('location')!);
      expect(landing.status).toBe(200);
      return appids[0]!;
    };
    const bizRef = `shop-${uniqueRunId()}`;
    const merchant = await authorizeThroughLink(bizRef);

    // The merchant is found by its bizRef, then its detail.
    let found: { total: number; items: { authorizerAppid: string; status: string }[] } = {
      total: 0,
      items: [],
    };
    await waitUntil(
      async () => {
        found = (
          await call<typeof found>(operator, 'GET', `/components/${COMPONENT}/authorizers?bizRef=${bizRef}`)
        ).body;
        return found.total === 1;
      },
      20_000,
      'the merchant in search',
    );
    expect(found.items[0]).toMatchObject({ authorizerAppid: merchant, status: 'authorized' });
    const detail = await call<{ authorizerAppid: string }>(
      operator,
      'GET',
      `/components/${COMPONENT}/authorizers/${merchant}`,
    );
    expect(detail.body.authorizerAppid).toBe(merchant);

    // The link is listed as used, by the merchant.
    const links = await call<{ total: number; items: { state: string; authorizerAppid: string | null }[] }>(
      operator,
      'GET',
      `/components/${COMPONENT}/authorization-links?bizRef=${bizRef}`,
    );
    expect(links.body.total).toBe(1);
    expect(links.body.items[0]).toMatchObject({ state: 'used', authorizerAppid: merchant });
    const open = await call<{ total: number }>(
      operator,
      'GET',
      `/components/${COMPONENT}/authorization-links?bizRef=${bizRef}&state=open`,
    );
    expect(open.body.total).toBe(0);

    // Reveal its token: refused to an operator; the admin's reveal is audited without the token.
    const revealPath = `/components/${COMPONENT}/authorizers/${merchant}/access-token/reveal`;
    expect((await call(operator, 'POST', revealPath)).status).toBe(403);
    let revealed = { status: 0, body: { accessToken: '', expiresAt: '' } };
    await waitUntil(
      async () => {
        revealed = await call<typeof revealed.body>(admin, 'POST', revealPath);
        return revealed.status === 200;
      },
      20_000,
      'the authorizer token',
    );
    expect(revealed.body.accessToken.length).toBeGreaterThan(8);
    const audit = await call<{ items: { action: string; target: string; outcome: string }[] }>(
      admin,
      'GET',
      '/audit-log?action=credentials.authorizer-token.reveal',
    );
    expect(audit.status).toBe(200);
    expect(audit.body.items.filter((entry) => entry.outcome === 'success')).toEqual([
      expect.objectContaining({
        action: 'credentials.authorizer-token.reveal',
        target: `${COMPONENT}/${merchant}`,
      }),
    ]);
    const wholeLog = await call(admin, 'GET', '/audit-log?limit=200');
    expect(JSON.stringify(wholeLog.body)).not.toContain(revealed.body.accessToken);
    expect(JSON.stringify(wholeLog.body)).not.toContain(platform.secret);

    // The merchant's customer writes to it; the operator replays that push to a subscriber: a new
    // id and replayOf. (Its `authorized` push carries an auth code, kept hashed: not replayable.)
    await control('POST', `/platforms/${COMPONENT}/pushes`, {
      authorizerAppid: merchant,
      fields: { MsgType: 'text', Content: '你好，在吗', MsgId: Date.now() },
    });
    let pushes: { items: { id: number; eventId: string; type: string; authorizerAppid: string | null }[] } = {
      items: [],
    };
    await waitUntil(
      async () => {
        pushes = (
          await call<typeof pushes>(
            operator,
            'GET',
            `/pushes?componentAppid=${COMPONENT}&authorizerAppid=${merchant}`,
          )
        ).body;
        return pushes.items.some((push) => push.type.startsWith('wechat.message.'));
      },
      20_000,
      'the message push in the push log',
    );
    const original = pushes.items.find((push) => push.type.startsWith('wechat.message.'))!;
    const replay = await call<{ eventId: string; replayOf: string }>(
      operator,
      'POST',
      `/pushes/${original.id}/replay`,
    );
    expect([replay.status, replay.body]).toEqual([
      202,
      expect.objectContaining({ replayOf: original.eventId }),
    ]);
    expect(replay.body.replayOf).toBe(original.eventId);
    expect(replay.body.eventId).not.toBe(original.eventId);
    await waitUntil(
      () => probe.envelopes.some((envelope) => envelope.id === replay.body.eventId),
      15_000,
      'the replayed push at the subscriber',
    );
    const received = probe.envelopes.find((envelope) => envelope.id === replay.body.eventId)!;
    expect(received).toMatchObject({
      type: original.type,
      replayOf: original.eventId,
      authorizerAppid: merchant,
    });

    // Four more merchants authorize through links; all five are found as authorized mini programs.
    const merchants = [merchant];
    for (let i = 1; i < 5; i++) merchants.push(await authorizeThroughLink(`${bizRef}-${i}`));
    await waitUntil(
      async () =>
        (
          await call<{ total: number }>(
            operator,
            'GET',
            `/components/${COMPONENT}/authorizers?status=authorized&authorizerType=mini_program`,
          )
        ).body.total === 5,
      30_000,
      'five authorized mini programs in search',
    );

    // A draft from the developer tools becomes a template; a campaign carries it to all five.
    const { draftId } = await control<{ draftId: number }>('POST', `/platforms/${COMPONENT}/drafts`, {
      userVersion: '1.2.0',
      userDesc: 'the shop, per merchant',
    });
    const added = await call<{ templates: { templateId: number; draftId: number }[] }>(
      operator,
      'POST',
      `/components/${COMPONENT}/drafts/${draftId}/templates`,
    );
    expect(added.status).toBe(200);
    const templateId = added.body.templates.find((t) => t.draftId === draftId)!.templateId;
    const campaign0 = {
      componentAppid: COMPONENT,
      templateId,
      userVersion: '1.2.0',
      userDesc: 'the shop, per merchant',
      extJson: {
        extEnable: true,
        extAppid: '{{authorizerAppid}}',
        ext: { shop: '{{bizRef}}', name: '{{shopName}}' },
      },
      submit: { versionDesc: 'test account: reviewer/reviewer-password' },
      releaseWindow: { startHour: 0, endHour: 24 },
      concurrency: 5,
      pollAfterSeconds: 5,
    };
    const noTargets = await call<{ error: string; details: { fields: Record<string, unknown> } }>(
      operator,
      'POST',
      '/campaigns',
      campaign0,
    );
    expect([noTargets.status, noTargets.body.error]).toEqual([400, 'validation_failed']);
    expect(JSON.stringify(noTargets.body.details)).toContain('targetFilter');
    // The wizard's count of a prefix is what the campaign then takes (the same criteria as code-release).
    const count = (prefix: string) =>
      call<{ count: number }>(
        operator,
        'GET',
        `/components/${COMPONENT}/campaign-targets/count?bizRefPrefix=${encodeURIComponent(prefix)}`,
      );
    expect(await count(bizRef)).toMatchObject({ status: 200, body: { count: 5 } });
    expect((await count(`${bizRef}-1`)).body.count).toBe(1);
    expect((await count('nobody-has-this-')).body.count).toBe(0);
    // The targets: the merchants' mini programs chosen by their bizRef prefix, frozen at creation.
    const started = await call<{ campaignId: string; status: string; targets: number }>(
      operator,
      'POST',
      '/campaigns',
      {
        ...campaign0,
        targetFilter: { bizRefPrefix: bizRef },
        values: Object.fromEntries(merchants.map((appid, index) => [appid, { shopName: `店铺 ${index}` }])),
      },
    );
    expect(started.status).toBe(201);
    expect(started.body).toMatchObject({ status: 'running', targets: 5 });
    const campaignId = started.body.campaignId;
    let campaign = { status: '', counts: {} as Record<string, number>, progress: { done: 0, total: 0 } };
    await waitUntil(
      async () => {
        campaign = (await call<typeof campaign>(operator, 'GET', `/campaigns/${campaignId}`)).body;
        return campaign.status === 'finished';
      },
      120_000,
      'the campaign to finish',
    );
    expect(campaign.counts).toMatchObject({ released: 5, failed: 0, rejected: 0 });
    expect(campaign.progress).toMatchObject({ done: 5, total: 5 });
    const released = await call<{
      items: { authorizerAppid: string; state: string }[];
      nextCursor: string | null;
    }>(operator, 'GET', `/campaigns/${campaignId}/targets?state=released`);
    expect(released.body.items.map((t) => t.authorizerAppid).sort()).toEqual([...merchants].sort());
    expect(released.body.nextCursor).toBeNull();
    for (const appid of merchants) {
      const versions = await call<{ online: { userVersion: string } | null }>(
        operator,
        'GET',
        `/components/${COMPONENT}/authorizers/${appid}/versions`,
      );
      expect(versions.body.online?.userVersion).toBe('1.2.0');
    }
    const finished = await call<{ total: number; items: { campaignId: string }[] }>(
      operator,
      'GET',
      `/campaigns?componentAppid=${COMPONENT}&status=finished`,
    );
    expect(finished.body).toMatchObject({ total: 1, items: [{ campaignId }] });
    const creation = await call<{ items: { action: string; outcome: string }[] }>(
      admin,
      'GET',
      `/audit-log?action=campaigns.create`,
    );
    expect(creation.body.items.map((entry) => entry.outcome).sort()).toEqual(['failure', 'success']);

    // The dashboard: five authorized mini programs, the campaign by state, the quota the five submits used.
    const dashboard = await call<{
      authorizers: { componentAppid: string; authorizerType: string; status: string; count: number }[];
      campaigns: { componentAppid: string; status: string; count: number }[];
      quotaLeft: {
        componentAppid: string;
        authorizerAppid: string | null;
        quota: { rest: number; limit: number } | null;
      }[];
      unavailable: string[];
    }>(operator, 'GET', '/dashboard');
    expect(dashboard.status).toBe(200);
    expect(dashboard.body.unavailable).toEqual([]);
    const authorized = dashboard.body.authorizers
      .filter((row) => row.componentAppid === COMPONENT && row.status === 'authorized')
      .reduce((sum, row) => sum + row.count, 0);
    expect(authorized).toBe(5);
    expect(dashboard.body.campaigns).toEqual([{ componentAppid: COMPONENT, status: 'finished', count: 1 }]);
    expect(dashboard.body.quotaLeft).toHaveLength(1);
    const [quota] = dashboard.body.quotaLeft;
    expect(merchants).toContain(quota!.authorizerAppid);
    expect(quota!.quota).toMatchObject({ limit: 20, rest: 15 });
  }, 300_000);
});
