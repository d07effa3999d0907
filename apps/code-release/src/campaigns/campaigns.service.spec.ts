import type { CampaignRepository, NewTarget } from './campaign.repository';
import { parseCreateCampaign } from './campaign-request.util';
import { CampaignsService } from './campaigns.service';
import type { PlatformQuotaRepository } from './platform-quota.repository';
import type { PreflightSteps } from './preflight.steps';
import type { TargetFilterService } from './target-filter.service';

const COMPONENT = 'wx1234567890abcdef';
const [A, B, C] = ['wxa000000000000001', 'wxa000000000000002', 'wxa000000000000003'];

describe(CampaignsService.name, () => {
  const campaigns = { create: jest.fn(), find: jest.fn(), countsByState: jest.fn() };
  const targetFilter = { resolve: jest.fn(), profiles: jest.fn() };
  const preflight = { checkPlatform: jest.fn() };
  const quota = { reading: jest.fn() };
  const service = new CampaignsService(
    campaigns as unknown as CampaignRepository,
    targetFilter as unknown as TargetFilterService,
    preflight as unknown as PreflightSteps,
    quota as unknown as PlatformQuotaRepository,
  );
  const create = (extJson: object, targets: object[], values?: object) =>
    service.create(
      parseCreateCampaign(
        {
          templateId: 1,
          userVersion: '1.0.0',
          userDesc: 'd',
          extJson,
          targets,
          ...(values ? { values } : {}),
          requestedBy: 'op',
        },
        COMPONENT,
      ),
    );
  const frozen = () => campaigns.create.mock.calls[0]![1] as NewTarget[];

  beforeEach(() => {
    jest.resetAllMocks();
    campaigns.find.mockImplementation(async (campaignId: string) => ({
      campaignId,
      componentAppid: COMPONENT,
      templateId: 1,
      userVersion: '1.0.0',
      userDesc: 'd',
      createdBy: 'op',
      // As stored before release modes existed: no releaseMode, gray or releaseWindow.
      inputs: { extJson: {} },
      status: 'running',
      pauseReason: null,
      targetCount: 3,
      concurrency: 20,
      quotaReserve: 0,
      startedAt: new Date(),
      createdAt: new Date(),
      finishedAt: null,
    }));
    campaigns.countsByState.mockResolvedValue([]);
    quota.reading.mockResolvedValue(null);
    targetFilter.profiles.mockResolvedValue(
      new Map([
        [A, { bizRef: 'shop-a', nickName: '甲店' }],
        [B, { bizRef: 'shop-b', nickName: '乙店' }],
        [C, { bizRef: null, nickName: null }],
      ]),
    );
  });

  it('fills only the bizRef or nickName an explicit target lacks, keeping what the operator gave', async () => {
    await create(
      { ext: { ref: '{{bizRef}}', name: '{{nickName}}' } },
      [{ authorizerAppid: A, nickName: '自定义' }, { authorizerAppid: B }],
      { [B]: { bizRef: 'mine-b' } },
    );
    expect(targetFilter.profiles).toHaveBeenCalledWith(COMPONENT, [A, B]);
    expect(
      frozen().map(({ authorizerAppid, bizRef, nickName }) => ({ authorizerAppid, bizRef, nickName })),
    ).toEqual([
      { authorizerAppid: A, bizRef: 'shop-a', nickName: '自定义' },
      // values.bizRef stands in for the authorizer's: only the nick name is taken from it.
      { authorizerAppid: B, bizRef: null, nickName: '乙店' },
    ]);
  });

  it('asks the authorizer service nothing when the ext_json needs neither, or every target has them', async () => {
    await create({ ext: { app: '{{authorizerAppid}}' } }, [{ authorizerAppid: A }]);
    await create({ ext: { name: '{{nickName}}' } }, [{ authorizerAppid: A, nickName: 'n' }]);
    expect(targetFilter.profiles).not.toHaveBeenCalled();
    expect(campaigns.create).toHaveBeenCalledTimes(2);
  });

  it('answers the choices made at creation, with defaults for a campaign stored before release modes', async () => {
    const older = await service.get('c-old');
    expect(older).toMatchObject({
      userDesc: 'd',
      createdBy: 'op',
      releaseMode: 'on_approval',
      gray: null,
      releaseWindow: null,
      concurrency: 20,
      quotaReserve: 0,
    });

    const plan = {
      steps: [
        { percentage: 10, waitSeconds: 3600 },
        { percentage: 50, waitSeconds: null },
      ],
    };
    await service.create(
      parseCreateCampaign(
        {
          templateId: 1,
          userVersion: '1.0.0',
          userDesc: 'gray one',
          extJson: {},
          targets: [{ authorizerAppid: A }],
          releaseMode: 'gray',
          gray: plan,
          releaseWindow: { startHour: 9, endHour: 18, utcOffsetMinutes: 480 },
          concurrency: 5,
          quotaReserve: 2,
          requestedBy: 'alice',
        },
        COMPONENT,
      ),
    );
    const stored = campaigns.create.mock.calls[0]![0] as Record<string, unknown>;
    campaigns.find.mockResolvedValueOnce({
      ...stored,
      status: 'running',
      pauseReason: null,
      targetCount: 1,
      startedAt: new Date(),
      createdAt: new Date(),
      finishedAt: null,
    });
    expect(await service.get(String(stored['campaignId']))).toMatchObject({
      userDesc: 'gray one',
      createdBy: 'alice',
      releaseMode: 'gray',
      gray: { ...plan, experiencerFirst: false, debuggerFirst: false },
      releaseWindow: { startHour: 9, endHour: 18, utcOffsetMinutes: 480 },
      concurrency: 5,
      quotaReserve: 2,
    });
  });

  it('refuses, creating nothing, when the authorizer service has no value either', async () => {
    await expect(
      create({ ext: { name: '{{nickName}}' } }, [{ authorizerAppid: A }, { authorizerAppid: C }]),
    ).rejects.toThrow(
      `extJson uses {{nickName}}, which 1 target(s) have no value for (${C}): give it per target (bizRef, nickName, values) or in values (the authorizer service holds no bizRef or nickName for them either)`,
    );
    expect(campaigns.create).not.toHaveBeenCalled();
  });
});
