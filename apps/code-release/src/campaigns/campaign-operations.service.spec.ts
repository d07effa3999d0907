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
  const campaigns = {
    find: jest.fn(),
    transition: jest.fn(),
    setStatus: jest.fn(),
    cancelWithAudits: jest.fn(),
  };
  const operations = {
    claimChosen: jest.fn(),
    releaseOnly: jest.fn(),
    renewLeases: jest.fn(),
    noteCancelled: jest.fn(),
  };
  const steps = { speedupRest: jest.fn(), speedup: jest.fn(), auditInFlight: jest.fn(), undo: jest.fn() };
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

  it('gives each operation its own ops: owner and renews the leases of the targets left before each batch', async () => {
    const eleven = [
      ...targets,
      { ...targets[0]!, authorizerAppid: 'wxa0000000000000010' },
      { ...targets[0]!, authorizerAppid: 'wxa0000000000000011' },
    ];
    operations.claimChosen.mockResolvedValue({ claimed: eleven, busy: [], notApplicable: [] });
    // The lease of the last one ran out and a worker took it.
    operations.renewLeases.mockResolvedValue(new Set(['wxa0000000000000010']));
    steps.speedupRest.mockResolvedValue(20);
    steps.speedup.mockResolvedValue(true);
    const first = await service.speedup('c-1', undefined, 'op:alice');
    expect(operations.renewLeases).toHaveBeenCalledTimes(1);
    const [owner, campaignId, appids] = operations.renewLeases.mock.calls[0] as [string, string, string[]];
    expect([campaignId, appids]).toEqual(['c-1', ['wxa0000000000000010', 'wxa0000000000000011']]);
    expect(owner).toBe(operations.claimChosen.mock.calls[0][3]);
    expect(owner.startsWith('ops:')).toBe(true);
    expect(steps.speedup).toHaveBeenCalledTimes(11);
    expect(first.results.find((r) => r.authorizerAppid === 'wxa0000000000000011')?.outcome).toBe('busy');
    await service.speedup('c-1', undefined, 'op:bob');
    expect(operations.claimChosen.mock.calls[1][3]).not.toBe(owner);
  });

  it('cancel with undoAudits undoes the audits read with the cancel, and asks WeChat about a submit in flight', async () => {
    campaigns.cancelWithAudits.mockResolvedValue({
      cancelled: true,
      inFlight: [
        { authorizerAppid: 'wxa-in-audit', auditId: 5, state: 'in_audit' },
        { authorizerAppid: 'wxa-submitted', auditId: null, state: 'submitting' },
        { authorizerAppid: 'wxa-not-submitted', auditId: null, state: 'submitting' },
      ],
    });
    steps.auditInFlight.mockImplementation(async (_campaign, target: ClaimedTarget) =>
      target.authorizerAppid === 'wxa-submitted' ? 9 : null,
    );
    steps.undo.mockResolvedValue({ outcome: 'done', reason: 'audit_undone' });
    await service.cancel('c-1', 'op:alice', true);
    expect(campaigns.cancelWithAudits).toHaveBeenCalledWith('c-1', 'operator:op:alice');
    const undone = steps.undo.mock.calls.map(([, target]) => [
      (target as ClaimedTarget).authorizerAppid,
      (target as ClaimedTarget).auditId,
    ]);
    expect(undone.sort()).toEqual([
      ['wxa-in-audit', 5],
      ['wxa-submitted', 9],
    ]);
    expect(operations.noteCancelled).toHaveBeenCalledTimes(2);
  });
});
