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
  it('takes the set filters of campaign targets: bizRefs or a prefix, permissions, credential, keyset', () => {
    expect(
      parseSearchRequest(
        {
          bizRefPrefix: 'shop-',
          funcInfo: [18, 18],
          credentialStatus: 'active',
          afterAuthorizerAppid: '',
          countTotal: false,
          limit: 200,
        },
        COMPONENT,
      ),
    ).toEqual({
      componentAppid: COMPONENT,
      bizRefPrefix: 'shop-',
      funcInfo: [18],
      credentialStatus: 'active',
      afterAuthorizerAppid: '',
      countTotal: false,
      offset: 0,
      limit: 200,
    });
    expect(parseSearchRequest({ bizRefs: ['a', 'b', 'a'] }, COMPONENT).bizRefs).toEqual(['a', 'b']);
    expect(
      parseSearchRequest({ authorizerAppids: ['wx0000000000000001', 'wx0000000000000001'] }, COMPONENT)
        .authorizerAppids,
    ).toEqual(['wx0000000000000001']);
    expect(refusal(() => parseSearchRequest({ authorizerAppids: ['not an appid'] }, COMPONENT)).message).toBe(
      'authorizerAppids must be a list of 1 to 1000 appids',
    );
  });

  it('refuses set filters that contradict each other or are malformed, naming each', () => {
    const error = refusal(() =>
      parseSearchRequest(
        {
          bizRef: 'x',
          bizRefPrefix: '',
          bizRefs: [],
          funcInfo: ['18'],
          credentialStatus: 'expired',
          afterAuthorizerAppid: 'not an appid',
          countTotal: 'no',
        },
        COMPONENT,
      ),
    );
    expect(error.code).toBe(AuthorizerRpcErrorCodes.InvalidRequest);
    expect(error.message.split('; ')).toEqual([
      'bizRef, bizRefs and bizRefPrefix exclude each other',
      'bizRefs must be a list of 1 to 1000 references of 1 to 128 characters',
      'bizRefPrefix must be 1 to 128 characters',
      'funcInfo must be a list of 1 to 50 permission-set ids',
      'credentialStatus must be active or invalid',
      "afterAuthorizerAppid must be an appid, or '' for the first page",
      'countTotal must be true or false',
    ]);
    expect(
      refusal(() => parseSearchRequest({ afterAuthorizerAppid: '', offset: 10 }, COMPONENT)).message,
    ).toBe('afterAuthorizerAppid pages by key: offset must be 0');
  });

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
