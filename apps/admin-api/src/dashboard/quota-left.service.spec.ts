import {
  CodeReleaseRpcErrorCodes,
  type AuthorizerPage,
  type SearchAuthorizersRequest,
} from '@wxop/contracts';
import { RpcTimeoutError } from '@wxop/messaging';

import type { AuthorizersService } from '../authorizers/authorizers.service';
import type { CodeReleaseClient } from '../releases/code-release.client';
import { ReleasesError } from '../releases/releases.errors';
import { QUOTA_CACHE_MS, QuotaLeftService } from './quota-left.service';

const QUOTA = { rest: 18, limit: 20, speedupRest: 1, speedupLimit: 1 };

function setup(miniPrograms: string[], quota: () => Promise<unknown> = async () => QUOTA) {
  const authorizers = {
    search: jest.fn(async (request: SearchAuthorizersRequest): Promise<AuthorizerPage> => ({
      total: miniPrograms.length,
      offset: 0,
      limit: request.limit ?? 50,
      items: miniPrograms
        .slice(0, request.limit)
        .map((authorizerAppid) => ({ authorizerAppid }) as AuthorizerPage['items'][number]),
    })),
  };
  const codeRelease = { call: jest.fn(quota) };
  const sut = new QuotaLeftService(
    authorizers as unknown as AuthorizersService,
    codeRelease as unknown as CodeReleaseClient,
  );
  return { sut, authorizers, codeRelease };
}

describe(QuotaLeftService.name, () => {
  describe('quotaLeft', () => {
    const now = new Date('2026-12-01T12:00:00.000Z');

    it('reads the quota with an authorized mini program of the component that granted code management', async () => {
      const { sut, authorizers, codeRelease } = setup(['wxmp1', 'wxmp2']);
      const answer = await sut.quotaLeft('wxc', now);
      expect(answer).toEqual({
        componentAppid: 'wxc',
        authorizerAppid: 'wxmp1',
        quota: QUOTA,
        readAt: now.toISOString(),
      });
      expect(authorizers.search).toHaveBeenCalledWith({
        componentAppid: 'wxc',
        authorizerType: 'mini_program',
        status: 'authorized',
        funcInfo: [18],
        credentialStatus: 'active',
        limit: 1,
        offset: 0,
      });
      expect(codeRelease.call).toHaveBeenCalledWith('code-release.quota.get', {
        componentAppid: 'wxc',
        authorizerAppid: 'wxmp1',
      });
    });

    it('answers null with a reason when no mini program is authorized, without asking code-release', async () => {
      const { sut, codeRelease } = setup([]);
      const answer = await sut.quotaLeft('wxc', now);
      expect(answer).toMatchObject({
        quota: null,
        authorizerAppid: null,
        reason: 'no_authorized_mini_program',
      });
      expect(codeRelease.call).not.toHaveBeenCalled();
    });

    it("answers null with code-release's error code when it refuses", async () => {
      const { sut } = setup(['wxmp1'], async () => {
        throw new ReleasesError(CodeReleaseRpcErrorCodes.WechatRejected, 'errcode 61007');
      });
      expect(await sut.quotaLeft('wxc', now)).toMatchObject({ quota: null, reason: 'wechat_rejected' });
    });

    it('keeps an answer for a minute, then reads again', async () => {
      const { sut, codeRelease } = setup(['wxmp1']);
      await sut.quotaLeft('wxc', now);
      await sut.quotaLeft('wxc', new Date(now.getTime() + QUOTA_CACHE_MS - 1));
      expect(codeRelease.call).toHaveBeenCalledTimes(1);
      await sut.quotaLeft('wxc', new Date(now.getTime() + QUOTA_CACHE_MS));
      expect(codeRelease.call).toHaveBeenCalledTimes(2);
    });

    it('does not keep "no authorized mini program": the first one to authorize is read at once', async () => {
      const miniPrograms: string[] = [];
      const { sut, codeRelease } = setup(miniPrograms);
      expect((await sut.quotaLeft('wxc', now)).reason).toBe('no_authorized_mini_program');
      miniPrograms.push('wxmp1');
      const later = await sut.quotaLeft('wxc', new Date(now.getTime() + 1000));
      expect(later).toMatchObject({ authorizerAppid: 'wxmp1', quota: QUOTA });
      expect(codeRelease.call).toHaveBeenCalledTimes(1);
    });

    it('throws a timeout (the section is unavailable) and does not keep it', async () => {
      let calls = 0;
      const { sut } = setup(['wxmp1'], async () => {
        calls += 1;
        if (calls === 1) throw new RpcTimeoutError('code-release.quota.get', 30_000);
        return QUOTA;
      });
      await expect(sut.quotaLeft('wxc', now)).rejects.toBeInstanceOf(RpcTimeoutError);
      expect((await sut.quotaLeft('wxc', now)).quota).toEqual(QUOTA);
    });
  });
});
