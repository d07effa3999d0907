import type { AppLogger } from '@wxop/observability';

import type { CodeReleaseConfig } from '../config/code-release.config';
import type {
  CampaignOperationsRepository,
  OperationTargetInput,
  OperationTargetOutcome,
} from './campaign-operations.repository';
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
    noteCancelled: jest.fn(),
    recordOperation: jest.fn(),
    pendingTargets: jest.fn(),
    deferTarget: jest.fn(),
    noteOutcomes: jest.fn(),
    renewOperation: jest.fn(),
    finishOperation: jest.fn(),
    targetsOf: jest.fn(),
  };
  const steps = { speedupRest: jest.fn(), speedup: jest.fn(), auditInFlight: jest.fn(), undo: jest.fn() };
  const summaries = { get: jest.fn() };
  const logger = { pino: { info: jest.fn(), warn: jest.fn(), error: jest.fn() } };
  let service: CampaignOperationsService;

  /** The recorded operation's targets as the repository keeps them (outcome, due time). */
  let recorded: Map<
    string,
    { initialState: string; auditId: number | null; dueAt: number; outcome?: OperationTargetOutcome }
  >;
  let owner: string | undefined;

  beforeEach(() => {
    jest.resetAllMocks();
    recorded = new Map();
    owner = undefined;
    campaigns.find.mockResolvedValue(campaign);
    campaigns.transition.mockResolvedValue(true);
    operations.claimChosen.mockResolvedValue({ claimed: targets, busy: [], notApplicable: [] });
    operations.recordOperation.mockImplementation(
      async (record: { owner: string }, list: OperationTargetInput[]) => {
        owner = record.owner;
        for (const target of list)
          recorded.set(target.authorizerAppid, {
            initialState: target.state,
            auditId: target.auditId ?? null,
            dueAt: Date.now() + (target.dueInSeconds ?? 0) * 1000,
          });
      },
    );
    operations.pendingTargets.mockImplementation(async (_id: string, limit: number) => {
      const left = [...recorded.entries()].filter(([, target]) => !target.outcome);
      if (left.length === 0) return { due: [], nextInSeconds: null };
      const due = left
        .filter(([, target]) => target.dueAt <= Date.now())
        .slice(0, limit)
        .map(([authorizerAppid, target]) => ({ authorizerAppid, ...target }));
      return { due, nextInSeconds: due.length > 0 ? 0 : 0.01 };
    });
    operations.deferTarget.mockImplementation(
      async (_id: string, appid: string, seconds: number, initialState: string) => {
        Object.assign(recorded.get(appid)!, { dueAt: Date.now() + seconds * 1000, initialState });
      },
    );
    operations.noteOutcomes.mockImplementation(async (_id: string, outcomes: OperationTargetOutcome[]) => {
      for (const outcome of outcomes) recorded.get(outcome.authorizerAppid)!.outcome = outcome;
    });
    operations.targetsOf.mockImplementation(async (_campaignId: string, appids: string[]) =>
      appids.map((appid) => ({
        ...targets[0]!,
        authorizerAppid: appid,
        // One target was taken by a worker while the operation's lease on it had run out.
        leaseOwner: appid === 'wxa0000000000000011' ? 'worker-2' : owner,
      })),
    );
    operations.renewOperation.mockResolvedValue(true);
    operations.finishOperation.mockResolvedValue(true);
    summaries.get.mockResolvedValue({ campaignId: 'c-1' });
    service = new CampaignOperationsService(
      campaigns as unknown as CampaignRepository,
      operations as unknown as CampaignOperationsRepository,
      steps as unknown as ReleaseSteps,
      summaries as unknown as CampaignsService,
      logger as unknown as AppLogger,
      { CODE_RELEASE_CANCEL_SETTLE_SECONDS: 0 } as CodeReleaseConfig,
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

  it('answers one batch when done, each outcome in the reply', async () => {
    steps.speedupRest.mockResolvedValue(20);
    steps.speedup.mockResolvedValue(true);
    const reply = await service.speedup('c-1', undefined, 'op:alice');
    expect(reply).toMatchObject({ done: 10, accepted: 10, running: false });
    expect(reply.results).toHaveLength(10);
    expect(operations.recordOperation).not.toHaveBeenCalled();
  });

  it('answers more than one batch at once (accepted, running) and goes on in the background under its ops: owner', async () => {
    const twelve = [
      ...targets,
      { ...targets[0]!, authorizerAppid: 'wxa0000000000000010' },
      { ...targets[0]!, authorizerAppid: 'wxa0000000000000011' },
    ];
    operations.claimChosen.mockResolvedValue({
      claimed: twelve,
      busy: [{ authorizerAppid: 'wxa-held', state: 'in_audit' }],
      notApplicable: [],
    });
    steps.speedupRest.mockResolvedValue(20);
    let release!: () => void;
    const wechat = new Promise<void>((resolve) => (release = resolve));
    steps.speedup.mockImplementation(async () => {
      await wechat;
      return true;
    });
    const reply = await service.speedup('c-1', undefined, 'op:alice');
    // Answered before WeChat answered a single speedup.
    expect(steps.speedup).not.toHaveBeenCalledTimes(12);
    expect(reply).toMatchObject({ done: 0, accepted: 12, running: true });
    expect(reply.operationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(reply.results).toEqual([{ authorizerAppid: 'wxa-held', state: 'in_audit', outcome: 'busy' }]);
    const [record, list] = operations.recordOperation.mock.calls[0] as [
      { owner: string; operationId: string; operation: string },
      OperationTargetInput[],
    ];
    expect(record).toMatchObject({
      operationId: reply.operationId,
      operation: 'speedup',
      requestedBy: 'op:alice',
    });
    expect(record.owner).toBe(operations.claimChosen.mock.calls[0][3]);
    expect(record.owner.startsWith('ops:')).toBe(true);
    expect(list.map((target) => target.authorizerAppid)).toEqual(
      twelve.map((target) => target.authorizerAppid),
    );
    release();
    await waitFor(() => operations.finishOperation.mock.calls.length === 1);
    // 11 made; the one a worker took meanwhile is busy, never sped up.
    expect(steps.speedup).toHaveBeenCalledTimes(11);
    expect(recorded.get('wxa0000000000000011')!.outcome!.outcome).toBe('busy');
    expect([...recorded.values()].filter((target) => target.outcome?.outcome === 'done')).toHaveLength(11);
    await service.speedup('c-1', undefined, 'op:bob');
    expect(operations.claimChosen.mock.calls[1][3]).not.toBe(record.owner);
  });

  it('stops a background operation whose lease another replica took over', async () => {
    const twenty = Array.from({ length: 20 }, (_, index) => ({
      ...targets[0]!,
      authorizerAppid: `wxb${String(index).padStart(16, '0')}`,
    }));
    operations.claimChosen.mockResolvedValue({ claimed: twenty, busy: [], notApplicable: [] });
    operations.renewOperation.mockResolvedValue(false);
    steps.speedupRest.mockResolvedValue(20);
    steps.speedup.mockResolvedValue(true);
    const now = jest.spyOn(Date, 'now');
    try {
      // Every batch finds its renewal due (10 s apart).
      let clock = 0;
      now.mockImplementation(() => (clock += 10_000));
      await service.speedup('c-1', undefined, 'op:alice');
      await waitFor(() => logger.pino.warn.mock.calls.length > 0);
    } finally {
      now.mockRestore();
    }
    expect(steps.speedup).not.toHaveBeenCalled();
    expect(operations.finishOperation).not.toHaveBeenCalled();
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

  it('cancel with undoAudits looks again after the settle time at a submit that showed no audit, and undoes one that arrived late', async () => {
    campaigns.cancelWithAudits.mockResolvedValue({
      cancelled: true,
      inFlight: [
        { authorizerAppid: 'wxa-late', auditId: null, state: 'submitting' },
        { authorizerAppid: 'wxa-never', auditId: null, state: 'submitting' },
      ],
    });
    // The late one's submit answers after the cancel's first look.
    steps.auditInFlight
      .mockImplementationOnce(async () => null)
      .mockImplementationOnce(async () => null)
      .mockImplementation(async (_campaign, target: ClaimedTarget) =>
        target.authorizerAppid === 'wxa-late' ? 12 : null,
      );
    steps.undo.mockResolvedValue({ outcome: 'done', reason: 'audit_undone' });
    await service.cancel('c-1', 'op:alice', true);
    await waitFor(() => operations.finishOperation.mock.calls.length === 1);
    expect(operations.deferTarget).toHaveBeenCalledTimes(2);
    expect(steps.auditInFlight).toHaveBeenCalledTimes(4);
    expect(steps.undo.mock.calls.map(([, target]) => (target as ClaimedTarget).auditId)).toEqual([12]);
    expect(operations.noteCancelled).toHaveBeenCalledWith('c-1', 'wxa-late', 'audit_undone', null);
    expect(recorded.get('wxa-never')!.outcome).toMatchObject({ outcome: 'not_applicable' });
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 2_000): Promise<void> {
  // performance.now, not Date.now: a test may drive Date.now as the service's clock.
  const until = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
