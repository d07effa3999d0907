import { describe, expect, it } from 'vitest';

import {
  missingVariables,
  parseJsonObject,
  parseTargetValues,
  renderExtJson,
  targetsMissing,
  templateVariables,
} from './ext-json-preview';

const template = {
  extAppid: 'wx_placeholder',
  ext: { shopId: '{{shopId}}', name: '{{ nickName }}', ref: 'biz-{{bizRef}}' },
  window: { navigationBarTitleText: '{{nickName}}' },
  pages: ['pages/index/index'],
  networkTimeout: { request: 10000 },
};

describe('templateVariables', () => {
  it('lists every placeholder once, sorted, from keys and values', () => {
    expect(templateVariables(template)).toEqual(['bizRef', 'nickName', 'shopId']);
    expect(templateVariables({ '{{key}}': ['{{values.city}}'] })).toEqual(['key', 'values.city']);
    expect(templateVariables({ a: 'plain', b: 1, c: null })).toEqual([]);
  });
});

describe('renderExtJson', () => {
  it('substitutes the target variables, sets extAppid to the target and extEnable by default', () => {
    const rendered = renderExtJson(template, {
      authorizerAppid: 'wx0000000000000001',
      bizRef: 'shop-42',
      nickName: '小店 "A"',
      values: { shopId: '42' },
    });
    expect(rendered.ok).toBe(true);
    if (!rendered.ok) return;
    expect(rendered.extJson['extAppid']).toBe('wx0000000000000001');
    expect(rendered.extJson['extEnable']).toBe(true);
    expect(rendered.extJson['ext']).toEqual({ shopId: '42', name: '小店 "A"', ref: 'biz-shop-42' });
    expect(rendered.extJson['window']).toEqual({ navigationBarTitleText: '小店 "A"' });
    expect(rendered.extJson['networkTimeout']).toEqual({ request: 10000 });
  });

  it('keeps an explicit extEnable and substitutes keys', () => {
    const rendered = renderExtJson(
      { extEnable: false, ext: { '{{bizRef}}': '{{authorizerAppid}}' } },
      { authorizerAppid: 'wx1', bizRef: 'r1', nickName: null },
    );
    expect(rendered).toEqual({
      ok: true,
      extJson: { extEnable: false, extAppid: 'wx1', ext: { r1: 'wx1' } },
    });
  });

  it('names every variable without a value instead of rendering', () => {
    expect(renderExtJson(template, { authorizerAppid: 'wx1', bizRef: null, nickName: 'n' })).toEqual({
      ok: false,
      missing: ['bizRef', 'shopId'],
    });
  });

  it("lets the operator's value stand in for a missing bizRef/nickName, never over the target's own", () => {
    const target = {
      authorizerAppid: 'wx1',
      bizRef: null,
      nickName: '真名',
      values: { nickName: '别名', bizRef: 'r9' },
    };
    expect(renderExtJson({ a: '{{nickName}}', b: '{{bizRef}}' }, target)).toMatchObject({
      ok: true,
      extJson: { a: '真名', b: 'r9' },
    });
  });

  it('reads {{values.name}} and {{name}} from the same values; an empty string is a value', () => {
    const target = {
      authorizerAppid: 'wx1',
      bizRef: null,
      nickName: null,
      values: { city: '深圳', shop: '' },
    };
    expect(renderExtJson({ a: '{{values.city}}/{{city}}', b: '{{shop}}' }, target)).toMatchObject({
      ok: true,
      extJson: { a: '深圳/深圳', b: '' },
    });
    expect(missingVariables({ a: '{{shop}}' }, target)).toEqual([]);
  });

  it('keeps a value that looks like JSON inside its string', () => {
    const rendered = renderExtJson(
      { ext: { a: '{{x}}' } },
      { authorizerAppid: 'wx1', bizRef: null, nickName: null, values: { x: '"},{"evil":1' } },
    );
    expect(rendered).toMatchObject({ ok: true, extJson: { ext: { a: '"},{"evil":1' } } });
  });
});

describe('parseJsonObject', () => {
  it('accepts an object only', () => {
    expect(parseJsonObject('{"a":1}')).toEqual({ ok: true, value: { a: 1 } });
    expect(parseJsonObject('[1]').ok).toBe(false);
    expect(parseJsonObject('null').ok).toBe(false);
    expect(parseJsonObject('{a:1}').ok).toBe(false);
  });
});

describe('parseTargetValues', () => {
  it('is empty for empty text and maps appids to string values', () => {
    expect(parseTargetValues('  ')).toEqual({ ok: true, value: {} });
    expect(parseTargetValues('{"wx1":{"shopId":"42"}}')).toEqual({
      ok: true,
      value: { wx1: { shopId: '42' } },
    });
  });

  it('refuses non-string values and non-object entries', () => {
    expect(parseTargetValues('{"wx1":{"shopId":42}}')).toEqual({
      ok: false,
      error: 'wx1.shopId: not a string',
    });
    expect(parseTargetValues('{"wx1":"42"}').ok).toBe(false);
  });
});

describe('targetsMissing', () => {
  it('names, per variable, the targets without a value', () => {
    const targets = [
      { authorizerAppid: 'wx1', bizRef: 'r1', nickName: 'a' },
      { authorizerAppid: 'wx2', bizRef: null, nickName: 'b' },
      { authorizerAppid: 'wx3', bizRef: null, nickName: null, values: { bizRef: 'r3' } },
    ];
    expect(targetsMissing({ a: '{{bizRef}}', b: '{{nickName}}', c: '{{authorizerAppid}}' }, targets)).toEqual(
      [
        { name: 'bizRef', appids: ['wx2'] },
        { name: 'nickName', appids: ['wx3'] },
      ],
    );
    expect(targetsMissing({ a: 'plain' }, targets)).toEqual([]);
  });
});
