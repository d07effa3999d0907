import { describe, expect, it } from 'vitest';

import {
  WIZARD_DEFAULTS,
  WizardInputError,
  auditItemsProblem,
  chosenTargetCount,
  grayPlanProblem,
  normalizeUgcScene,
  percentToRate,
  privacyContactProblem,
  privacySettingsProblem,
  sectionOf,
  splitBizRefs,
  toCreateCampaignDto,
  ugcSceneProblem,
  type WizardValues,
} from './wizard-form';

const base: WizardValues = {
  ...WIZARD_DEFAULTS,
  templateId: 7,
  userVersion: ' 1.2.0 ',
  userDesc: 'spring',
  authorizerAppids: ['wx1', 'wx2', 'wx1'],
  extJsonText: '{"ext":{"name":"{{nickName}}"}}',
};

describe('toCreateCampaignDto', () => {
  it('with the defaults sends the template, explicit targets, ext.json and code-release’s defaults only', () => {
    expect(toCreateCampaignDto(base, 'wxcomponent')).toEqual({
      componentAppid: 'wxcomponent',
      templateId: 7,
      userVersion: '1.2.0',
      userDesc: 'spring',
      targets: [{ authorizerAppid: 'wx1' }, { authorizerAppid: 'wx2' }],
      extJson: { ext: { name: '{{nickName}}' } },
      releaseMode: 'on_approval',
      concurrency: 20,
      quotaReserve: 0,
      pollAfterSeconds: 600,
    });
  });

  it('sends a bizRefs filter or a prefix filter instead of targets', () => {
    const byList = toCreateCampaignDto(
      { ...base, targetMode: 'filter', filterKind: 'bizRefs', bizRefsText: 'shop-1\nshop-2, shop-1\n\n' },
      'c',
    );
    expect(byList.targets).toBeUndefined();
    expect(byList.targetFilter).toEqual({ authorizerType: 'mini_program', bizRefs: ['shop-1', 'shop-2'] });
    const byPrefix = toCreateCampaignDto({ ...base, targetMode: 'filter', bizRefPrefix: ' shop- ' }, 'c');
    expect(byPrefix.targetFilter).toEqual({ authorizerType: 'mini_program', bizRefPrefix: 'shop-' });
  });

  it('refuses a form without targets, template or valid JSON', () => {
    expect(() => toCreateCampaignDto({ ...base, authorizerAppids: [] }, 'c')).toThrow(WizardInputError);
    expect(() => toCreateCampaignDto({ ...base, templateId: undefined }, 'c')).toThrow(/template/);
    expect(() => toCreateCampaignDto({ ...base, extJsonText: '[1]' }, 'c')).toThrow(WizardInputError);
    expect(() => toCreateCampaignDto({ ...base, valuesText: '{"wx1":{"a":1}}' }, 'c')).toThrow(
      /not a string/,
    );
    expect(() => toCreateCampaignDto({ ...base, targetMode: 'filter', bizRefPrefix: '  ' }, 'c')).toThrow(
      WizardInputError,
    );
  });

  it('sends per-target values, submit fields and preflight only when given', () => {
    const dto = toCreateCampaignDto(
      {
        ...base,
        valuesText: '{"wx1":{"shopId":"42"}}',
        versionDesc: '  new menu ',
        privacyApiNotUse: true,
        profileCheck: true,
        serverDomainsEnabled: true,
        requestDomain: ['https://api.example.com'],
        serverDomainsAddToPlatform: true,
        webviewDomainsEnabled: true,
        webviewDomains: ['https://shop.example.com'],
        webviewDomainsAction: 'set',
      },
      'c',
    );
    expect(dto.values).toEqual({ wx1: { shopId: '42' } });
    expect(dto.submit).toEqual({ versionDesc: 'new menu', privacyApiNotUse: true });
    expect(dto.preflight).toEqual({
      profileCheck: true,
      serverDomains: { requestDomain: ['https://api.example.com'], action: 'add', addToPlatform: true },
      webviewDomains: { domains: ['https://shop.example.com'], action: 'set' },
    });
  });

  it('sends the gray plan only in gray mode, waits of null meaning "wait for gray/advance"', () => {
    const dto = toCreateCampaignDto(
      {
        ...base,
        releaseMode: 'gray',
        graySteps: [
          { percentage: 0 },
          { percentage: 30, waitSeconds: 600 },
          { percentage: 100, waitSeconds: null },
        ],
        grayExperiencerFirst: true,
      },
      'c',
    );
    expect(dto.gray).toEqual({
      steps: [
        { percentage: 0, waitSeconds: null },
        { percentage: 30, waitSeconds: 600 },
        { percentage: 100, waitSeconds: null },
      ],
      experiencerFirst: true,
    });
    expect(toCreateCampaignDto({ ...base, releaseMode: 'manual' }, 'c').gray).toBeUndefined();
  });

  it('converts rejection percentages to rates and sends canary, auto-pause, speedup and window when on', () => {
    const dto = toCreateCampaignDto(
      {
        ...base,
        canaryEnabled: true,
        canarySize: 5,
        canaryMaxRejectionPercent: 12.5,
        autoPauseEnabled: true,
        autoPauseMaxRejectionPercent: null,
        autoPauseMinResults: 20,
        speedupEnabled: true,
        speedupAfterSeconds: 7200,
        releaseWindowEnabled: true,
        releaseWindowStartHour: 1,
        releaseWindowEndHour: 6,
        concurrency: 50,
        quotaReserve: 5,
      },
      'c',
    );
    expect(dto.canary).toEqual({ size: 5, maxRejectionRate: 0.125 });
    expect(dto.autoPause).toEqual({ minResults: 20 });
    expect(dto.speedup).toEqual({ afterSeconds: 7200 });
    expect(dto.releaseWindow).toEqual({ startHour: 1, endHour: 6, utcOffsetMinutes: 480 });
    expect(dto.concurrency).toBe(50);
    expect(dto.quotaReserve).toBe(5);
  });
});

/** The WizardInputError `toCreateCampaignDto` throws for these values (fails when it throws none). */
function inputError(values: WizardValues): WizardInputError {
  try {
    toCreateCampaignDto(values, 'c');
  } catch (error) {
    if (error instanceof WizardInputError) return error;
    throw error;
  }
  throw new Error('expected a WizardInputError');
}

const privacyOn: WizardValues = {
  ...base,
  privacyEnabled: true,
  privacyContactEmail: ' privacy@example.com ',
  privacyNoticeMethod: '弹窗',
  privacySettings: [{ privacyKey: 'UserInfo', privacyText: '登录' }],
};

describe('toCreateCampaignDto: audit items (submit.itemList)', () => {
  it('sends the filled fields of each item, trimmed, ids as numbers, blank fields and cleared ids left out', () => {
    const dto = toCreateCampaignDto(
      {
        ...base,
        auditItems: [
          {
            address: ' pages/index/index ',
            tag: '工具 效率',
            title: '首页',
            firstClass: '工具',
            firstId: 287,
            secondClass: '效率',
            secondId: 612,
            thirdClass: '  ',
            thirdId: null,
          },
          { address: 'pages/shop/list', firstId: 0 },
        ],
      },
      'c',
    );
    expect(dto.submit).toEqual({
      itemList: [
        {
          address: 'pages/index/index',
          tag: '工具 效率',
          title: '首页',
          firstClass: '工具',
          firstId: 287,
          secondClass: '效率',
          secondId: 612,
        },
        { address: 'pages/shop/list', firstId: 0 },
      ],
    });
  });

  it('sends no itemList (each target’s own category and page) without items', () => {
    expect(toCreateCampaignDto({ ...base, auditItems: [] }, 'c').submit).toBeUndefined();
    expect(toCreateCampaignDto({ ...base, versionDesc: 'x', auditItems: [] }, 'c').submit).toEqual({
      versionDesc: 'x',
    });
  });

  it('refuses an item without a page path, more than 5 items, text over 256 and ids that are not whole', () => {
    const noAddress = inputError({
      ...base,
      auditItems: [{ address: 'pages/a' }, { address: '  ', title: 't' }],
    });
    expect(noAddress.field).toBe('auditItems');
    expect(noAddress.problem).toEqual({ key: 'auditItemAddress' });
    const six = Array.from({ length: 6 }, (_, i) => ({ address: `pages/p${i}` }));
    expect(inputError({ ...base, auditItems: six }).problem).toEqual({ key: 'auditItemsTooMany' });
    expect(toCreateCampaignDto({ ...base, auditItems: six.slice(0, 5) }, 'c').submit?.itemList).toHaveLength(
      5,
    );
    expect(
      inputError({ ...base, auditItems: [{ address: 'pages/a', title: 'x'.repeat(257) }] }).problem,
    ).toEqual({ key: 'tooLong', max: 256 });
    expect(
      toCreateCampaignDto({ ...base, auditItems: [{ address: 'pages/a', title: 'x'.repeat(256) }] }, 'c')
        .submit?.itemList?.[0]?.title,
    ).toHaveLength(256);
    expect(inputError({ ...base, auditItems: [{ address: 'pages/a', firstId: -1 }] }).field).toBe(
      'auditItems',
    );
    expect(inputError({ ...base, auditItems: [{ address: 'pages/a', secondId: 1.5 }] }).field).toBe(
      'auditItems',
    );
  });
});

describe('toCreateCampaignDto: UGC declaration (submit.ugcDeclare)', () => {
  const ugc: WizardValues = {
    ...base,
    ugcDeclareEnabled: true,
    ugcScene: [4, 2, 5],
    ugcOtherSceneDesc: ' 直播弹幕 ',
    ugcMethod: [3, 1],
    ugcHasAuditTeam: true,
    ugcAuditDesc: ' 先审后发 ',
  };

  it('sends nothing while switched off, whatever the fields hold', () => {
    expect(toCreateCampaignDto({ ...ugc, ugcDeclareEnabled: false }, 'c').submit).toBeUndefined();
  });

  it('sends the scenes sorted, the other scene’s text with scene 5, the methods, a team as 1 and the text', () => {
    expect(toCreateCampaignDto(ugc, 'c').submit).toEqual({
      ugcDeclare: {
        scene: [2, 4, 5],
        otherSceneDesc: '直播弹幕',
        method: [1, 3],
        hasAuditTeam: 1,
        auditDesc: '先审后发',
      },
    });
  });

  it('leaves out the other scene’s text without scene 5, and what was not filled', () => {
    expect(
      toCreateCampaignDto(
        { ...ugc, ugcScene: [1], ugcMethod: [], ugcHasAuditTeam: false, ugcAuditDesc: ' ' },
        'c',
      ).submit,
    ).toEqual({ ugcDeclare: { scene: [1] } });
  });

  it('sends scene 0 ("no user-generated content") alone, without the other fields', () => {
    expect(toCreateCampaignDto({ ...ugc, ugcScene: [0] }, 'c').submit).toEqual({
      ugcDeclare: { scene: [0] },
    });
  });

  it('refuses no scene, 0 with another scene, and text over 256', () => {
    expect(inputError({ ...ugc, ugcScene: [] })).toMatchObject({
      field: 'ugcScene',
      problem: { key: 'ugcSceneEmpty' },
    });
    expect(inputError({ ...ugc, ugcScene: [0, 2] }).problem).toEqual({ key: 'ugcSceneNoneWithOthers' });
    expect(inputError({ ...ugc, ugcAuditDesc: 'x'.repeat(257) })).toMatchObject({
      field: 'ugcAuditDesc',
      problem: { key: 'tooLong', max: 256 },
    });
  });
});

describe('toCreateCampaignDto: privacy guide (preflight.privacy)', () => {
  it('sends nothing while switched off', () => {
    expect(toCreateCampaignDto({ ...privacyOn, privacyEnabled: false }, 'c').preflight).toBeUndefined();
  });

  it('sends the version, the filled owner fields (days as "<n>天") and the settings, trimmed', () => {
    const dto = toCreateCampaignDto(
      {
        ...privacyOn,
        privacyVer: 1,
        privacyContactPhone: ' ',
        privacyContactWeixin: 'wxid_owner',
        privacyStoreExpireDays: 30,
        privacyExtFileMediaId: ' media-1 ',
        privacySettings: [
          { privacyKey: ' UserInfo ', privacyText: ' 登录 ' },
          { privacyKey: 'Location', privacyText: '附近门店' },
        ],
      },
      'c',
    );
    expect(dto.preflight).toEqual({
      profileCheck: false,
      privacy: {
        privacyVer: 1,
        ownerSetting: {
          contactEmail: 'privacy@example.com',
          contactWeixin: 'wxid_owner',
          noticeMethod: '弹窗',
          storeExpireTimestamp: '30天',
          extFileMediaId: 'media-1',
        },
        settingList: [
          { privacyKey: 'UserInfo', privacyText: '登录' },
          { privacyKey: 'Location', privacyText: '附近门店' },
        ],
      },
    });
  });

  it('sends the development version (2) by default and no storage period when it is empty', () => {
    const privacy = toCreateCampaignDto(privacyOn, 'c').preflight?.privacy;
    expect(privacy?.privacyVer).toBe(2);
    expect(privacy?.ownerSetting).toEqual({ contactEmail: 'privacy@example.com', noticeMethod: '弹窗' });
  });

  it('keeps the other preflight settings beside it', () => {
    const dto = toCreateCampaignDto(
      {
        ...privacyOn,
        profileCheck: true,
        webviewDomainsEnabled: true,
        webviewDomains: ['https://a.example.com'],
      },
      'c',
    );
    expect(Object.keys(dto.preflight ?? {}).sort()).toEqual(['privacy', 'profileCheck', 'webviewDomains']);
  });

  it('refuses no contact, no notice method, an empty or oversized list, an incomplete item and long text', () => {
    expect(inputError({ ...privacyOn, privacyContactEmail: '  ' })).toMatchObject({
      field: 'privacyContactEmail',
      problem: { key: 'privacyContact' },
    });
    expect(inputError({ ...privacyOn, privacyNoticeMethod: ' ' })).toMatchObject({
      field: 'privacyNoticeMethod',
      problem: { key: 'privacyNoticeMethod' },
    });
    expect(inputError({ ...privacyOn, privacySettings: [] }).problem).toEqual({
      key: 'privacySettingsEmpty',
    });
    const many = Array.from({ length: 101 }, () => ({ privacyKey: 'UserInfo', privacyText: '登录' }));
    expect(inputError({ ...privacyOn, privacySettings: many }).problem).toEqual({
      key: 'privacySettingsTooMany',
    });
    expect(
      inputError({ ...privacyOn, privacySettings: [{ privacyKey: 'UserInfo', privacyText: ' ' }] }),
    ).toMatchObject({ field: 'privacySettings', problem: { key: 'privacySetting' } });
    expect(
      inputError({ ...privacyOn, privacySettings: [{ privacyKey: 'K'.repeat(65), privacyText: 't' }] })
        .problem,
    ).toEqual({ key: 'tooLong', max: 64 });
    expect(inputError({ ...privacyOn, privacyNoticeMethod: 'x'.repeat(257) }).problem).toEqual({
      key: 'tooLong',
      max: 256,
    });
    expect(inputError({ ...privacyOn, privacyStoreExpireDays: 1.5 }).problem).toEqual({
      key: 'privacyStoreExpire',
    });
  });
});

describe('helpers', () => {
  it('splitBizRefs trims, splits on lines and commas, dedupes', () => {
    expect(splitBizRefs(' a \nb,c，a\n')).toEqual(['a', 'b', 'c']);
    expect(splitBizRefs('')).toEqual([]);
  });

  it('percentToRate clamps to 0–1', () => {
    expect(percentToRate(20)).toBe(0.2);
    expect(percentToRate(150)).toBe(1);
    expect(percentToRate(-5)).toBe(0);
  });

  it('grayPlanProblem follows code-release’s rules', () => {
    expect(grayPlanProblem([{ percentage: 10 }, { percentage: 100 }], false)).toBeUndefined();
    expect(grayPlanProblem([], false)).toBe('empty');
    expect(grayPlanProblem([{ percentage: 50 }, { percentage: 50 }], false)).toBe('notRising');
    expect(grayPlanProblem([{ percentage: 0 }, { percentage: 50 }], false)).toBe('zero');
    expect(grayPlanProblem([{ percentage: 0 }, { percentage: 50 }], true)).toBeUndefined();
    expect(grayPlanProblem([{ percentage: 10.5 }], false)).toBe('range');
  });

  it('chosenTargetCount counts explicit appids exactly, bizRefs as an upper bound, a prefix not at all', () => {
    expect(chosenTargetCount({ ...base })).toEqual({ count: 2, exact: true });
    expect(
      chosenTargetCount({ ...base, targetMode: 'filter', filterKind: 'bizRefs', bizRefsText: 'a\nb' }),
    ).toEqual({
      count: 2,
      exact: false,
    });
    expect(chosenTargetCount({ ...base, targetMode: 'filter', filterKind: 'bizRefPrefix' })).toBeUndefined();
  });

  it("chosenTargetCount takes a prefix's count from admin-api, as of now, and never for explicit targets or bizRefs", () => {
    const prefix = { ...base, targetMode: 'filter', filterKind: 'bizRefPrefix' } as const;
    expect(chosenTargetCount(prefix, 7)).toEqual({ count: 7, exact: true, now: true });
    expect(chosenTargetCount(prefix, 0)).toEqual({ count: 0, exact: true, now: true });
    expect(chosenTargetCount({ ...base }, 7)).toEqual({ count: 2, exact: true });
    expect(chosenTargetCount({ ...prefix, filterKind: 'bizRefs', bizRefsText: 'a' }, 7)).toEqual({
      count: 1,
      exact: false,
    });
  });

  it('auditItemsProblem allows 0 to 5 items', () => {
    expect(auditItemsProblem([])).toBeUndefined();
    expect(auditItemsProblem(Array.from({ length: 5 }, () => ({})))).toBeUndefined();
    expect(auditItemsProblem(Array.from({ length: 6 }, () => ({})))).toBe('auditItemsTooMany');
  });

  it('ugcSceneProblem wants a scene, and 0 alone', () => {
    expect(ugcSceneProblem([0])).toBeUndefined();
    expect(ugcSceneProblem([1, 5])).toBeUndefined();
    expect(ugcSceneProblem([])).toBe('ugcSceneEmpty');
    expect(ugcSceneProblem([0, 3])).toBe('ugcSceneNoneWithOthers');
  });

  it('normalizeUgcScene: ticking 0 clears the others, ticking another clears 0', () => {
    expect(normalizeUgcScene([1, 2, 0], [1, 2])).toEqual([0]);
    expect(normalizeUgcScene([0, 3], [0])).toEqual([3]);
    expect(normalizeUgcScene([2, 3], [2])).toEqual([2, 3]);
    expect(normalizeUgcScene([0], [])).toEqual([0]);
    expect(normalizeUgcScene(undefined, [0])).toEqual([]);
  });

  it('privacyContactProblem wants one non-blank contact of the four', () => {
    expect(privacyContactProblem({})).toBe('privacyContact');
    expect(privacyContactProblem({ privacyContactEmail: ' ', privacyContactQq: '' })).toBe('privacyContact');
    expect(privacyContactProblem({ privacyContactQq: '10001' })).toBeUndefined();
    expect(privacyContactProblem({ privacyContactWeixin: 'wxid' })).toBeUndefined();
  });

  it('privacySettingsProblem wants 1 to 100 settings', () => {
    expect(privacySettingsProblem([])).toBe('privacySettingsEmpty');
    expect(privacySettingsProblem([{}])).toBeUndefined();
    expect(privacySettingsProblem(Array.from({ length: 100 }, () => ({})))).toBeUndefined();
    expect(privacySettingsProblem(Array.from({ length: 101 }, () => ({})))).toBe('privacySettingsTooMany');
  });

  it('sectionOf finds the folded section of a field (privacyApiNotUse is not in one)', () => {
    expect(sectionOf('auditItems')).toBe('itemList');
    expect(sectionOf('ugcScene')).toBe('ugc');
    expect(sectionOf('privacyContactEmail')).toBe('privacy');
    expect(sectionOf('privacySettings')).toBe('privacy');
    expect(sectionOf('privacyApiNotUse')).toBeUndefined();
    expect(sectionOf('versionDesc')).toBeUndefined();
    expect(sectionOf(0)).toBeUndefined();
  });
});
