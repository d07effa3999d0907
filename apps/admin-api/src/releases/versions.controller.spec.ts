import { CodeReleaseRpcPatterns } from '@wxop/contracts';
import type { FastifyReply } from 'fastify';

import type { AuthenticatedUser } from '../auth/current-user.decorator';
import type { CodeReleaseClient } from './code-release.client';
import { VersionsController } from './versions.controller';

const user: AuthenticatedUser = { id: 7, username: 'alice', role: 'operator', sessionId: 's1' };
const params = { componentAppid: 'wxcomponent', authorizerAppid: 'wxmini' };

function controllerAnswering(reply: unknown): { controller: VersionsController; call: jest.Mock } {
  const call = jest.fn().mockResolvedValue(reply);
  return { controller: new VersionsController({ call } as unknown as CodeReleaseClient), call };
}

describe('VersionsController', () => {
  it('sends the operator’s username as the actor and leaves absent fields out of a submit', async () => {
    const { controller, call } = controllerAnswering({ auditId: 1 });
    await controller.submit(user, params, {
      versionDesc: 'reviewer account',
      itemList: [{ address: 'pages/a' }],
    });
    expect(call).toHaveBeenCalledWith(CodeReleaseRpcPatterns.SubmitAudit, {
      componentAppid: 'wxcomponent',
      authorizerAppid: 'wxmini',
      actor: 'alice',
      versionDesc: 'reviewer account',
      itemList: [{ address: 'pages/a' }],
    });
  });

  it('reverts to the previous version when no appVersion is given', async () => {
    const { controller, call } = controllerAnswering({});
    await controller.revert(user, params, {});
    expect(call.mock.calls[0][1]).toEqual({ ...params, actor: 'alice' });
    await controller.revert(user, params, { appVersion: 3 });
    expect(call.mock.calls[1][1]).toEqual({ ...params, actor: 'alice', appVersion: 3 });
  });

  it('answers the trial QR code as image bytes with its content type', async () => {
    const image = Buffer.from([0xff, 0xd8, 0xff, 0xe0]);
    const { controller, call } = controllerAnswering({
      contentType: 'image/jpeg',
      imageBase64: image.toString('base64'),
    });
    const headers: Record<string, string> = {};
    const reply = {
      type(value: string) {
        headers['content-type'] = value;
        return this;
      },
      header(name: string, value: string) {
        headers[name] = value;
        return this;
      },
    } as unknown as FastifyReply;
    const body = await controller.trialQrcode(user, params, { path: 'pages/index/index?x=1' }, reply);
    expect(body).toEqual(image);
    expect(headers).toEqual({ 'content-type': 'image/jpeg', 'cache-control': 'no-store' });
    expect(call).toHaveBeenCalledWith(CodeReleaseRpcPatterns.GetTrialQrcode, {
      ...params,
      actor: 'alice',
      path: 'pages/index/index?x=1',
    });
  });

  it('pages the release history by cursor', async () => {
    const { controller, call } = controllerAnswering({ items: [], nextBefore: '41' });
    await expect(controller.history(params, { limit: 20, cursor: '60' })).resolves.toEqual({
      items: [],
      limit: 20,
      nextCursor: '41',
    });
    expect(call).toHaveBeenCalledWith(CodeReleaseRpcPatterns.ListHistory, {
      ...params,
      limit: 20,
      before: '60',
    });
  });
});
