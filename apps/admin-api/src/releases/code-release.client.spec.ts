import { CodeReleaseRpcErrorCodes, CodeReleaseRpcPatterns } from '@wxop/contracts';
import { RpcRemoteError, RpcTimeoutError, type AmqpRpcClient } from '@wxop/messaging';

import { refusalOf } from '../shared/admin-api-error.filter';
import { CodeReleaseClient } from './code-release.client';
import { CODE_RELEASE_ERROR_STATUS, ReleasesError } from './releases.errors';

function clientFailingWith(error: unknown): CodeReleaseClient {
  const rpc = { request: jest.fn().mockRejectedValue(error) } as unknown as AmqpRpcClient;
  return new CodeReleaseClient(rpc);
}

describe('CodeReleaseClient', () => {
  it('passes the request and answers the reply', async () => {
    const request = jest.fn().mockResolvedValue({ rest: 3 });
    const client = new CodeReleaseClient({ request } as unknown as AmqpRpcClient);
    await expect(client.call(CodeReleaseRpcPatterns.GetQuota, { authorizerAppid: 'wx1' })).resolves.toEqual({
      rest: 3,
    });
    expect(request).toHaveBeenCalledWith(
      CodeReleaseRpcPatterns.GetQuota,
      { authorizerAppid: 'wx1' },
      { timeoutMs: expect.any(Number) },
    );
  });

  it.each([
    [CodeReleaseRpcErrorCodes.TemplateLibraryFull, 409, 'template_library_full'],
    [CodeReleaseRpcErrorCodes.TemplateNotFound, 404, 'template_not_found'],
    [CodeReleaseRpcErrorCodes.PrivacyScanRunning, 409, 'privacy_scan_running'],
    [CodeReleaseRpcErrorCodes.WechatRejected, 502, 'wechat_rejected'],
    [CodeReleaseRpcErrorCodes.AuthorizerNotAuthorized, 409, 'authorizer_not_authorized'],
    [CodeReleaseRpcErrorCodes.InvalidRequest, 400, 'invalid_request'],
    [CodeReleaseRpcErrorCodes.Unavailable, 503, 'unavailable'],
  ])('answers %s as %i %s with WeChat’s errcode and errmsg in details', async (code, status, error) => {
    const remote = new RpcRemoteError(CodeReleaseRpcPatterns.AddDraftToTemplates, {
      code,
      message: 'refused',
      details: { errcode: 85065, errmsg: 'template list is full' },
    });
    const thrown = await clientFailingWith(remote)
      .call(CodeReleaseRpcPatterns.AddDraftToTemplates, {})
      .catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(ReleasesError);
    expect(refusalOf(thrown, 'corr-1', false)).toEqual({
      status,
      body: {
        error,
        message: 'refused',
        correlationId: 'corr-1',
        details: { errcode: 85065, errmsg: 'template list is full' },
      },
    });
  });

  it('maps every code of the contract to a status', () => {
    for (const code of Object.values(CodeReleaseRpcErrorCodes))
      expect(CODE_RELEASE_ERROR_STATUS[code]).toBeGreaterThanOrEqual(400);
  });

  it('leaves a code it does not know and a timeout to the error filter', async () => {
    const foreign = new RpcRemoteError(CodeReleaseRpcPatterns.Commit, {
      code: 'SOMETHING_ELSE',
      message: 'x',
    });
    await expect(clientFailingWith(foreign).call(CodeReleaseRpcPatterns.Commit, {})).rejects.toBe(foreign);
    const timeout = new RpcTimeoutError(CodeReleaseRpcPatterns.Commit, 30_000);
    const thrown = await clientFailingWith(timeout)
      .call(CodeReleaseRpcPatterns.Commit, {})
      .catch((e: unknown) => e);
    expect(thrown).toBe(timeout);
    expect(refusalOf(thrown, 'c', false).status).toBe(503);
  });
});
