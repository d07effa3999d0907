import { CodeReleaseError } from '../shared/code-release.errors';
import { parseCampaignRef, parseCreateCampaign } from './campaign-request.util';

describe('campaign requests', () => {
  const valid = {
    templateId: 47,
    userVersion: '2.0.0',
    userDesc: 'notes',
    targets: [{ authorizerAppid: 'wx0000000000000001', bizRef: 'shop-1', values: { shopId: '1' } }],
    extJson: { ext: { shopId: '{{shopId}}' } },
    requestedBy: 'operator-1',
  };
  const problemsOf = (request: unknown): string => {
    try {
      parseCreateCampaign(request, 'wx7777777777777777');
    } catch (error) {
      expect(error).toBeInstanceOf(CodeReleaseError);
      return (error as Error).message;
    }
    throw new Error('the request was accepted');
  };

  describe('parseCreateCampaign', () => {
    it('fills the defaults: the configured component, release on approval, no canary, concurrency 20', () => {
      const sut = parseCreateCampaign(valid, 'wx7777777777777777');
      expect(sut).toMatchObject({
        componentAppid: 'wx7777777777777777',
        concurrency: 20,
        quotaReserve: 0,
        targets: [
          {
            authorizerAppid: 'wx0000000000000001',
            bizRef: 'shop-1',
            nickName: null,
            variables: { shopId: '1' },
          },
        ],
        inputs: {
          releaseMode: 'on_approval',
          releaseWindow: null,
          canary: { size: 0 },
          pollAfterSeconds: 600,
        },
      });
    });

    it('names every bad field at once', () => {
      const message = problemsOf({
        ...valid,
        targets: [{ authorizerAppid: 42 }, valid.targets[0], valid.targets[0]],
        releaseMode: 'later',
        canary: { size: 5, maxRejectionRate: 2 },
        submit: { versionDesc: 1, surprise: true },
        colour: 'red',
      });
      for (const expected of [
        'unknown field colour',
        'targets[0].authorizerAppid must be an appid',
        'targets[2].authorizerAppid wx0000000000000001 appears twice',
        'releaseMode must be on_approval or manual',
        'canary.maxRejectionRate must be a number 0..1',
        'unknown field submit.surprise',
        'submit.versionDesc must be a string of at most 500',
      ]) {
        expect(message).toContain(expected);
      }
    });

    it('refuses a campaign without targets', () => {
      expect(problemsOf({ ...valid, targets: [] })).toContain(
        'targets must be a list of 1..100000 mini programs',
      );
    });
  });

  describe('parseCampaignRef', () => {
    it('refuses a missing campaign id instead of reading "undefined"', () => {
      const { reader } = parseCampaignRef({});
      expect(() => reader.done()).toThrow(CodeReleaseError);
    });
  });
});
