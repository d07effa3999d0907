import { AuthorizerRpcErrorCodes } from '@wxop/contracts';

import { parseLinkListRequest } from './link-list-request.util';

const COMPONENT = 'wx4444444444444444';

describe('parseLinkListRequest', () => {
  it('applies the default component, offset and limit', () => {
    expect(parseLinkListRequest({}, COMPONENT)).toEqual({ componentAppid: COMPONENT, offset: 0, limit: 50 });
  });

  it('keeps the filters given', () => {
    expect(
      parseLinkListRequest({ bizRef: 'shop-1', state: 'used', offset: 10, limit: 200 }, COMPONENT),
    ).toEqual({ componentAppid: COMPONENT, bizRef: 'shop-1', state: 'used', offset: 10, limit: 200 });
  });

  it('names every problem at once', () => {
    let caught: unknown;
    try {
      parseLinkListRequest({ state: 'pending', limit: 201, extra: 1 }, COMPONENT);
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code: AuthorizerRpcErrorCodes.InvalidRequest });
    const message = (caught as Error).message;
    expect(message).toContain('unknown field extra');
    expect(message).toContain('state must be one of open, used, expired');
    expect(message).toContain('limit');
  });
});
