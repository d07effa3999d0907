import { AuthorizerRpcErrorCodes } from '@wxop/contracts';

import { AuthorizerError } from '../shared/authorizer.errors';
import { parseLinkRequest } from './link-request.util';

const COMPONENT = 'wx1234567890abcdef';

function refusal(raw: unknown, defaultComponent?: string): AuthorizerError {
  try {
    parseLinkRequest(raw, defaultComponent);
  } catch (error) {
    return error as AuthorizerError;
  }
  throw new Error('accepted');
}

describe('parseLinkRequest', () => {
  it('accepts a full request and drops repeated permission sets', () => {
    expect(
      parseLinkRequest({
        componentAppid: COMPONENT,
        kind: 'h5',
        authType: 2,
        categoryIdList: [18, 17, 18],
        bizRef: '商户-42',
      }),
    ).toEqual({
      componentAppid: COMPONENT,
      kind: 'h5',
      authType: 2,
      categoryIdList: [18, 17],
      bizRef: '商户-42',
    });
  });

  it('uses the configured component when the request names none', () => {
    expect(parseLinkRequest({ kind: 'pc' }, COMPONENT)).toEqual({ componentAppid: COMPONENT, kind: 'pc' });
  });

  it('refuses authType together with bizAppid', () => {
    const error = refusal({ componentAppid: COMPONENT, kind: 'pc', authType: 1, bizAppid: 'wxabc' });
    expect(error).toBeInstanceOf(AuthorizerError);
    expect(error.code).toBe(AuthorizerRpcErrorCodes.InvalidRequest);
    expect(error.message).toContain('mutually exclusive');
  });

  it('names every problem at once', () => {
    const error = refusal({
      componentAppid: 'not an appid',
      kind: 'mobile',
      authType: 4,
      categoryIdList: [0, 1.5],
      bizRef: 'x'.repeat(129),
    });
    expect(error.code).toBe(AuthorizerRpcErrorCodes.InvalidRequest);
    for (const name of ['componentAppid', 'kind', 'authType', 'categoryIdList', 'bizRef']) {
      expect(error.message).toContain(name);
    }
  });

  it('refuses a missing component, an empty list, control characters in bizRef and a non-object', () => {
    expect(refusal({ kind: 'pc' }).message).toContain('componentAppid');
    expect(refusal({ componentAppid: COMPONENT, kind: 'pc', categoryIdList: [] }).message).toContain(
      'categoryIdList',
    );
    expect(refusal({ componentAppid: COMPONENT, kind: 'pc', bizRef: 'a\nb' }).message).toContain('bizRef');
    expect(refusal('pc').code).toBe(AuthorizerRpcErrorCodes.InvalidRequest);
  });

  it('accepts a bizRef of exactly 128 characters', () => {
    expect(
      parseLinkRequest({ componentAppid: COMPONENT, kind: 'pc', bizRef: 'x'.repeat(128) }).bizRef,
    ).toHaveLength(128);
  });
});
