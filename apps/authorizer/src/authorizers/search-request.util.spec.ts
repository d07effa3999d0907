import { AuthorizerRpcErrorCodes } from '@wxop/contracts';

import { AuthorizerError } from '../shared/authorizer.errors';
import { parseAuthorizerRef, parseComponentRequest, parseSearchRequest } from './search-request.util';

const COMPONENT = 'wx4444444444444444';

function refusal(work: () => unknown): AuthorizerError {
  try {
    work();
  } catch (error) {
    return error as AuthorizerError;
  }
  throw new Error('expected a refusal');
}

describe('parseSearchRequest', () => {
  it('applies the defaults: the configured component, the first 50', () => {
    expect(parseSearchRequest({}, COMPONENT)).toEqual({ componentAppid: COMPONENT, offset: 0, limit: 50 });
  });

  it('takes every filter', () => {
    expect(
      parseSearchRequest(
        {
          componentAppid: 'wxother',
          authorizerType: 'mini_program',
          status: 'unauthorized',
          bizRef: 'merchant-42',
          name: '  商户 ',
          offset: 100,
          limit: 200,
        },
        COMPONENT,
      ),
    ).toEqual({
      componentAppid: 'wxother',
      authorizerType: 'mini_program',
      status: 'unauthorized',
      bizRef: 'merchant-42',
      name: '商户',
      offset: 100,
      limit: 200,
    });
  });

  it('names every problem at once and is INVALID_REQUEST', () => {
    const error = refusal(() =>
      parseSearchRequest(
        { authorizerType: 'shop', status: 'gone', limit: 201, offset: -1, name: '', bizRef: 7, extra: 1 },
        COMPONENT,
      ),
    );
    expect(error).toBeInstanceOf(AuthorizerError);
    expect(error.code).toBe(AuthorizerRpcErrorCodes.InvalidRequest);
    for (const word of [
      'authorizerType',
      'status',
      'limit',
      'offset',
      'name',
      'bizRef',
      'unknown field extra',
    ]) {
      expect(error.message).toContain(word);
    }
  });

  it('needs a component when none is configured, and an object', () => {
    expect(refusal(() => parseSearchRequest({}, undefined)).message).toContain('componentAppid');
    expect(refusal(() => parseSearchRequest('all', COMPONENT)).code).toBe(
      AuthorizerRpcErrorCodes.InvalidRequest,
    );
  });
});

describe('parseAuthorizerRef', () => {
  it('needs a well-formed authorizer appid', () => {
    expect(parseAuthorizerRef({ authorizerAppid: 'wxa' }, COMPONENT)).toEqual({
      componentAppid: COMPONENT,
      authorizerAppid: 'wxa',
    });
    expect(refusal(() => parseAuthorizerRef({ authorizerAppid: "x' OR 1=1" }, COMPONENT)).message).toContain(
      'authorizerAppid',
    );
    expect(refusal(() => parseAuthorizerRef(null, COMPONENT)).code).toBe(
      AuthorizerRpcErrorCodes.InvalidRequest,
    );
  });
});

describe('parseComponentRequest', () => {
  it('takes an optional sync id of the right shape', () => {
    const syncId = '0b8c6a1e-5f0e-4c47-9a8e-4d1d1c2f9e11';
    expect(parseComponentRequest({ syncId }, COMPONENT)).toEqual({ componentAppid: COMPONENT, syncId });
    expect(parseComponentRequest(undefined, COMPONENT)).toEqual({ componentAppid: COMPONENT });
    expect(refusal(() => parseComponentRequest({ syncId: 'latest' }, COMPONENT)).message).toContain('syncId');
  });
});
