import { CodeReleaseRpcErrorCodes, TokenRpcErrorCodes, TokenRpcPatterns } from '@wxop/contracts';
import { RpcRemoteError, type AmqpRpcClient } from '@wxop/messaging';

import { TokenClient } from './token.client';

const COMPONENT = 'wxc0000000000000001';
const APPID = 'wxa0000000000000001';
const refusal = (code: string, details?: Record<string, unknown>) =>
  new RpcRemoteError(TokenRpcPatterns.GetAuthorizerAccessToken, { code, message: 'no', details });

describe(TokenClient.name, () => {
  const rpc = { request: jest.fn() };
  let sut: TokenClient;

  beforeEach(() => {
    jest.resetAllMocks();
    sut = new TokenClient(rpc as unknown as AmqpRpcClient);
  });

  describe('invalidate', () => {
    it('reports the rejected token and answers the current one', async () => {
      rpc.request.mockResolvedValue({ accessToken: 'fresh', expiresAt: '2026-12-01T12:00:00Z' });
      await expect(sut.invalidate(COMPONENT, APPID, 'stale')).resolves.toBe('fresh');
      expect(rpc.request).toHaveBeenCalledWith(TokenRpcPatterns.InvalidateAuthorizerAccessToken, {
        componentAppid: COMPONENT,
        authorizerAppid: APPID,
        accessToken: 'stale',
      });
    });

    it('does the same for the component token', async () => {
      rpc.request.mockResolvedValue({ accessToken: 'fresh-component', expiresAt: '2026-12-01T12:00:00Z' });
      await expect(sut.component.invalidate(COMPONENT, 'stale')).resolves.toBe('fresh-component');
      expect(rpc.request).toHaveBeenCalledWith(TokenRpcPatterns.InvalidateComponentAccessToken, {
        componentAppid: COMPONENT,
        accessToken: 'stale',
      });
    });
  });

  describe('get', () => {
    const reply = (accessToken: string, expiresInMs = 7200_000) => ({
      accessToken,
      expiresAt: new Date(Date.now() + expiresInMs).toISOString(),
    });

    it('reuses a token it read a moment ago instead of asking the token service again', async () => {
      rpc.request.mockResolvedValue(reply('first'));
      await expect(sut.get(COMPONENT, APPID)).resolves.toBe('first');
      await expect(sut.get(COMPONENT, APPID)).resolves.toBe('first');
      expect(rpc.request).toHaveBeenCalledTimes(1);
      await sut.get(COMPONENT, 'wxa0000000000000002');
      expect(rpc.request).toHaveBeenCalledTimes(2);
    });

    it('asks again after an invalidation, and keeps the token the invalidation answered', async () => {
      rpc.request.mockResolvedValueOnce(reply('first')).mockResolvedValueOnce(reply('second'));
      await sut.get(COMPONENT, APPID);
      await expect(sut.invalidate(COMPONENT, APPID, 'first')).resolves.toBe('second');
      await expect(sut.get(COMPONENT, APPID)).resolves.toBe('second');
      expect(rpc.request).toHaveBeenCalledTimes(2);
    });

    it('does not keep a token that expires within a minute', async () => {
      rpc.request.mockResolvedValueOnce(reply('closing', 30_000)).mockResolvedValueOnce(reply('next'));
      await sut.get(COMPONENT, APPID);
      await expect(sut.get(COMPONENT, APPID)).resolves.toBe('next');
    });

    it.each([
      [TokenRpcErrorCodes.AuthorizerNotFound, CodeReleaseRpcErrorCodes.AuthorizerNotFound, false],
      [TokenRpcErrorCodes.ComponentNotFound, CodeReleaseRpcErrorCodes.ComponentNotFound, false],
      [TokenRpcErrorCodes.AuthorizerNotAuthorized, CodeReleaseRpcErrorCodes.AuthorizerNotAuthorized, false],
      [TokenRpcErrorCodes.TokenUnavailable, CodeReleaseRpcErrorCodes.Unavailable, true],
    ])('turns the token service’s %s into %s', async (theirs, ours, transient) => {
      rpc.request.mockRejectedValue(refusal(theirs, { errcode: 61023 }));
      await expect(sut.get(COMPONENT, APPID)).rejects.toMatchObject({ code: ours, transient });
    });

    it('keeps the errcode of a lost authorization', async () => {
      rpc.request.mockRejectedValue(refusal(TokenRpcErrorCodes.AuthorizerNotAuthorized, { errcode: 61023 }));
      await expect(sut.get(COMPONENT, APPID)).rejects.toMatchObject({ details: { errcode: 61023 } });
    });

    it('reads a timeout as UNAVAILABLE', async () => {
      rpc.request.mockRejectedValue(new Error('no reply within 5000 ms'));
      await expect(sut.get(COMPONENT, APPID)).rejects.toMatchObject({
        code: CodeReleaseRpcErrorCodes.Unavailable,
        message: expect.stringContaining('no reply'),
      });
    });
  });
});
