import type { AppLogger } from '@wxop/observability';

import type { CodeReleaseConfig } from '../config/code-release.config';
import type {
  CampaignOperationsRepository,
  OperationTargetInput,
  OperationTargetOutcome,
} from './campaign-operations.repository';
import { CampaignOperationsService, operationLeaseSeconds } from './campaign-operations.service';
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
    recordCancelUndos: jest.fn(),
    markStarted: jest.fn(),
    takeOverStale: jest.fn(),
    pendingTargets: jest.fn(),
    deferTarget: jest.fn(),
    noteOutcomes: jest.fn(),
    renewOperation: jest.fn(),
    finishOperation: jest.fn(),
    targetsOf: jest.fn(),
    outcomesOf: jest.fn(),
  };
  const steps = {
    speedupRest: jest.fn(),
    speedup: jest.fn(),
    auditInFlight: jest.fn(),
    undo: jest.fn(),
    revert: jest.fn(),
  };
  const summaries = { get: jest.fn() };
  const logger = { pino: { info: jest.fn(), warn: jest.fn(), error: jest.fn() } };
  let service: CampaignOperationsService;

  /** The recorded operation's targets as the repository keeps them (outcome, due time). */
  let recorded: Map<
    string,
    { initialState: string; auditId: number | null; dueAt: number; outcome?: OperationTargetOutcome }
  >;
  let owner: string | undefined;

  /** The targets cancel reads in its transaction, recorded there as its undo operation's. */
  const cancelReads = (inFlight: { authorizerAppid: string; auditId: number | null; state: string }[]) => {
    operations.recordCancelUndos.mockImplementation(
      async (_manager: unknown, record: unknown, audits: unknown) =>
        operations.recordOperation(record, audits),
    );
    campaigns.cancelWithAudits.mockImplementation(
      async (
        _id: string,
        _reason: string,
        withinCancel: (manager: unknown, audits: unknown) => Promise<void>,
      ) => {
        await withinCancel({ transaction: true }, inFlight);
        return { cancelled: true, inFlight };
      },
    );
  };

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
    operations.markStarted.mockResolvedValue(true);
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
      async (_record: unknown, appid: string, seconds: number, initialState: string) => {
        Object.assign(recorded.get(appid)!, { dueAt: Date.now() + seconds * 1000, initialState });
      },
    );
    operations.noteOutcomes.mockImplementation(
      async (_record: unknown, outcomes: OperationTargetOutcome[]) => {
        for (const outcome of outcomes) recorded.get(outcome.authorizerAppid)!.outcome = outcome;
      },
    );
    operations.targetsOf.mockImplementation(async (_campaignId: string, appids: string[]) =>
      appids.map((appid) => ({
        ...targets[0]!,
        authorizerAppid: appid,
        // One target was taken by a worker while the operation's lease on it had run out.
        leaseOwner: appid === 'wxa0000000000000011' ? 'worker-2' : owner,
      })),
    );
    operations.outcomesOf.mockImplementation(async () =>
      [...recorded.entries()].map(([authorizerAppid, target]) => ({
        authorizerAppid,
        outcome: target.outcome?.outcome ?? null,
        state: target.outcome?.state ?? null,
        errcode: target.outcome?.errcode ?? null,
        message: target.outcome?.message ?? null,
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
      { CODE_RELEASE_CANCEL_SETTLE_SECONDS: 0, CODE_RELEASE_WECHAT_TIMEOUT_MS: 10_000 } as CodeReleaseConfig,
    );
  });

  it('leases an operation for longer than one target’s worst case (two calls of three attempts at the timeout)', () => {
    for (const timeoutMs of [100, 3_000, 10_000, 60_000])
      expect(operationLeaseSeconds(timeoutMs) * 1000).toBeGreaterThan(2 * 3 * timeoutMs);
    expect(operationLeaseSeconds(100)).toBe(30);
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

  it('answers one batch that outlasts the caller’s deadline as running, with its operationId, and finishes it', async () => {
    steps.speedupRest.mockResolvedValue(20);
    steps.speedup.mockImplementation(async () => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      return true;
    });
    // The caller stops waiting 1.6 s from now: less the 1.5 s margin, 100 ms are left.
    const startedAt = Date.now();
    const reply = await service.speedup('c-1', undefined, 'op:alice', Date.now() + 1_600);
    expect(Date.now() - startedAt).toBeLessThan(280);
    expect(reply).toMatchObject({ accepted: 10, running: true, done: 0, results: [] });
    expect(reply.operationId).toBe(
      (operations.recordOperation.mock.calls[0][0] as { operationId: string }).operationId,
    );
    await waitFor(() => operations.finishOperation.mock.calls.length === 1);
    expect([...recorded.values()].every((target) => target.outcome?.outcome === 'done')).toBe(true);
  });

  it('marks an operation lost when its outcomes are not written (another replica holds it), and stops', async () => {
    steps.speedupRest.mockResolvedValue(20);
    steps.speedup.mockResolvedValue(true);
    operations.claimChosen.mockResolvedValue({ claimed: twenty(), busy: [], notApplicable: [] });
    operations.noteOutcomes.mockResolvedValue(0);
    await service.speedup('c-1', undefined, 'op:alice');
    await waitFor(() => logger.pino.warn.mock.calls.length > 0);
    expect(logger.pino.warn.mock.calls[0]![1]).toBe(
      'campaign operation lease lost: another replica goes on with it',
    );
    // One batch, not the same due targets again and again.
    expect(steps.speedup).toHaveBeenCalledTimes(10);
    expect(operations.finishOperation).not.toHaveBeenCalled();
  });

  it('answers one batch when done, each outcome in the reply', async () => {
    steps.speedupRest.mockResolvedValue(20);
    steps.speedup.mockResolvedValue(true);
    const reply = await service.speedup('c-1', undefined, 'op:alice');
    expect(reply).toMatchObject({ done: 10, accepted: 10, running: false });
    expect(reply.results).toHaveLength(10);
    expect(reply.results.every((result) => result.outcome === 'done')).toBe(true);
    // Recorded all the same (a crash midway is taken over and reconciled), and finished.
    expect(operations.recordOperation).toHaveBeenCalledTimes(1);
    expect(reply.operationId).toBe(
      (operations.recordOperation.mock.calls[0][0] as { operationId: string }).operationId,
    );
    expect(operations.finishOperation).toHaveBeenCalledTimes(1);
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

  const twenty = () =>
    Array.from({ length: 20 }, (_, index) => ({
      ...targets[0]!,
      authorizerAppid: `wxb${String(index).padStart(16, '0')}`,
    }));

  it('stops a background operation whose lease another replica took over, after the batch in flight', async () => {
    operations.claimChosen.mockResolvedValue({ claimed: twenty(), busy: [], notApplicable: [] });
    operations.renewOperation.mockResolvedValue(false);
    service.renewEveryMs = 5;
    steps.speedupRest.mockResolvedValue(20);
    steps.speedup.mockImplementation(async () => {
      await new Promise((resolve) => setTimeout(resolve, 30));
      return true;
    });
    await service.speedup('c-1', undefined, 'op:alice');
    await waitFor(() => logger.pino.warn.mock.calls.length > 0);
    expect(steps.speedup).toHaveBeenCalledTimes(10);
    expect(operations.finishOperation).not.toHaveBeenCalled();
  });

  it('renews its lease on its own timer while a batch is in flight (a batch can outlast the lease)', async () => {
    operations.claimChosen.mockResolvedValue({ claimed: twenty(), busy: [], notApplicable: [] });
    service.renewEveryMs = 5;
    steps.speedupRest.mockResolvedValue(20);
    // WeChat answers only once the lease was renewed twice meanwhile.
    steps.speedup.mockImplementation(async () => {
      await waitFor(() => operations.renewOperation.mock.calls.length >= 2);
      return true;
    });
    await service.speedup('c-1', undefined, 'op:alice');
    await waitFor(() => operations.finishOperation.mock.calls.length === 1);
    expect(steps.speedup).toHaveBeenCalledTimes(20);
    const renewals = operations.renewOperation.mock.calls.length;
    await new Promise((resolve) => setTimeout(resolve, 30));
    // The timer stops with the operation.
    expect(operations.renewOperation.mock.calls.length).toBe(renewals);
  });

  it('never takes over an operation this process drives itself', async () => {
    operations.claimChosen.mockResolvedValue({ claimed: twenty(), busy: [], notApplicable: [] });
    steps.speedupRest.mockResolvedValue(20);
    let release!: () => void;
    const wechat = new Promise<void>((resolve) => (release = resolve));
    steps.speedup.mockImplementation(async () => {
      await wechat;
      return true;
    });
    const reply = await service.speedup('c-1', undefined, 'op:alice');
    operations.takeOverStale.mockResolvedValue(null);
    await service.takeOver();
    expect(operations.takeOverStale).toHaveBeenCalledWith(expect.any(Function), expect.any(Number), [
      reply.operationId,
    ]);
    release();
    await waitFor(() => operations.finishOperation.mock.calls.length === 1);
    await service.takeOver();
    expect(operations.takeOverStale).toHaveBeenLastCalledWith(expect.any(Function), expect.any(Number), []);
  });

  it('a target resumed after a crash is run as resumed, and its start is noted fenced by the operation', async () => {
    const list = twenty();
    operations.claimChosen.mockResolvedValue({ claimed: list, busy: [], notApplicable: [] });
    operations.pendingTargets.mockImplementationOnce(async () => ({
      due: [
        { authorizerAppid: list[0]!.authorizerAppid, initialState: 'released', auditId: null, started: true },
      ],
      nextInSeconds: 0,
    }));
    const revert = steps.revert.mockResolvedValue(null);
    await service.revert('c-1', undefined, 'op:alice');
    await waitFor(() => operations.finishOperation.mock.calls.length === 1);
    const first = revert.mock.calls[0] as [
      unknown,
      ClaimedTarget,
      string,
      { resumed: boolean; started: () => Promise<boolean> },
    ];
    expect(first[1].authorizerAppid).toBe(list[0]!.authorizerAppid);
    expect(first[3].resumed).toBe(true);
    await first[3].started();
    expect(operations.markStarted).toHaveBeenCalledWith(
      expect.objectContaining({ owner }),
      list[0]!.authorizerAppid,
    );
  });

  it('cancel undoes an in-audit target only when the audit in flight is the target’s', async () => {
    cancelReads([
      { authorizerAppid: 'wxa-ours', auditId: 5, state: 'in_audit' },
      { authorizerAppid: 'wxa-other', auditId: 6, state: 'in_audit' },
      { authorizerAppid: 'wxa-gone', auditId: 7, state: 'in_audit' },
    ]);
    steps.auditInFlight.mockImplementation(async (_campaign, target: ClaimedTarget) =>
      target.authorizerAppid === 'wxa-ours' ? 5 : target.authorizerAppid === 'wxa-other' ? 66 : null,
    );
    steps.undo.mockResolvedValue({ outcome: 'done', reason: 'audit_undone' });
    await service.cancel('c-1', 'op:alice', true);
    await waitFor(() => operations.finishOperation.mock.calls.length === 1);
    expect(steps.undo.mock.calls.map(([, target]) => (target as ClaimedTarget).authorizerAppid)).toEqual([
      'wxa-ours',
    ]);
    // A withdrawn audit (a re-run after a crash) or another audit: nothing noted over the target's reason.
    expect(operations.noteCancelled).toHaveBeenCalledTimes(1);
    expect(recorded.get('wxa-other')!.outcome).toMatchObject({ outcome: 'not_applicable' });
    expect(recorded.get('wxa-gone')!.outcome).toMatchObject({ outcome: 'not_applicable' });
  });

  it('cancel with undoAudits undoes the audits read with the cancel, and asks WeChat about a submit in flight', async () => {
    cancelReads([
      { authorizerAppid: 'wxa-in-audit', auditId: 5, state: 'in_audit' },
      { authorizerAppid: 'wxa-submitted', auditId: null, state: 'submitting' },
      { authorizerAppid: 'wxa-not-submitted', auditId: null, state: 'submitting' },
    ]);
    steps.auditInFlight.mockImplementation(async (_campaign, target: ClaimedTarget) =>
      target.authorizerAppid === 'wxa-submitted' ? 9 : target.authorizerAppid === 'wxa-in-audit' ? 5 : null,
    );
    steps.undo.mockResolvedValue({ outcome: 'done', reason: 'audit_undone' });
    await service.cancel('c-1', 'op:alice', true);
    // The undo operation is recorded in the cancel's own transaction, not after it.
    expect(campaigns.cancelWithAudits).toHaveBeenCalledWith('c-1', 'operator:op:alice', expect.any(Function));
    expect(operations.recordCancelUndos).toHaveBeenCalledWith(
      { transaction: true },
      expect.objectContaining({ operation: 'cancel.undo', requestedBy: 'op:alice' }),
      expect.arrayContaining([expect.objectContaining({ authorizerAppid: 'wxa-in-audit' })]),
      expect.any(Number),
    );
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
    cancelReads([
      { authorizerAppid: 'wxa-late', auditId: null, state: 'submitting' },
      { authorizerAppid: 'wxa-never', auditId: null, state: 'submitting' },
    ]);
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
    expect(operations.noteCancelled).toHaveBeenCalledWith(
      expect.objectContaining({ owner }),
      'wxa-late',
      'audit_undone',
      null,
    );
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
