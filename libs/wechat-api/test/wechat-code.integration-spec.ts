import { startWechatSimProcess, totalCalls, type SimProcess } from '@wxop/testing';

import {
  AuditStatus,
  WechatApiClient,
  WechatCodeApi,
  WechatCodeErrcode,
  withAuthorizerToken,
  type AuthorizerTokenSource,
} from '../src';

interface Platform {
  appid: string;
  secret: string;
  currentTicket: string;
}

/** WechatCodeApi against wechat-sim: every §5 call the simulator models, on the wire as WeChat has it. */
describe('WechatCodeApi against wechat-sim', () => {
  let sim: SimProcess;
  let platform: Platform;
  let client: WechatApiClient;
  let sut: WechatCodeApi;
  let componentToken: string;

  beforeAll(async () => {
    sim = await startWechatSimProcess();
  });
  afterAll(async () => {
    await client?.close();
    await sim.stop();
  });

  beforeEach(async () => {
    await sim.control('POST', '/reset');
    platform = await sim.control<Platform>('POST', '/platforms', {});
    client = new WechatApiClient({ baseUrl: sim.url, timeoutMs: 2000, maxAttempts: 3, retryDelayMs: 10 });
    sut = new WechatCodeApi(client);
    componentToken = (
      await client.componentToken({
        componentAppid: platform.appid,
        componentSecret: platform.secret,
        ticket: platform.currentTicket,
      })
    ).accessToken;
  });

  async function miniProgram(): Promise<{ appid: string; accessToken: string }> {
    const [appid] = (
      await sim.control<{ appids: string[] }>('POST', '/accounts', { count: 1, type: 'mini_program' })
    ).appids;
    const { authCode } = await sim.control<{ authCode: string }>(
      'POST',
      `/platforms/${platform.appid}/authorizations`,
      { authorizerAppid: appid, funcInfo: [17, 18] },
    );
    const auth = await client.queryAuth(componentToken, platform.appid, authCode);
    return { appid: appid!, accessToken: auth.accessToken };
  }

  async function template(): Promise<number> {
    const { draftId } = await sim.control<{ draftId: number }>(
      'POST',
      `/platforms/${platform.appid}/drafts`,
      {
        userVersion: '1.0.0',
        userDesc: 'first',
      },
    );
    const { drafts } = await sut.getTemplateDraftList(componentToken);
    expect(drafts).toEqual([expect.objectContaining({ draftId, userVersion: '1.0.0', userDesc: 'first' })]);
    await sut.addToTemplate(componentToken, { draftId });
    const { templates } = await sut.getTemplateList(componentToken, { templateType: 0 });
    const found = templates.find((t) => t.draftId === draftId);
    expect(found).toMatchObject({ templateType: 0, userVersion: '1.0.0' });
    return found!.templateId;
  }

  it('one mini program by hand: template, commit, QR, submit, approve, release, history, gray, revert', async () => {
    const templateId = await template();
    const { appid, accessToken } = await miniProgram();

    await sut.commit(accessToken, {
      templateId,
      extJson: { extEnable: true, extAppid: appid, ext: { shopId: '42' }, pages: ['pages/index/index'] },
      userVersion: 'V1.0.0',
      userDesc: 'first release',
    });
    expect(await sut.getPage(accessToken)).toEqual({ pages: ['pages/index/index'] });
    const qrcode = await sut.getQrcode(accessToken, { path: 'pages/index/index?from=qa' });
    expect(qrcode.contentType).toContain('image/jpeg');
    expect(qrcode.image.subarray(0, 2).toString('hex')).toBe('ffd8');
    const { categories } = await sut.getCategory(accessToken);
    expect(categories.length).toBeGreaterThan(0);
    expect(await sut.getVersionInfo(accessToken)).toEqual({
      expInfo: expect.objectContaining({ expVersion: 'V1.0.0', expDesc: 'first release' }),
    });
    expect(await sut.getCodePrivacyInfo(accessToken)).toEqual({ withoutAuthList: [], withoutConfList: [] });

    const quotaBefore = await sut.queryQuota(accessToken);
    const { auditId } = await sut.submitAudit(accessToken, {
      itemList: [
        {
          address: 'pages/index/index',
          title: '首页',
          firstClass: categories[0]!.firstClass,
          secondClass: categories[0]!.secondClass,
          firstId: categories[0]!.firstId,
          secondId: categories[0]!.secondId,
        },
      ],
      versionDesc: 'test account: none',
    });
    expect((await sut.queryQuota(accessToken)).rest).toBe(quotaBefore.rest - 1);
    expect(await sut.getAuditStatus(accessToken, { auditId })).toMatchObject({
      status: AuditStatus.Auditing,
      screenshots: [],
    });
    await expect(sut.submitAudit(accessToken, {})).rejects.toMatchObject({
      errcode: WechatCodeErrcode.AuditInProgress,
    });
    await expect(sut.release(accessToken)).rejects.toMatchObject({
      errcode: WechatCodeErrcode.ReleaseNotAllowed,
    });

    await sim.control('POST', `/platforms/${platform.appid}/accounts/${appid}/audit`, {
      decision: 'success',
    });
    expect(await sut.getLatestAuditStatus(accessToken)).toMatchObject({
      auditId,
      status: AuditStatus.Approved,
      userVersion: 'V1.0.0',
      userDesc: 'first release',
    });
    await sut.release(accessToken);
    await expect(sut.release(accessToken)).rejects.toMatchObject({
      errcode: WechatCodeErrcode.AlreadyReleased,
    });
    expect((await sut.getVersionInfo(accessToken)).releaseInfo).toMatchObject({ releaseVersion: 'V1.0.0' });

    // A second version, released in gray steps, then rolled back to the first.
    await sut.commit(accessToken, {
      templateId,
      extJson: { extAppid: appid, pages: ['pages/index/index'] },
      userVersion: 'V1.1.0',
      userDesc: 'second',
    });
    await sut.submitAudit(accessToken);
    await sim.control('POST', `/platforms/${platform.appid}/accounts/${appid}/audit`, {
      decision: 'success',
    });
    await sut.grayRelease(accessToken, { grayPercentage: 10, supportExperiencerFirst: true });
    expect(await sut.getGrayReleasePlan(accessToken)).toMatchObject({
      status: 1,
      grayPercentage: 10,
      supportExperiencerFirst: true,
    });
    await expect(sut.grayRelease(accessToken, { grayPercentage: 5 })).rejects.toMatchObject({
      errcode: WechatCodeErrcode.GrayPercentageNotHigher,
    });
    await sut.revertGrayRelease(accessToken);
    await sut.release(accessToken);
    const { versions } = await sut.getHistoryVersion(accessToken);
    const firstVersion = versions.find((v) => v.userVersion === 'V1.0.0');
    expect(firstVersion).toMatchObject({ appVersion: expect.any(Number), userDesc: 'first release' });
    await sut.revertCodeRelease(accessToken, { appVersion: firstVersion!.appVersion });
    expect((await sut.getVersionInfo(accessToken)).releaseInfo).toMatchObject({ releaseVersion: 'V1.0.0' });
    await sut.changeVisitStatus(accessToken, { action: 'close' });

    await sut.deleteTemplate(componentToken, { templateId });
    await expect(sut.deleteTemplate(componentToken, { templateId })).rejects.toMatchObject({
      errcode: WechatCodeErrcode.TemplateNotFound,
    });
  });

  it('rejection: reason and screenshots; undo within its limits', async () => {
    const templateId = await template();
    const { appid, accessToken } = await miniProgram();
    const commit = () =>
      sut.commit(accessToken, { templateId, extJson: { extAppid: appid }, userVersion: 'V1', userDesc: 'd' });
    await commit();
    const { auditId } = await sut.submitAudit(accessToken);
    await sim.control('POST', `/platforms/${platform.appid}/accounts/${appid}/audit`, {
      decision: 'fail',
      reason: 'icon blurry',
    });
    const rejected = await sut.getAuditStatus(accessToken, { auditId });
    expect(rejected).toEqual({
      status: AuditStatus.Rejected,
      reason: 'icon blurry',
      screenshots: expect.any(Array),
    });
    expect(rejected.screenshots.length).toBeGreaterThan(0);
    expect((await sut.getLatestAuditStatus(accessToken)).screenshots).toEqual(rejected.screenshots);

    await sut.submitAudit(accessToken, { feedbackInfo: 'icon fixed' });
    await sut.undoCodeAudit(accessToken);
    expect((await sut.getLatestAuditStatus(accessToken)).status).toBe(AuditStatus.Withdrawn);
    await expect(sut.undoCodeAudit(accessToken)).rejects.toMatchObject({
      errcode: WechatCodeErrcode.CannotRevert,
    });
  });

  it('domains and privacy: the platform list, modify_domain, effective domains, 61040 until the privacy settings cover the geo API', async () => {
    const templateId = await template();
    const { appid, accessToken } = await miniProgram();

    await expect(
      sut.modifyDomain(accessToken, { action: 'add', requestDomain: ['https://api.shop.example.com'] }),
    ).rejects.toMatchObject({ errcode: 85017 });
    expect(
      await sut.modifyWxaServerDomain(componentToken, {
        action: 'add',
        wxaServerDomain: ['api.shop.example.com', '10.0.0.1'],
      }),
    ).toEqual({
      publishedWxaServerDomain: [],
      testingWxaServerDomain: ['api.shop.example.com'],
      invalidWxaServerDomain: ['10.0.0.1'],
    });
    expect(
      await sut.modifyWxaJumpDomain(componentToken, {
        action: 'set',
        wxaJumpH5Domain: ['h5.shop.example.com'],
      }),
    ).toMatchObject({ testingWxaJumpH5Domain: ['h5.shop.example.com'] });
    const modified = await sut.modifyDomain(accessToken, {
      action: 'add',
      requestDomain: ['https://api.shop.example.com'],
    });
    expect(modified).toMatchObject({ requestDomain: ['https://api.shop.example.com'], invalid: {} });
    await sut.modifyDomainDirectly(accessToken, {
      action: 'add',
      downloadDomain: ['https://cdn.example.com'],
    });
    const effective = await sut.getEffectiveDomain(accessToken);
    expect(effective.thirdDomain.requestDomain).toEqual(['https://api.shop.example.com']);
    expect(effective.directDomain.downloadDomain).toEqual(['https://cdn.example.com']);
    expect(effective.effectiveDomain).toMatchObject({
      requestDomain: ['https://api.shop.example.com'],
      downloadDomain: ['https://cdn.example.com'],
    });
    expect(
      await sut.setWebviewDomain(accessToken, {
        action: 'set',
        webviewDomain: ['https://h5.shop.example.com'],
      }),
    ).toEqual({ webviewDomain: ['https://h5.shop.example.com'] });

    await sut.commit(accessToken, {
      templateId,
      extJson: { extAppid: appid, requiredPrivateInfos: ['getLocation'] },
      userVersion: 'V1',
      userDesc: 'd',
    });
    expect((await sut.getCodePrivacyInfo(accessToken)).withoutConfList).toEqual(['getLocation']);
    await expect(sut.submitAudit(accessToken)).rejects.toMatchObject({
      errcode: WechatCodeErrcode.PrivacyApiUndeclared,
    });
    await sut.setPrivacySetting(accessToken, {
      ownerSetting: { contactEmail: 'ops@example.com', noticeMethod: '弹窗', storeExpireTimestamp: '30天' },
      settingList: [{ privacyKey: 'Location', privacyText: '附近门店' }],
    });
    const privacy = await sut.getPrivacySetting(accessToken);
    expect(privacy).toMatchObject({
      codeExist: true,
      privacyList: ['Location'],
      settingList: [expect.objectContaining({ privacyKey: 'Location', privacyText: '附近门店' })],
      ownerSetting: { contactEmail: 'ops@example.com', noticeMethod: '弹窗', storeExpireTimestamp: '30天' },
    });
    expect(await sut.getCodePrivacyInfo(accessToken)).toEqual({ withoutAuthList: [], withoutConfList: [] });
    expect((await sut.submitAudit(accessToken)).auditId).toEqual(expect.any(Number));
  });

  it('a superseded authorizer token is reported once through withAuthorizerToken and the call made again', async () => {
    await template();
    const { appid, accessToken } = await miniProgram();
    // A token that was never issued answers 40001 (as a superseded one past its grace would).
    let current = 'not-a-token-wechat-issued';
    const invalidations: string[] = [];
    const source: AuthorizerTokenSource = {
      get: async () => current,
      invalidate: async (_component, _authorizer, rejected) => {
        invalidations.push(rejected);
        current = accessToken;
        return current;
      },
    };

    const quota = await withAuthorizerToken(
      source,
      { componentAppid: platform.appid, authorizerAppid: appid },
      (token) => sut.queryQuota(token),
    );

    expect(quota.limit).toBeGreaterThan(0);
    expect(invalidations).toEqual(['not-a-token-wechat-issued']);
    expect(await totalCalls(sim, 'wxa/queryquota')).toBe(2);
  });
});
