import {
  CampaignRpcPatterns,
  CodeReleaseRpcPatterns,
  type CampaignOperationPage,
  type CampaignOperationReply,
  type CampaignOperationSummary,
  type CampaignSummary,
  type CampaignTargetPage,
  type EventEnvelope,
  type MiniProgramVersions,
} from '@wxop/contracts';
import {
  BrokerProbe,
  countersOf,
  sleep,
  startReleaseStack,
  waitUntil,
  type ReleaseStack,
  type SimProcess,
} from '@wxop/testing';

const COMPONENT = 'wx7777777777777779';
const SETTLE_SECONDS = 4;

/**
 * Campaign operations over many targets and cancel's late submits (ADR 0022, amended), end to
 * end: wechat-sim, ingress, token and code-release as processes (startReleaseStack); an operator
 * drives code-release over RPC as admin-api would, with admin-api's RPC timeout in mind.
 */
describe('campaign operations in the background (end to end with wechat-sim)', () => {
  let stack: ReleaseStack;
  let sim: SimProcess;
  let probe: BrokerProbe;

  const rpc = <T>(pattern: string, data: unknown, timeoutMs?: number) =>
    stack.rpc<T>(pattern, data, timeoutMs);

  beforeAll(async () => {
    stack = await startReleaseStack({
      componentAppid: COMPONENT,
      prefix: 'cro',
      simEnv: { SIM_AUDIT_POLICY: 'approve', SIM_AUDIT_DELAY_SECONDS: '1', SIM_AUDIT_QUOTA: '1000' },
      env: {
        'code-release': {
          CODE_RELEASE_CANCEL_SETTLE_SECONDS: String(SETTLE_SECONDS),
          // The operations' lease follows one target's worst case at this timeout (33 s).
          CODE_RELEASE_WECHAT_TIMEOUT_MS: '3000',
        },
      },
    });
    sim = stack.sim;
    probe = await BrokerProbe.bind(['release.#'], { namespace: stack.namespace });
  }, 180_000);

  afterAll(async () => {
    await sim?.control('DELETE', '/faults').catch(() => undefined);
    await probe?.close();
    await stack?.stop();
  }, 60_000);

  const create = (
    templateId: number,
    userVersion: string,
    appids: string[],
    extra: Record<string, unknown> = {},
  ) =>
    rpc<CampaignSummary>(CampaignRpcPatterns.Create, {
      componentAppid: COMPONENT,
      templateId,
      userVersion,
      userDesc: `campaign ${userVersion}`,
      targets: appids.map((authorizerAppid) => ({ authorizerAppid })),
      extJson: { ext: { shop: '{{authorizerAppid}}' } },
      concurrency: 30,
      pollAfterSeconds: 60,
      requestedBy: 'operator-1',
      ...extra,
    });
  const campaign = (campaignId: string) => rpc<CampaignSummary>(CampaignRpcPatterns.Get, { campaignId });
  const targets = async (campaignId: string) =>
    (await rpc<CampaignTargetPage>(CampaignRpcPatterns.ListTargets, { campaignId, limit: 500 })).targets;
  const finished = (campaignId: string, timeoutMs: number) =>
    waitUntil(
      async () => (await campaign(campaignId)).status === 'finished',
      timeoutMs,
      'the campaign to finish',
    );
  /** The distinct release.reverted event ids per mini program of the campaign. */
  const revertedEvents = (campaignId: string) => {
    const byAppid = new Map<string, Set<string>>();
    for (const e of probe.envelopes as EventEnvelope<{ campaignId?: string }>[])
      if (e.type === 'release.reverted' && e.data.campaignId === campaignId)
        byAppid.set(e.authorizerAppid!, (byAppid.get(e.authorizerAppid!) ?? new Set()).add(e.id));
    return byAppid;
  };
  const versions = (appid: string) =>
    rpc<MiniProgramVersions>(CodeReleaseRpcPatterns.GetVersions, {
      componentAppid: COMPONENT,
      authorizerAppid: appid,
    });

  it('a revert of 30 targets answers at once (accepted, running); after a crash another start of the service finishes it', async () => {
    const appids = await stack.newMiniPrograms(30, { concurrency: 10 });
    const first = await create(await stack.addTemplate('1.0.0'), '1.0.0', appids);
    await finished(first.campaignId, 120_000);
    const second = await create(await stack.addTemplate('1.1.0'), '1.1.0', appids);
    await finished(second.campaignId, 120_000);
    expect((await campaign(second.campaignId)).counts['released']).toBe(30);

    // Each revert takes 700 ms at WeChat: 30 of them, 10 at a time, would take more than 2 s.
    await sim.control('POST', '/faults', { endpoint: 'wxa/revertcoderelease', latencyMs: 700 });
    // Counted from here: the reverts only (GetVersions reads revertcoderelease?action=get_history_version,
    // so the versions are looked at once the counts were taken).
    await sim.control('DELETE', '/counters');
    let operationId = '';
    try {
      const startedAt = Date.now();
      const reply = await rpc<CampaignOperationReply>(
        CampaignRpcPatterns.Revert,
        { campaignId: second.campaignId, requestedBy: 'operator-2' },
        1_500,
      );
      expect(Date.now() - startedAt).toBeLessThan(1_500);
      expect(reply).toMatchObject({ accepted: 30, running: true, results: [] });
      expect(reply.operationId).toEqual(expect.any(String));
      operationId = reply.operationId!;
      // Its progress, by the id the reply gave (what a page reload in the console reads).
      const running = await rpc<CampaignOperationSummary>(CampaignRpcPatterns.GetOperation, { operationId });
      expect(running).toMatchObject({
        operationId,
        campaignId: second.campaignId,
        operation: 'revert',
        requestedBy: 'operator-2',
        status: 'running',
        total: 30,
      });
      expect(running.pending).toBeGreaterThan(0);
      // The work shows in targets.list and the counts while it goes on.
      await waitUntil(
        async () => (await targets(second.campaignId)).some((t) => t.state === 'reverted'),
        10_000,
        'a first target reverted',
      );
      // A crash mid-operation: the next start takes it over once its lease runs out.
      const revertedBefore = (await targets(second.campaignId)).filter((t) => t.state === 'reverted').length;
      await stack.restart('code-release', { signal: 'SIGKILL' });
      expect(revertedBefore).toBeLessThan(30);
    } finally {
      await sim.control('DELETE', '/faults');
    }
    const database = stack.databases['code-release']!.dataSource;
    const operationOf = async () =>
      (
        (await database.query(
          `SELECT status, lease_owner FROM code_release_operations WHERE campaign_id = ?`,
          [second.campaignId],
        )) as { status: string; lease_owner: string | null }[]
      )[0];
    await waitUntil(
      async () => (await operationOf())?.status === 'finished',
      90_000,
      'the operation finished by the restarted service',
    );
    // Never a second revert of one mini program (WeChat allows one): each is in the history once.
    const reverts = (await database.query(
      `SELECT authorizer_appid, COUNT(*) AS n FROM release_history
       WHERE campaign_id = ? AND action = 'revert' GROUP BY authorizer_appid`,
      [second.campaignId],
    )) as { authorizer_appid: string; n: number | string }[];
    expect(reverts.every((row) => Number(row.n) === 1)).toBe(true);
    expect(reverts.map((row) => row.authorizer_appid).sort()).toEqual([...appids].sort());
    // Reverted exactly once at WeChat, each: those in flight at the crash too (marked started, the
    // next owner reconciles with getversioninfo instead of calling again or leaving them released).
    const calls = await countersOf(sim, 'wxa/revertcoderelease');
    expect(appids.map((appid) => calls.get(appid)?.calls ?? 0)).toEqual(appids.map(() => 1));
    const online = await Promise.all(appids.map((appid) => versions(appid)));
    expect(online.map((v) => v.online?.userVersion)).toEqual(appids.map(() => '1.0.0'));
    expect((await targets(second.campaignId)).map((t) => t.state)).toEqual(appids.map(() => 'reverted'));
    // One release.reverted per target (a republish after the crash carries the same id).
    await waitUntil(
      () => revertedEvents(second.campaignId).size === 30,
      20_000,
      'a release.reverted for every target',
    );
    expect([...revertedEvents(second.campaignId).values()].every((ids) => ids.size === 1)).toBe(true);
    expect(await operationOf()).toEqual({ status: 'finished', lease_owner: null });
    const finishedOperation = await rpc<CampaignOperationSummary>(CampaignRpcPatterns.GetOperation, {
      operationId,
    });
    expect(finishedOperation).toMatchObject({ status: 'finished', total: 30, pending: 0 });
    expect(finishedOperation.finishedAt).toEqual(expect.any(String));
    // Every target ended done: those in flight at the crash too, reconciled by the next owner.
    expect(finishedOperation.outcomes).toEqual({ done: 30 });
    const listed = await rpc<CampaignOperationPage>(CampaignRpcPatterns.ListOperations, {
      campaignId: second.campaignId,
    });
    expect(listed).toEqual({ operations: [finishedOperation], total: 1 });
    await expect(
      rpc(CampaignRpcPatterns.GetOperation, { operationId: '00000000-0000-4000-8000-000000000000' }),
    ).rejects.toThrow('"code":"OPERATION_NOT_FOUND"');
    await expect(
      rpc(CampaignRpcPatterns.ListOperations, { campaignId: second.campaignId, limit: 0 }),
    ).rejects.toThrow('"code":"INVALID_REQUEST"');
    const [left] = (await database.query(
      `SELECT COUNT(*) AS n FROM code_release_campaign_targets WHERE campaign_id = ? AND lease_owner IS NOT NULL`,
      [second.campaignId],
    )) as { n: number | string }[];
    expect(Number(left!.n)).toBe(0);
  }, 400_000);

  it('a revert of 4 targets (one batch) killed midway is taken over and reverts each exactly once', async () => {
    const appids = await stack.newMiniPrograms(4);
    const first = await create(await stack.addTemplate('5.0.0'), '5.0.0', appids);
    await finished(first.campaignId, 120_000);
    const second = await create(await stack.addTemplate('5.1.0'), '5.1.0', appids);
    await finished(second.campaignId, 120_000);
    // Each revert takes 3 s at WeChat: the caller gives up first, and the service dies with the
    // reverts on their way (before, a batch this small was not recorded: nobody reconciled it).
    await sim.control('POST', '/faults', { endpoint: 'wxa/revertcoderelease', latencyMs: 3_000 });
    await sim.control('DELETE', '/counters');
    try {
      await expect(
        rpc(CampaignRpcPatterns.Revert, { campaignId: second.campaignId, requestedBy: 'operator-4' }, 1_000),
      ).rejects.toThrow();
      await sleep(500);
      await stack.restart('code-release', { signal: 'SIGKILL' });
    } finally {
      await sim.control('DELETE', '/faults');
    }
    const { operations } = await rpc<CampaignOperationPage>(CampaignRpcPatterns.ListOperations, {
      campaignId: second.campaignId,
    });
    expect(operations).toHaveLength(1);
    expect(operations[0]).toMatchObject({ operation: 'revert', requestedBy: 'operator-4', total: 4 });
    await waitUntil(
      async () =>
        (
          await rpc<CampaignOperationSummary>(CampaignRpcPatterns.GetOperation, {
            operationId: operations[0]!.operationId,
          })
        ).status === 'finished',
      120_000,
      'the operation finished by the restarted service',
    );
    expect((await targets(second.campaignId)).map((t) => t.state)).toEqual(appids.map(() => 'reverted'));
    const calls = await countersOf(sim, 'wxa/revertcoderelease');
    expect(appids.map((appid) => calls.get(appid)?.calls ?? 0)).toEqual(appids.map(() => 1));
    const online = await Promise.all(appids.map((appid) => versions(appid)));
    expect(online.map((v) => v.online?.userVersion)).toEqual(appids.map(() => '5.0.0'));
  }, 400_000);

  it('cancel with undoAudits withdraws an audit whose submit answered after the cancel', async () => {
    // Audits stay pending long enough to be withdrawn.
    await sim.control('PUT', '/settings', { auditDelaySeconds: 300 });
    const appid = await stack.newMiniProgram();
    // submit_audit waits 3 s before WeChat takes it: the cancel lands while it is on its way.
    await sim.control('POST', '/faults', { endpoint: 'wxa/submit_audit', latencyMs: 3_000 });
    try {
      const created = await create(await stack.addTemplate('2.0.0'), '2.0.0', [appid]);
      await waitUntil(
        async () => (await targets(created.campaignId))[0]?.state === 'submitting',
        30_000,
        'the target submitting',
      );
      await sleep(1_000);
      const cancelled = await rpc<CampaignSummary>(
        CampaignRpcPatterns.Cancel,
        { campaignId: created.campaignId, requestedBy: 'operator-3', undoAudits: true },
        5_000,
      );
      expect(cancelled.status).toBe('cancelled');
      // Then the submit reaches WeChat and is answered; the cancel's second look withdraws it.
      await waitUntil(
        async () => (await versions(appid)).audit?.statusName === 'auditing',
        10_000,
        'the late audit at WeChat',
      );
      await waitUntil(
        async () => (await targets(created.campaignId))[0]?.reason === 'audit_undone',
        (SETTLE_SECONDS + 10) * 1000,
        'the late audit undone',
      );
      expect((await versions(appid)).audit?.statusName).toBe('withdrawn');
      expect((await targets(created.campaignId))[0]).toMatchObject({
        state: 'cancelled',
        reason: 'audit_undone',
      });
      const undos = await countersOf(sim, 'wxa/undocodeaudit');
      expect(undos.get(appid)?.calls).toBe(1);
    } finally {
      await sim.control('DELETE', '/faults');
      await sim.control('PUT', '/settings', { auditDelaySeconds: 1 });
    }
  }, 120_000);
});
