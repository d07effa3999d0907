import {
  withAuthorizerToken,
  withComponentToken,
  type AuthorizerTokenSource,
  type ComponentTokenSource,
} from './authorizer-calls';
import { WechatApiError } from './wechat-api.errors';

const ids = { componentAppid: 'wx_component', authorizerAppid: 'wx_mini' };

function authorizerSource(tokens: { current: string; next: string }): jest.Mocked<AuthorizerTokenSource> {
  return {
    get: jest.fn<Promise<string>, [string, string]>(async () => tokens.current),
    invalidate: jest.fn<Promise<string>, [string, string, string]>(async () => tokens.next),
  };
}

describe(withAuthorizerToken.name, () => {
  it('calls once with the current token when WeChat accepts it', async () => {
    const source = authorizerSource({ current: 'AT-1', next: 'AT-2' });
    const call = jest.fn(async (token: string) => `done with ${token}`);

    await expect(withAuthorizerToken(source, ids, call)).resolves.toBe('done with AT-1');

    expect(source.get).toHaveBeenCalledWith('wx_component', 'wx_mini');
    expect(source.invalidate).not.toHaveBeenCalled();
    expect(call).toHaveBeenCalledTimes(1);
  });

  it.each([40001, 40014, 42001])(
    'on %i invalidates the rejected token by compare-and-set and retries once with the one returned',
    async (errcode) => {
      const source = authorizerSource({ current: 'AT-1', next: 'AT-2' });
      const call = jest.fn(async (token: string) => {
        if (token === 'AT-1') throw new WechatApiError(errcode, 'token', 'wxa/commit');
        return token;
      });

      await expect(withAuthorizerToken(source, ids, call)).resolves.toBe('AT-2');

      expect(source.invalidate).toHaveBeenCalledTimes(1);
      expect(source.invalidate).toHaveBeenCalledWith('wx_component', 'wx_mini', 'AT-1');
      expect(call.mock.calls.map(([token]) => token)).toEqual(['AT-1', 'AT-2']);
    },
  );

  it('throws the second rejection instead of looping', async () => {
    const source = authorizerSource({ current: 'AT-1', next: 'AT-2' });
    const call = jest.fn(async () => {
      throw new WechatApiError(40001, 'invalid credential', 'wxa/release');
    });

    await expect(withAuthorizerToken(source, ids, call)).rejects.toMatchObject({ errcode: 40001 });

    expect(call).toHaveBeenCalledTimes(2);
    expect(source.invalidate).toHaveBeenCalledTimes(1);
  });

  it('does not touch the token for other errors', async () => {
    const source = authorizerSource({ current: 'AT-1', next: 'AT-2' });
    const call = jest.fn(async () => {
      throw new WechatApiError(85009, 'already submit a version under auditing', 'wxa/submit_audit');
    });

    await expect(withAuthorizerToken(source, ids, call)).rejects.toMatchObject({ errcode: 85009 });

    expect(call).toHaveBeenCalledTimes(1);
    expect(source.invalidate).not.toHaveBeenCalled();
  });
});

describe(withComponentToken.name, () => {
  it('invalidates a rejected component token once and retries with the current one', async () => {
    const source: jest.Mocked<ComponentTokenSource> = {
      get: jest.fn<Promise<string>, [string]>(async () => 'CT-1'),
      invalidate: jest.fn<Promise<string>, [string, string]>(async () => 'CT-2'),
    };
    const call = jest.fn(async (token: string) => {
      if (token === 'CT-1') throw new WechatApiError(42001, 'access_token expired', 'wxa/gettemplatelist');
      return token;
    });

    await expect(withComponentToken(source, { componentAppid: 'wx_component' }, call)).resolves.toBe('CT-2');

    expect(source.invalidate).toHaveBeenCalledWith('wx_component', 'CT-1');
    expect(call).toHaveBeenCalledTimes(2);
  });

  it('passes other failures through without invalidating', async () => {
    const source: jest.Mocked<ComponentTokenSource> = {
      get: jest.fn<Promise<string>, [string]>(async () => 'CT-1'),
      invalidate: jest.fn<Promise<string>, [string, string]>(async () => 'CT-2'),
    };
    const failure = new Error('network');

    await expect(
      withComponentToken(source, { componentAppid: 'wx_component' }, async () => {
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(source.invalidate).not.toHaveBeenCalled();
  });
});
