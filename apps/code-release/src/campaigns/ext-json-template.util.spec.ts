import {
  ExtJsonTemplateError,
  renderExtJson,
  templateVariables,
  variablesWithoutValue,
  type TargetTemplateVariables,
} from './ext-json-template.util';

describe('ext_json templates', () => {
  const template = {
    extAppid: 'wx_placeholder',
    ext: { shopId: '{{shopId}}', name: '{{ nickName }}', ref: 'biz-{{bizRef}}' },
    window: { navigationBarTitleText: '{{nickName}}' },
    pages: ['pages/index/index'],
    networkTimeout: { request: 10000 },
  };

  describe('templateVariables', () => {
    it('lists every placeholder once', () => {
      expect(templateVariables(template)).toEqual(['bizRef', 'nickName', 'shopId']);
    });
  });

  describe('renderExtJson', () => {
    it('substitutes the target variables and returns a JSON string with extAppid set to the target', () => {
      const rendered = renderExtJson(template, {
        authorizerAppid: 'wx0000000000000001',
        bizRef: 'shop-42',
        nickName: '小店 "A"',
        values: { shopId: '42' },
      });
      const parsed = JSON.parse(JSON.stringify(rendered));
      expect(parsed.extAppid).toBe('wx0000000000000001');
      expect(parsed.extEnable).toBe(true);
      expect(parsed.ext).toEqual({ shopId: '42', name: '小店 "A"', ref: 'biz-shop-42' });
      expect(parsed.window.navigationBarTitleText).toBe('小店 "A"');
      expect(parsed.networkTimeout.request).toBe(10000);
    });

    it('names every variable that has no value', () => {
      expect(() => renderExtJson(template, { authorizerAppid: 'wx1', bizRef: null, nickName: 'n' })).toThrow(
        new ExtJsonTemplateError(['bizRef', 'shopId']),
      );
    });

    it('keeps a value that looks like JSON inside its string', () => {
      const rendered = renderExtJson(
        { ext: { a: '{{x}}' } },
        { authorizerAppid: 'wx1', bizRef: null, nickName: null, values: { x: '"},{"evil":1' } },
      );
      expect(rendered['ext']).toEqual({ a: '"},{"evil":1' });
    });
  });

  describe('variablesWithoutValue', () => {
    const target = (
      appid: string,
      extra: Partial<TargetTemplateVariables> = {},
    ): TargetTemplateVariables => ({
      authorizerAppid: appid,
      bizRef: null,
      nickName: null,
      ...extra,
    });

    it('names each variable some targets lack, with their count and the first three', () => {
      const template = {
        ext: { title: '{{nickName}}', ref: '{{ bizRef }}', app: '{{authorizerAppid}}', v: '{{values.city}}' },
      };
      const targets = [
        target('wx1', { nickName: 'a', bizRef: 'r1', values: { city: '深圳' } }),
        target('wx2', { bizRef: 'r2' }),
        target('wx3'),
        target('wx4'),
        target('wx5'),
      ];
      expect(variablesWithoutValue(template, targets)).toEqual([
        { name: 'bizRef', targets: 3, examples: ['wx3', 'wx4', 'wx5'] },
        { name: 'nickName', targets: 4, examples: ['wx2', 'wx3', 'wx4'] },
        { name: 'values.city', targets: 4, examples: ['wx2', 'wx3', 'wx4'] },
      ]);
    });

    it('is empty when every target has every value, or the template has no placeholder', () => {
      expect(variablesWithoutValue({ a: '{{authorizerAppid}}' }, [target('wx1')])).toEqual([]);
      expect(variablesWithoutValue({ a: 'plain' }, [target('wx1')])).toEqual([]);
      expect(variablesWithoutValue({ a: '{{shop}}' }, [target('wx1', { values: { shop: '' } })])).toEqual([]);
      // An operator's value stands in for a nickName or bizRef the authorizer has not.
      expect(
        variablesWithoutValue({ a: '{{nickName}}', b: '{{bizRef}}' }, [
          target('wx1', { values: { nickName: '一号店', bizRef: 'r1' } }),
        ]),
      ).toEqual([]);
      expect(
        renderExtJson(
          { a: '{{nickName}}' },
          target('wx1', { nickName: '真名', values: { nickName: '别名' } }),
        ),
      ).toMatchObject({ a: '真名' });
    });
  });
});
