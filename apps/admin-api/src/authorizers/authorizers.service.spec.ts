import { AuthorizerRpcPatterns, type AuthorizerPage } from '@wxop/contracts';
import type { AmqpRpcClient } from '@wxop/messaging';

import { AuthorizersService } from './authorizers.service';

function answering(page: Partial<AuthorizerPage>) {
  const request = jest.fn(async () => ({ items: [], offset: 0, limit: 1, total: 0, ...page }));
  return { request, sut: new AuthorizersService({ request } as unknown as AmqpRpcClient) };
}

describe(AuthorizersService.name, () => {
  describe('countCampaignTargets', () => {
    it("asks one counted search with code-release's target criteria and the prefix, and answers its total", async () => {
      const { request, sut } = answering({ total: 42 });
      expect(await sut.countCampaignTargets('wxcomponent', 'shop-')).toBe(42);
      expect(request).toHaveBeenCalledTimes(1);
      expect(request).toHaveBeenCalledWith(AuthorizerRpcPatterns.SearchAuthorizers, {
        componentAppid: 'wxcomponent',
        authorizerType: 'mini_program',
        status: 'authorized',
        credentialStatus: 'active',
        funcInfo: [18],
        bizRefPrefix: 'shop-',
        limit: 1,
        offset: 0,
      });
    });
  });
});
