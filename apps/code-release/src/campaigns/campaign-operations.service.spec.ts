import type { AppLogger } from '@wxop/observability';

import type { CampaignOperationsRepository } from './campaign-operations.repository';
import { CampaignOperationsService } from './campaign-operations.service';
import type { CampaignRecord, CampaignRepository, ClaimedTarget } from './campaign.repository';
import type { CampaignsService } from './campaigns.service';
import type { ReleaseSteps } from './release-steps';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe(CampaignOperationsService.name, () => {
  const campaign = {
    campaignId: 'c-1',
    status: 'running',
    inputs: { releaseMode: 'on_approval' },
  } as unknown as CampaignRecord;
  const targets = Array.from(
    { length: 10 },
    (_, index) =>
      ({
        campaignId: 'c-1',
        authorizerAppid: `wxa${String(index).padStart(16, '0')}`,
        state: 'in_audit',
        auditId: index + 1,
        speedupAt: null,
      }) as unknown as ClaimedTarget,
  );
  const campaigns = { find: jest.fn(), transition: jest.fn() };
  const operations = { claimChosen: jest.fn(), releaseOnly: jest.fn() };
  const steps = { speedupRest: jest.fn(), speedup: jest.fn() };
  const summaries = { get: jest.fn() };
  const logger = { pino: { info: jest.fn(), warn: jest.fn() } };
  let service: CampaignOperationsService;

  beforeEach(() => {
    jest.resetAllMocks();
    campaigns.find.mockResolvedValue(campaign);
    operations.claimChosen.mockResolvedValue({ claimed: targets, busy: [], notApplicable: [] });
    summaries.get.mockResolvedValue({ campaignId: 'c-1' });
    service = new CampaignOperationsService(
      campaigns as unknown as CampaignRepository,
      operations as unknown as CampaignOperationsRepository,
      steps as unknown as ReleaseSteps,
      summaries as unknown as CampaignsService,
      logger as unknown as AppLogger,
    );
  });

  it('speedup spends no more than speedup_rest, even within one parallel batch', async () => {
    steps.speedupRest.mockImplementation(async () => {
      await tick();
      return 2;
    });
    steps.speedup.mockResolvedValue(true);
    const reply = await service.speedup('c-1', undefined, 'op:alice');
    expect(steps.speedup).toHaveBeenCalledTimes(2);
    const outcomes = reply.results.map((result) => result.outcome).sort();
    expect(outcomes).toEqual([...Array(2).fill('done'), ...Array(8).fill('limit')].sort());
  });
});
