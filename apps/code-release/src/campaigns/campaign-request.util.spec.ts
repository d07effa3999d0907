import { CodeReleaseError } from '../shared/code-release.errors';
import {
  parseCampaignRef,
  parseCreateCampaign,
  parseListCampaigns,
  parseListTargets,
  parseRetry,
  parseGetOperation,
  parseListOperations,
} from './campaign-request.util';

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
        'releaseMode must be on_approval, manual or gray',
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

  describe('list, targets.list and retry', () => {
    const campaignId = '0f8fad5b-d9cb-469f-a165-70867728950e';
    const refused = (parse: () => unknown): string => {
      try {
        parse();
      } catch (error) {
        expect(error).toBeInstanceOf(CodeReleaseError);
        return (error as Error).message;
      }
      throw new Error('the request was accepted');
    };

    it('lists 50 newest campaigns by default, and names a bad status and limit', () => {
      expect(parseListCampaigns({})).toEqual({ limit: 50, offset: 0, sort: 'createdAt', order: 'desc' });
      expect(parseListCampaigns({ status: 'paused', limit: 5, offset: 10 })).toMatchObject({
        status: 'paused',
        limit: 5,
        offset: 10,
      });
      const message = refused(() => parseListCampaigns({ status: 'sleeping', limit: 0 }));
      expect(message).toContain('status must be one of running, paused, cancelled, finished');
      expect(message).toContain('limit must be an integer from 1 to 200');
    });

    it('sorts campaigns by a known field and order only, up to 200 a page', () => {
      expect(parseListCampaigns({ sort: 'userVersion', order: 'asc', limit: 200 })).toMatchObject({
        sort: 'userVersion',
        order: 'asc',
        limit: 200,
      });
      const message = refused(() => parseListCampaigns({ sort: 'nickName', order: 'up', limit: 201 }));
      expect(message).toContain('sort must be one of createdAt, finishedAt, status, userVersion, templateId');
      expect(message).toContain('order must be one of asc, desc');
      expect(message).toContain('limit must be an integer from 1 to 200');
    });

    it('pages targets from the first ordinal, filtered by a known state only', () => {
      expect(parseListTargets({ campaignId })).toEqual({ campaignId, limit: 100, afterOrdinal: -1 });
      expect(parseListTargets({ campaignId, state: 'waiting_quota', afterOrdinal: 9 })).toMatchObject({
        state: 'waiting_quota',
        afterOrdinal: 9,
      });
      expect(refused(() => parseListTargets({ campaignId, state: 'asleep' }))).toContain(
        'state must be one of',
      );
    });

    it('retries all failed targets or the chosen distinct appids, and refuses a bad list', () => {
      expect(parseRetry({ campaignId, requestedBy: 'op' })).toEqual({
        campaignId,
        requestedBy: 'op',
        authorizerAppids: undefined,
      });
      expect(
        parseRetry({
          campaignId,
          requestedBy: 'op',
          authorizerAppids: ['wx0000000000000001', 'wx0000000000000001'],
        }).authorizerAppids,
      ).toEqual(['wx0000000000000001']);
      const message = refused(() => parseRetry({ campaignId, authorizerAppids: ['not an appid'] }));
      expect(message).toContain('authorizerAppids must be a list of 1..10000 appids');
      expect(message).toContain('requestedBy is required');
    });

    it('pages operations newest first by default, and refuses a bad status, order, limit or a short id', () => {
      expect(parseListOperations({ campaignId })).toEqual({
        campaignId,
        status: undefined,
        order: 'desc',
        limit: 50,
        offset: 0,
      });
      expect(
        parseListOperations({ campaignId, status: 'running', order: 'asc', limit: 200, offset: 4 }),
      ).toEqual({ campaignId, status: 'running', order: 'asc', limit: 200, offset: 4 });
      const message = refused(() =>
        parseListOperations({ campaignId, status: 'stuck', order: 'up', limit: 201 }),
      );
      expect(message).toContain('status must be one of');
      expect(message).toContain('order must be one of');
      expect(message).toContain('limit');
      expect(parseGetOperation({ operationId: campaignId })).toBe(campaignId);
      expect(refused(() => parseGetOperation({ operationId: 'op-1' }))).toContain('operationId');
      expect(refused(() => parseGetOperation({ operationId: campaignId, extra: 1 }))).toContain('extra');
    });
  });
});
