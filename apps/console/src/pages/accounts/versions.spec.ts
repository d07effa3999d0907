import { describe, expect, it } from 'vitest';

import type {
  SchemaAuditVersionDto,
  SchemaGrayPlanDto,
  SchemaMiniProgramVersionsDto,
} from '../../api/schema';
import {
  availableActions,
  commitBody,
  currentStep,
  extJsonError,
  grayBody,
  grayError,
  grayState,
  minGrayPercentage,
  revertBody,
  submitBody,
} from './versions';

const TRIAL = { userVersion: '1.1.0', userDesc: 'new', committedAt: '2025-01-02T00:00:00Z' };
const ONLINE = { userVersion: '1.0.0', userDesc: 'old', releasedAt: '2025-01-01T00:00:00Z' };
function audit(
  statusName: SchemaAuditVersionDto['statusName'],
  userVersion = '1.1.0',
): SchemaAuditVersionDto {
  const status = { approved: 0, rejected: 1, auditing: 2, withdrawn: 3, delayed: 4, unknown: 9 }[statusName];
  return {
    auditId: 1,
    status,
    statusName,
    reason: null,
    screenshots: [],
    userVersion,
    userDesc: null,
    submittedAt: null,
  };
}
function gray(status: number, grayPercentage = 10): SchemaGrayPlanDto {
  return {
    status,
    grayPercentage,
    supportExperiencerFirst: false,
    supportDebugerFirst: false,
    createdAt: null,
  };
}
function versions(over: Partial<SchemaMiniProgramVersionsDto>): SchemaMiniProgramVersionsDto {
  return {
    componentAppid: 'wxc',
    authorizerAppid: 'wxa',
    trial: null,
    audit: null,
    online: null,
    history: [],
    grayPlan: null,
    ...over,
  };
}

describe('availableActions', () => {
  it('offers only commit to a mini program with no version', () => {
    const actions = availableActions(versions({}), null);
    expect(
      Object.entries(actions)
        .filter(([, on]) => on)
        .map(([name]) => name),
    ).toEqual(['commit']);
  });

  it('offers submit once a trial version exists and no audit is in flight', () => {
    expect(availableActions(versions({ trial: TRIAL }), null).submit).toBe(true);
    expect(availableActions(versions({ trial: TRIAL, audit: audit('rejected') }), null).submit).toBe(true);
    expect(availableActions(versions({ trial: TRIAL, audit: audit('auditing') }), null).submit).toBe(false);
  });

  it('offers undo and speed-up while auditing, undo only while delayed', () => {
    const auditing = availableActions(versions({ trial: TRIAL, audit: audit('auditing') }), null);
    expect([auditing.undo, auditing.speedup, auditing.release]).toEqual([true, true, false]);
    const delayed = availableActions(versions({ trial: TRIAL, audit: audit('delayed') }), null);
    expect([delayed.undo, delayed.speedup]).toEqual([true, false]);
  });

  it('offers release and gray release once approved, gray revert while a gray plan runs', () => {
    const approved = availableActions(versions({ audit: audit('approved') }), null);
    expect([approved.release, approved.gray, approved.grayRevert]).toEqual([true, true, false]);
    const running = availableActions(versions({ online: ONLINE, grayPlan: gray(1) }), 0);
    expect([running.gray, running.grayRevert]).toEqual([true, true]);
    const finished = availableActions(versions({ online: ONLINE, grayPlan: gray(3, 100) }), 0);
    expect([finished.gray, finished.grayRevert]).toEqual([false, false]);
  });

  it('offers revert and the visit switch only with an online version', () => {
    expect(availableActions(versions({}), 0)).toMatchObject({
      revert: false,
      visitClose: false,
      visitOpen: false,
    });
    expect(availableActions(versions({ online: ONLINE }), 0)).toMatchObject({
      revert: true,
      visitClose: true,
      visitOpen: false,
    });
    expect(availableActions(versions({ online: ONLINE }), 1)).toMatchObject({
      visitClose: false,
      visitOpen: true,
    });
    expect(availableActions(versions({ online: ONLINE }), null)).toMatchObject({
      visitClose: false,
      visitOpen: false,
    });
  });
});

describe('currentStep', () => {
  it('follows the version from trial to online', () => {
    expect(currentStep(versions({}))).toEqual({ step: 0, status: 'wait' });
    expect(currentStep(versions({ trial: TRIAL }))).toEqual({ step: 0, status: 'process' });
    expect(currentStep(versions({ trial: TRIAL, audit: audit('auditing') }))).toEqual({
      step: 1,
      status: 'process',
    });
    expect(currentStep(versions({ trial: TRIAL, audit: audit('rejected') }))).toEqual({
      step: 1,
      status: 'error',
    });
    expect(currentStep(versions({ audit: audit('approved'), online: ONLINE }))).toEqual({
      step: 1,
      status: 'finish',
    });
    expect(currentStep(versions({ audit: audit('approved', '1.0.0'), online: ONLINE }))).toEqual({
      step: 2,
      status: 'finish',
    });
  });
});

describe('grayState', () => {
  it('names the plan status', () => {
    expect(grayState(null)).toBeUndefined();
    expect(grayState(gray(2))).toBe('paused');
    expect(grayState(gray(7))).toBe('unknown');
  });
});

describe('commitBody', () => {
  it('parses ext.json and trims the texts', () => {
    expect(
      commitBody({
        templateId: 7,
        extJson: '{"extAppid":"wxa","ext":{"shopId":"42"}}',
        userVersion: ' 1.2.0 ',
        userDesc: ' x ',
      }),
    ).toEqual({
      templateId: 7,
      extJson: { extAppid: 'wxa', ext: { shopId: '42' } },
      userVersion: '1.2.0',
      userDesc: 'x',
    });
  });

  it('sends {} for a blank ext.json and refuses a missing template', () => {
    expect(commitBody({ templateId: 0, extJson: '  ', userVersion: '1' }).extJson).toEqual({});
    expect(() => commitBody({ extJson: '{}', userVersion: '1' })).toThrow();
  });
});

describe('extJsonError', () => {
  it('accepts objects only', () => {
    expect(extJsonError('{"a":1}')).toBeUndefined();
    expect(extJsonError('')).toBeUndefined();
    expect(extJsonError('{a:1}')).toBe('extJsonInvalid');
    expect(extJsonError('[1]')).toBe('extJsonNotObject');
    expect(extJsonError('null')).toBe('extJsonNotObject');
  });
});

describe('submitBody', () => {
  it('sends no item list when none is filled (the API picks one)', () => {
    expect(submitBody({ items: [{ address: '  ' }], versionDesc: '' })).toEqual({});
  });

  it('keeps filled items and fields, without blanks', () => {
    expect(
      submitBody({
        items: [{ address: 'pages/index/index', tag: ' shop ', title: '' }, { address: '' }],
        versionDesc: 'test account: a/b',
        feedbackInfo: ' ',
        privacyApiNotUse: true,
        orderPath: 'pages/order/list',
      }),
    ).toEqual({
      itemList: [{ address: 'pages/index/index', tag: 'shop' }],
      versionDesc: 'test account: a/b',
      privacyApiNotUse: true,
      orderPath: 'pages/order/list',
    });
  });

  it('sends at most five items', () => {
    const items = Array.from({ length: 7 }, (_, i) => ({ address: `pages/p${i}` }));
    expect(submitBody({ items }).itemList).toHaveLength(5);
  });
});

describe('gray release', () => {
  it('must go higher than the running step', () => {
    expect(minGrayPercentage(null)).toBe(1);
    expect(minGrayPercentage(gray(1, 20))).toBe(21);
    expect(grayError({ grayPercentage: 20 }, gray(1, 20))).toBe('grayHigher');
    expect(grayError({ grayPercentage: 30 }, gray(1, 20))).toBeUndefined();
    expect(grayError({ grayPercentage: 20 }, gray(3, 50))).toBeUndefined();
  });

  it('takes 0 only with a first flag, and integers 0–100 only', () => {
    expect(grayError({ grayPercentage: 0 }, null)).toBe('grayZero');
    expect(grayError({ grayPercentage: 0, supportDebugerFirst: true }, null)).toBeUndefined();
    expect(grayError({ grayPercentage: 101 }, null)).toBe('grayRange');
    expect(grayError({ grayPercentage: 2.5 }, null)).toBe('grayRange');
    expect(grayError({}, null)).toBe('grayRange');
  });

  it('sends the flags only when set', () => {
    expect(grayBody({ grayPercentage: 10, supportExperiencerFirst: false })).toEqual({ grayPercentage: 10 });
    expect(grayBody({ grayPercentage: 0, supportExperiencerFirst: true })).toEqual({
      grayPercentage: 0,
      supportExperiencerFirst: true,
    });
  });
});

describe('revertBody', () => {
  it('omits the version to go back to the previous one', () => {
    expect(revertBody(undefined)).toEqual({});
    expect(revertBody(null)).toEqual({});
    expect(revertBody(12)).toEqual({ appVersion: 12 });
  });
});
