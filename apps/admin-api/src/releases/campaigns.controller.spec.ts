import { CampaignRpcPatterns, CampaignSummaryRpcPatterns } from '@wxop/contracts';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';

import type { AuthenticatedUser } from '../auth/current-user.decorator';
import { CampaignOperationsController } from './campaign-operations.controller';
import { CampaignTargetsController } from './campaign-targets.controller';
import { CampaignsController } from './campaigns.controller';
import type { CodeReleaseClient } from './code-release.client';
import { CampaignListQueryDto } from './dto/campaign-list.dto';
import { CampaignOperationsQueryDto } from './dto/campaign-operation.dto';
import { CreateCampaignDto } from './dto/campaign.dto';

const user: AuthenticatedUser = { id: 7, username: 'alice', role: 'operator', sessionId: 's1' };
const campaignId = '0b8c6a1e-5f0e-4c47-9a8e-4d1d1c2f9e11';
const base = { templateId: 3, userVersion: '1.0.0', userDesc: 'd', extJson: { extEnable: true } };

/** The body as the ValidationPipe hands it over (an instance, absent fields undefined), with its problems. */
async function dtoOf(body: object): Promise<{ dto: CreateCampaignDto; problems: string[] }> {
  const dto = plainToInstance(CreateCampaignDto, body);
  const errors = await validate(dto, { whitelist: true, forbidNonWhitelisted: true });
  const flatten = (list: typeof errors, prefix = ''): string[] =>
    list.flatMap((error) => [
      ...Object.values(error.constraints ?? {}).map((message) => `${prefix}${error.property}: ${message}`),
      ...flatten(error.children ?? [], `${prefix}${error.property}.`),
    ]);
  return { dto, problems: flatten(errors) };
}

function answering(...replies: unknown[]) {
  const call = jest.fn();
  for (const reply of replies) call.mockResolvedValueOnce(reply);
  const client = { call } as unknown as CodeReleaseClient;
  return { call, campaigns: new CampaignsController(client), targets: new CampaignTargetsController(client) };
}

describe(CampaignsController.name, () => {
  describe('create', () => {
    it('sends a target filter, values, preflight and submit items with no absent field, as the operator', async () => {
      const { dto, problems } = await dtoOf({
        ...base,
        targetFilter: { bizRefPrefix: 'shop-' },
        values: { wxmini: { shopName: '店铺' } },
        submit: { versionDesc: 'reviewer', itemList: [{ address: 'pages/index' }] },
        preflight: {
          profileCheck: true,
          webviewDomains: { domains: ['https://shop.example.com'] },
          privacy: {
            ownerSetting: { contactEmail: 'ops@example.com', noticeMethod: 'pop-up' },
            settingList: [{ privacyKey: 'Location', privacyText: 'to find the shop' }],
          },
        },
      });
      expect(problems).toEqual([]);
      const { call, campaigns } = answering({ campaignId });
      await campaigns.create(user, dto);
      expect(call).toHaveBeenCalledTimes(1);
      const [pattern, request] = call.mock.calls[0]!;
      expect(pattern).toBe(CampaignRpcPatterns.Create);
      // toStrictEqual: an undefined field would be refused by code-release as unknown or wrong.
      expect(JSON.parse(JSON.stringify(request))).toStrictEqual(request);
      expect(request).toStrictEqual({
        ...base,
        targetFilter: { bizRefPrefix: 'shop-' },
        values: { wxmini: { shopName: '店铺' } },
        submit: { versionDesc: 'reviewer', itemList: [{ address: 'pages/index' }] },
        preflight: {
          profileCheck: true,
          webviewDomains: { domains: ['https://shop.example.com'] },
          privacy: {
            ownerSetting: { contactEmail: 'ops@example.com', noticeMethod: 'pop-up' },
            settingList: [{ privacyKey: 'Location', privacyText: 'to find the shop' }],
          },
        },
        requestedBy: 'alice',
      });
    });

    it('sends a gray plan with waitSeconds null where omitted, and the speedup policy', async () => {
      const { dto, problems } = await dtoOf({
        ...base,
        targets: [{ authorizerAppid: 'wxmini' }],
        releaseMode: 'gray',
        gray: { steps: [{ percentage: 10, waitSeconds: 60 }, { percentage: 50 }], experiencerFirst: true },
        speedup: { afterSeconds: 3600 },
      });
      expect(problems).toEqual([]);
      const { call, campaigns } = answering({ campaignId });
      await campaigns.create(user, dto);
      expect(call.mock.calls[0]![1]).toStrictEqual({
        ...base,
        targets: [{ authorizerAppid: 'wxmini' }],
        releaseMode: 'gray',
        gray: {
          experiencerFirst: true,
          steps: [
            { percentage: 10, waitSeconds: 60 },
            { percentage: 50, waitSeconds: null },
          ],
        },
        speedup: { afterSeconds: 3600 },
        requestedBy: 'alice',
      });
      expect(
        (
          await dtoOf({
            ...base,
            targets: [{ authorizerAppid: 'wxmini' }],
            gray: { steps: [{ percentage: 101 }] },
          })
        ).problems,
      ).toEqual(['gray.steps.0.percentage: percentage must not be greater than 100']);
    });

    it('refuses a campaign with neither targets nor a target filter, and a preflight domain that is not a URL', async () => {
      expect((await dtoOf(base)).problems).toEqual(['targetFilter: targets or targetFilter is required']);
      const { problems } = await dtoOf({
        ...base,
        targets: [{ authorizerAppid: 'wxmini' }],
        preflight: { serverDomains: { requestDomain: ['api.example.com'] } },
      });
      expect(problems).toEqual([
        'preflight.serverDomains.requestDomain: each domain must be scheme://host (https, wss, udp or tcp)',
      ]);
    });
  });

  describe('list', () => {
    it('answers code-release’s page with the total of its counts for the same filters', async () => {
      const { call, campaigns } = answering([{ campaignId }], { counts: [], total: 41 });
      const query = plainToInstance(CampaignListQueryDto, {
        status: 'finished',
        sort: 'userVersion',
        order: 'asc',
        limit: '10',
        offset: '20',
      });
      expect(await validate(query)).toEqual([]);
      expect(await campaigns.list(query)).toEqual({
        items: [{ campaignId }],
        total: 41,
        limit: 10,
        offset: 20,
      });
      expect(call).toHaveBeenCalledWith(CampaignRpcPatterns.List, {
        status: 'finished',
        limit: 10,
        offset: 20,
        sort: 'userVersion',
        order: 'asc',
      });
      expect(call).toHaveBeenCalledWith(CampaignSummaryRpcPatterns.Counts, { status: 'finished' });
    });
  });

  describe('targets', () => {
    it('pages by ordinal: the cursor is the last ordinal, null on the last page', async () => {
      const { call, targets } = answering(
        { targets: [{ ordinal: 4 }], nextAfterOrdinal: 4 },
        { targets: [], nextAfterOrdinal: null },
      );
      const page = await targets.targets({ campaignId }, { limit: 1, state: 'failed' });
      expect(page).toEqual({ items: [{ ordinal: 4 }], limit: 1, nextCursor: '4' });
      const last = await targets.targets({ campaignId }, { limit: 1, cursor: '4' });
      expect(last.nextCursor).toBeNull();
      expect(call.mock.calls.map(([, request]) => request)).toStrictEqual([
        { campaignId, limit: 1, state: 'failed' },
        { campaignId, limit: 1, afterOrdinal: 4 },
      ]);
    });
  });
});

describe(CampaignOperationsController.name, () => {
  const operationId = '5e0f7c1a-2b3d-4e5f-8a9b-0c1d2e3f4a5b';
  const summary = {
    operationId,
    campaignId,
    operation: 'revert',
    requestedBy: 'alice',
    status: 'running',
    total: 30,
    pending: 12,
    outcomes: { done: 18 },
    createdAt: '2026-12-02T10:00:00.000Z',
    updatedAt: '2026-12-02T10:00:05.000Z',
    finishedAt: null,
  };

  it('pages the operations with the query’s status, order, limit and offset', async () => {
    const call = jest.fn().mockResolvedValue({ operations: [summary], total: 3 });
    const controller = new CampaignOperationsController({ call } as unknown as CodeReleaseClient);
    const query = plainToInstance(CampaignOperationsQueryDto, { status: 'running', limit: '1', offset: '2' });
    expect(await validate(query)).toEqual([]);
    expect(await controller.operations({ campaignId }, query)).toEqual({
      items: [summary],
      total: 3,
      limit: 1,
      offset: 2,
    });
    expect(call).toHaveBeenCalledWith(CampaignRpcPatterns.ListOperations, {
      campaignId,
      status: 'running',
      order: 'desc',
      limit: 1,
      offset: 2,
    });
  });

  it('answers an operation of the campaign in the path, and operation_not_found for another campaign’s', async () => {
    const call = jest.fn().mockResolvedValue(summary);
    const controller = new CampaignOperationsController({ call } as unknown as CodeReleaseClient);
    expect(await controller.operation({ campaignId, operationId })).toEqual(summary);
    expect(call).toHaveBeenCalledWith(CampaignRpcPatterns.GetOperation, { operationId });
    const other = '9d7e1f00-0000-4000-8000-000000000001';
    await expect(controller.operation({ campaignId: other, operationId })).rejects.toMatchObject({
      status: 404,
      code: 'operation_not_found',
    });
  });
});
