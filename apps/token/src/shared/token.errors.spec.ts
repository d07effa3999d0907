import { TokenRpcErrorCodes } from '@wxop/contracts';
import { RpcError } from '@wxop/messaging';

import { TOKEN_ERROR_STATUS, TokenError } from './token.errors';

describe(TokenError.name, () => {
  it('maps every code to the status CONTRACT.md §3 gives', () => {
    expect(TOKEN_ERROR_STATUS).toEqual({
      COMPONENT_NOT_FOUND: 404,
      AUTHORIZER_NOT_FOUND: 404,
      AUTHORIZER_NOT_AUTHORIZED: 409,
      TOKEN_UNAVAILABLE: 503,
      WECHAT_REJECTED: 502,
      WECHAT_UNREACHABLE: 502,
      INVALID_REQUEST: 400,
    });
    expect(Object.keys(TOKEN_ERROR_STATUS).sort()).toEqual(Object.values(TokenRpcErrorCodes).sort());
  });

  it('becomes an RPC error with the same code, message and errcode', () => {
    const error = new TokenError(TokenRpcErrorCodes.AuthorizerNotAuthorized, 'gone', { errcode: 61023 });
    const rpc = error.toRpcError();
    expect(rpc).toBeInstanceOf(RpcError);
    expect(rpc.getError()).toEqual({
      code: 'AUTHORIZER_NOT_AUTHORIZED',
      message: 'gone',
      details: { errcode: 61023 },
    });
    expect(error.status).toBe(409);
  });
});
