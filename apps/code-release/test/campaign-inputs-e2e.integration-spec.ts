import {
  AuthorizerRpcPatterns,
  CampaignRpcPatterns,
  type AuthorizationLinkReply,
  type AuthorizerPage,
  type CampaignSummary,
  type CampaignTargetPage,
} from '@wxop/contracts';
import {
  authorizeHref,
  confirmForm,
  countersOf,
  sleep,
  startReleaseStack,
  waitUntil,
  type ReleaseStack,
  type SimProcess,
} from '@wxop/testing';

const COMPONENT = 'wx7777777777777777';

interface SimAccount {
  appid: string;
  nickName: string;
  code: { trial?: { extJson: string } };
}

/**
 * Campaign inputs end to end: targets chosen by a filter over the authorizer service (its
 * mini programs authorized through links carrying bizRefs), ext_json variables per target,
 * preflight settings made once, a category-less target failing preflight, and the platform-wide
 * quota bound held by two code-release replicas. wechat-sim plays WeChat and counts every call.
 */
describe('campaign inputs (end to end with the authorizer service and wechat-sim)', () => {
  let stack: ReleaseStack;
  let sim: SimProcess;

  const rpc = <T>(pattern: string, data: unknown) => stack.rpc<T>(pattern, data);
  const calls = async (endpoint: string, appid: string) =>
    (await countersOf(sim, endpoint)).get(appid)?.calls ?? 0;
  const targetsOf = async (campaignId: string) =>
    (await rpc<CampaignTargetPage>(CampaignRpcPatterns.ListTargets, { campaignId, limit: 500 })).targets;
  const campaign = (campaignId: string) => rpc<CampaignSummary>(CampaignRpcPatterns.Get, { campaignId });
  /** Waits until the authorizer service holds a nick name for each (it records them after the token service). */
  const profilesHeld = (appids: string[]) =>
    waitUntil(
      async () =>
        (
          await rpc<AuthorizerPage>(AuthorizerRpcPatterns.SearchAuthorizers, {
            componentAppid: COMPONENT,
            authorizerAppids: appids,
            limit: 200,
          })
        ).items.filter((item) => item.nickName).length === appids.length,
      60_000,
      'the authorizer service to hold the profiles',
    );
  const finished = (campaignId: string, timeoutMs: number) =>
    waitUntil(
      async () => (await campaign(campaignId)).status === 'finished',
      timeoutMs,
      'the campaign to finish',
    );

  /** Accounts in the simulator (categories: [] = none configured). */
  const newAccounts = async (
    count: number,
    type: 'mini_program' | 'official_account',
    categories?: unknown[],
  ) =>
    (
      await sim.control<{ appids: string[] }>('POST', '/accounts', {
        count,
        type,
        ...(categories ? { categories } : {}),
      })
    ).appids;

  /** The merchant authorizes one account through an authorization link carrying `bizRef`. */
  const authorizeWithLink = async (appid: string, bizRef: string, categoryIdList?: number[]) => {
    const link = await rpc<AuthorizationLinkReply>(AuthorizerRpcPatterns.CreateLink, {
      componentAppid: COMPONENT,
      kind: 'pc',
      bizRef,
      ...(categoryIdList ? { categoryIdList } : {}),
    });
    const start = await fetch(link.startUrl);
    expect(start.status).toBe(200);
    const wechatPage = await fetch(authorizeHref(await start.text()));
    const confirmed = await fetch(`${sim.url}/cgi-bin/componentloginpage/confirm`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: confirmForm(await wechatPage.text(), appid).toString(),
      redirect: 'manual',
    });
    expect(confirmed.status).toBe(302);
    expect((await fetch(confirmed.headers.get('location')!)).status).toBe(200);
  };

  beforeAll(async () => {
    stack = await startReleaseStack({
      componentAppid: COMPONENT,
      prefix: 'cin',
      authorizer: true,
      // The quota test runs first with 10 submits left this month; the others raise it.
      simEnv: { SIM_AUDIT_POLICY: 'approve', SIM_AUDIT_DELAY_SECONDS: '1', SIM_AUDIT_QUOTA: '10' },
    });
    sim = stack.sim;
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
  }, 60_000);

  it('holds the platform-wide quota across two replicas: quota 10, reserve 2, 12 targets → exactly 8 submits', async () => {
    await stack.startReplica('code-release');
    const templateId = await stack.addTemplate('1.0.0');
    const appids = await stack.newMiniPrograms(12);
    const created = await rpc<CampaignSummary>(CampaignRpcPatterns.Create, {
      componentAppid: COMPONENT,
      templateId,
      userVersion: '1.0.0',
      userDesc: 'quota',
      targets: appids.map((authorizerAppid) => ({ authorizerAppid })),
      extJson: { extAppid: '{{authorizerAppid}}' },
      concurrency: 12,
      quotaReserve: 2,
      requestedBy: 'operator-1',
    });
    await waitUntil(
      async () => (await campaign(created.campaignId)).counts['waiting_quota'] === 4,
      60_000,
      '4 targets waiting for quota',
    );
    await sleep(3000); // both replicas keep passing over the waiting targets
    const submits = await countersOf(sim, 'wxa/submit_audit');
    expect(appids.map((appid) => submits.get(appid)?.calls ?? 0).reduce((a, b) => a + b, 0)).toBe(8);
    const waiting = (await targetsOf(created.campaignId)).filter((t) => t.state === 'waiting_quota');
    expect(waiting.map((t) => t.reason)).toEqual(Array(4).fill('quota_reserve'));
    // The operator raises the quota: the waiting targets continue.
    await sim.control('PUT', '/settings', { auditQuota: 1000 });
    await finished(created.campaignId, 90_000);
    expect((await campaign(created.campaignId)).counts['released']).toBe(12);
    // Two replicas ran the campaign: each target was submitted exactly once.
    const after = await countersOf(sim, 'wxa/submit_audit');
    expect(appids.map((appid) => after.get(appid)?.calls ?? 0)).toEqual(appids.map(() => 1));
  }, 240_000);

  it('freezes the targets a bizRefPrefix filter selects, fills ext_json per target, sets domains once, fails a category-less target in preflight', async () => {
    await sim.control('PUT', '/settings', { auditQuota: 1000 }); // whatever the quota test left
    const good = await newAccounts(6, 'mini_program');
    const [noCategory] = await newAccounts(1, 'mini_program', []);
    const [without18] = await newAccounts(1, 'mini_program');
    const [officialAccount] = await newAccounts(1, 'official_account');
    for (const [index, appid] of good.entries()) await authorizeWithLink(appid, `shop-${index}`);
    await authorizeWithLink(noCategory!, 'shop-nocat');
    await authorizeWithLink(without18!, 'shop-no18', [17, 19]);
    await authorizeWithLink(officialAccount!, 'shop-oa');
    // Excluded by the prefix, though authorized with permission 18.
    const [elsewhere] = await newAccounts(1, 'mini_program');
    await authorizeWithLink(elsewhere!, 'other-1');
    const expected = [...good, noCategory!].sort();
    await waitUntil(
      async () =>
        (
          await rpc<AuthorizerPage>(AuthorizerRpcPatterns.SearchAuthorizers, {
            componentAppid: COMPONENT,
            bizRefPrefix: 'shop-',
            credentialStatus: 'active',
            limit: 200,
          })
        ).total === 9,
      60_000,
      'the authorizer service to hold the nine authorizations',
    );

    const templateId = await stack.addTemplate('2.0.0');
    const create = (userVersion: string, tid: number) =>
      rpc<CampaignSummary>(CampaignRpcPatterns.Create, {
        componentAppid: COMPONENT,
        templateId: tid,
        userVersion,
        userDesc: 'by filter',
        targetFilter: { bizRefPrefix: 'shop-' },
        values: {
          ...Object.fromEntries(good.map((appid, index) => [appid, { city: `city-${index}` }])),
          // Every frozen target needs a value for each variable, or the campaign is refused at creation.
          [noCategory!]: { city: 'city-nocat' },
        },
        extJson: {
          extAppid: '{{authorizerAppid}}',
          ext: { ref: '{{bizRef}}', name: '{{nickName}}', city: '{{city}}' },
        },
        preflight: {
          serverDomains: { requestDomain: ['https://api.shop-e2e.com'], addToPlatform: true },
          webviewDomains: { domains: ['https://h5.shop-e2e.com'], addToPlatform: true },
        },
        concurrency: 10,
        requestedBy: 'operator-1',
      });
    // The category-less target fails in preflight: it is never committed.
    const created = await create('2.0.0', templateId);
    expect(created.targets).toBe(7);
    const frozen = await targetsOf(created.campaignId);
    expect(frozen.map((t) => t.authorizerAppid).sort()).toEqual(expected);
    await finished(created.campaignId, 120_000);
    const states = new Map((await targetsOf(created.campaignId)).map((t) => [t.authorizerAppid, t]));
    for (const appid of good) expect(states.get(appid)?.state).toBe('released');
    expect(states.get(noCategory!)).toMatchObject({ state: 'failed', step: 'preflight', errcode: 85008 });
    expect(await calls('wxa/commit', noCategory!)).toBe(0);

    // ext_json as WeChat received it, per target.
    for (const [index, appid] of good.entries()) {
      const account = await sim.control<SimAccount>('GET', `/accounts/${appid}`);
      expect(JSON.parse(account.code.trial!.extJson)).toEqual({
        extEnable: true,
        extAppid: appid,
        ext: { ref: `shop-${index}`, name: account.nickName, city: `city-${index}` },
      });
    }
    // Preflight: the platform lists were completed once, each target's domains set once.
    expect(await calls('cgi-bin/component/modify_wxa_server_domain', COMPONENT)).toBe(2); // get + add
    expect(await calls('cgi-bin/component/modify_wxa_jump_domain', COMPONENT)).toBe(2);
    for (const appid of good) {
      expect(await calls('wxa/modify_domain', appid)).toBe(1);
      expect(await calls('wxa/setwebviewdomain', appid)).toBe(2); // get + add
    }

    // A second campaign over the same targets finds everything set and changes nothing.
    const second = await create('2.1.0', await stack.addTemplate('2.1.0'));
    await finished(second.campaignId, 120_000);
    expect((await campaign(second.campaignId)).counts['released']).toBe(6);
    expect(await calls('cgi-bin/component/modify_wxa_server_domain', COMPONENT)).toBe(3); // one more get
    for (const appid of good) {
      expect(await calls('wxa/modify_domain', appid)).toBe(1);
      expect(await calls('wxa/setwebviewdomain', appid)).toBe(3); // one more get
    }
    expect(await calls('wxa/commit', noCategory!)).toBe(0);
  }, 300_000);

  it('sets the privacy settings a geo API needs in preflight (once), and fails a target whose scan finds them missing with 61040', async () => {
    await sim.control('PUT', '/settings', { auditQuota: 1000 });
    const [bare, covered] = await stack.newMiniPrograms(2);
    const create = async (userVersion: string, targets: string[], preflight?: unknown) =>
      rpc<CampaignSummary>(CampaignRpcPatterns.Create, {
        componentAppid: COMPONENT,
        templateId: await stack.addTemplate(userVersion),
        userVersion,
        userDesc: 'geo',
        targets: targets.map((authorizerAppid) => ({ authorizerAppid })),
        extJson: { extAppid: '{{authorizerAppid}}', requiredPrivateInfos: ['getLocation'] },
        ...(preflight ? { preflight } : {}),
        requestedBy: 'operator-1',
      });
    const privacy = {
      privacy: {
        ownerSetting: {
          contactEmail: 'dpo@shop-e2e.com',
          noticeMethod: '弹窗',
          storeExpireTimestamp: '30天',
        },
        settingList: [{ privacyKey: 'Location', privacyText: '附近门店' }],
      },
    };
    const undeclared = await create('4.0.0', [bare!]);
    await finished(undeclared.campaignId, 60_000);
    expect((await targetsOf(undeclared.campaignId))[0]).toMatchObject({
      state: 'failed',
      step: 'waiting_privacy_scan',
      errcode: 61040,
      reason: 'privacy_api_undeclared',
    });
    expect(await calls('wxa/submit_audit', bare!)).toBe(0);

    const declared = await create('4.1.0', [covered!], privacy);
    await finished(declared.campaignId, 60_000);
    expect((await targetsOf(declared.campaignId))[0]?.state).toBe('released');
    expect(await calls('cgi-bin/component/setprivacysetting', covered!)).toBe(1);
    const again = await create('4.2.0', [covered!], privacy);
    await finished(again.campaignId, 60_000);
    expect((await targetsOf(again.campaignId))[0]?.state).toBe('released');
    expect(await calls('cgi-bin/component/setprivacysetting', covered!)).toBe(1);
    expect(await calls('cgi-bin/component/getprivacysetting', covered!)).toBe(2);
  }, 180_000);

  it('fails a target whose intro is not set in preflight with 86002 (profileCheck), before any setting or commit', async () => {
    const [complete, noIntro] = await newAccounts(2, 'mini_program');
    await authorizeWithLink(complete!, 'prof-1');
    await authorizeWithLink(noIntro!, 'prof-2');
    await sim.control('PATCH', `/accounts/${noIntro}`, { signature: '' });
    await waitUntil(
      async () =>
        (
          await rpc<AuthorizerPage>(AuthorizerRpcPatterns.SearchAuthorizers, {
            componentAppid: COMPONENT,
            bizRefPrefix: 'prof-',
            credentialStatus: 'active',
          })
        ).total === 2,
      60_000,
      'the authorizer service to hold both',
    );
    // The authorizer service reads the profile again (api_get_authorizer_info).
    await rpc(AuthorizerRpcPatterns.RefreshAuthorizer, {
      componentAppid: COMPONENT,
      authorizerAppid: noIntro,
    });
    const created = await rpc<CampaignSummary>(CampaignRpcPatterns.Create, {
      componentAppid: COMPONENT,
      templateId: await stack.addTemplate('5.0.0'),
      userVersion: '5.0.0',
      userDesc: 'profile',
      targetFilter: { bizRefPrefix: 'prof-' },
      extJson: { extAppid: '{{authorizerAppid}}' },
      preflight: {
        profileCheck: true,
        webviewDomains: { domains: ['https://h5.shop-e2e.com'], addToPlatform: true },
      },
      requestedBy: 'operator-1',
    });
    await finished(created.campaignId, 60_000);
    const states = new Map((await targetsOf(created.campaignId)).map((t) => [t.authorizerAppid, t]));
    expect(states.get(complete!)?.state).toBe('released');
    expect(states.get(noIntro!)).toMatchObject({
      state: 'failed',
      step: 'preflight',
      errcode: 86002,
      reason: 'profile_incomplete',
      message: expect.stringContaining('intro') as unknown,
    });
    expect(await calls('wxa/setwebviewdomain', noIntro!)).toBe(0);
    expect(await calls('wxa/commit', noIntro!)).toBe(0);
  }, 120_000);

  it('refuses a filter that matches nothing, and domains missing from the platform list without addToPlatform', async () => {
    const base = {
      componentAppid: COMPONENT,
      templateId: await stack.addTemplate('3.0.0'),
      userVersion: '3.0.0',
      userDesc: 'refused',
      extJson: {},
      requestedBy: 'operator-1',
    };
    const campaignCount = async () =>
      (await rpc<CampaignSummary[]>(CampaignRpcPatterns.List, { componentAppid: COMPONENT, limit: 100 }))
        .length;
    const before = await campaignCount();
    const refusal = async (request: unknown) => {
      try {
        await rpc(CampaignRpcPatterns.Create, request);
      } catch (error) {
        return (error as Error).message;
      }
      throw new Error('the campaign was created');
    };
    const nobody = await refusal({ ...base, targetFilter: { bizRefPrefix: 'nobody-' } });
    expect(nobody).toContain('"code":"INVALID_REQUEST"');
    expect(nobody).toContain('targetFilter matches no mini program');
    const unlisted = await refusal({
      ...base,
      targetFilter: { bizRefPrefix: 'shop-' },
      preflight: { serverDomains: { requestDomain: ['https://unlisted.shop-e2e.com'] } },
    });
    expect(unlisted).toContain('"code":"INVALID_REQUEST"');
    expect(unlisted).toContain('not on the platform');
    expect(unlisted).toContain('unlisted.shop-e2e.com');
    // A variable some explicit targets have no value for is refused here, not failed target by
    // target at commit; a nickName the operator did not give comes from the authorizer service.
    const [first, second] = await stack.newMiniPrograms(2);
    await profilesHeld([first!, second!]);
    const unvalued = await refusal({
      ...base,
      extJson: { ext: { title: '{{nickName}}', shop: '{{values.shop}}' } },
      targets: [{ authorizerAppid: first, nickName: '一号店' }, { authorizerAppid: second }],
      values: { [first!]: { shop: 's1' } },
    });
    expect(unvalued).toContain('"code":"INVALID_REQUEST"');
    expect(unvalued).toContain(`{{values.shop}}, which 1 target(s) have no value for (${second})`);
    expect(unvalued).not.toContain('{{nickName}}');
    // Nothing was created.
    expect((await campaignCount()) - before).toBe(0);
  }, 60_000);

  it('fills the nickName an explicit target lacks from the authorizer service, frozen with the campaign', async () => {
    await sim.control('PUT', '/settings', { auditQuota: 1000 });
    const [named, unnamed] = await stack.newMiniPrograms(2);
    await profilesHeld([named!, unnamed!]);
    const created = await rpc<CampaignSummary>(CampaignRpcPatterns.Create, {
      componentAppid: COMPONENT,
      templateId: await stack.addTemplate('4.0.0'),
      userVersion: '4.0.0',
      userDesc: 'nick names',
      targets: [{ authorizerAppid: named, nickName: '一号店' }, { authorizerAppid: unnamed }],
      extJson: { ext: { title: '{{nickName}}' } },
      requestedBy: 'operator-1',
    });
    await finished(created.campaignId, 60_000);
    const trialExt = async (appid: string) =>
      JSON.parse((await sim.control<SimAccount>('GET', `/accounts/${appid}`)).code.trial!.extJson) as {
        ext: { title: string };
      };
    expect((await trialExt(named!)).ext.title).toBe('一号店');
    const account = await sim.control<SimAccount>('GET', `/accounts/${unnamed}`);
    expect((await trialExt(unnamed!)).ext.title).toBe(account.nickName);
  }, 120_000);
});
