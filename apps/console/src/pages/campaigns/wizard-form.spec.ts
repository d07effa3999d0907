import { describe, expect, it } from 'vitest';

import {
  WIZARD_DEFAULTS,
  WizardInputError,
  chosenTargetCount,
  grayPlanProblem,
  percentToRate,
  splitBizRefs,
  toCreateCampaignDto,
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
});
