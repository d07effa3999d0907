import {
  CampaignRpcPatterns,
  CodeReleaseRpcPatterns,
  type CampaignOperationReply,
  type CampaignSummary,
  type CampaignTargetPage,
  type EventEnvelope,
  type MiniProgramVersions,
  type ReleaseHistoryPage,
  type RetryCampaignTargetsReply,
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

const COMPONENT = 'wx7777777777777778';

/**
 * The release side of campaigns (ADR 0022) end to end: wechat-sim, ingress, token and
 * code-release as processes (startReleaseStack); an operator drives code-release over RPC as
 * admin-api would, the simulator's control API plays the reviewer and shows what WeChat holds.
 */
describe('campaign release modes and operations (end to end with wechat-sim)', () => {
  let stack: ReleaseStack;
  let sim: SimProcess;
  let probe: BrokerProbe;

  const rpc = <T>(pattern: string, data: unknown) => stack.rpc<T>(pattern, data);
  const rpcError = (pattern: string, data: unknown) =>
    rpc(pattern, data).then(
      () => 'no error',
      (error: Error) => error.message,
    );

  beforeAll(async () => {
    stack = await startReleaseStack({
      componentAppid: COMPONENT,
      prefix: 'crm',
      simEnv: { SIM_AUDIT_POLICY: 'approve', SIM_AUDIT_DELAY_SECONDS: '1', SIM_AUDIT_QUOTA: '1000' },
    });
    sim = stack.sim;
    probe = await BrokerProbe.bind(['release.#'], { namespace: stack.namespace });
  }, 180_000);

  afterAll(async () => {
    await probe?.close();
    await stack?.stop();
  }, 60_000);

  const targetsOf = (appids: string[]) => appids.map((authorizerAppid) => ({ authorizerAppid }));
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
      targets: targetsOf(appids),
      extJson: { ext: { shop: '{{authorizerAppid}}' } },
      concurrency: 10,
      pollAfterSeconds: 60,
      requestedBy: 'operator-1',
      ...extra,
    });
  const campaign = (campaignId: string) => rpc<CampaignSummary>(CampaignRpcPatterns.Get, { campaignId });
  const targets = async (campaignId: string) =>
    (await rpc<CampaignTargetPage>(CampaignRpcPatterns.ListTargets, { campaignId, limit: 500 })).targets;
  const stateOf = async (campaignId: string, appid: string) =>
    (await targets(campaignId)).find((t) => t.authorizerAppid === appid)?.state;
  const statesAre = (campaignId: string, expected: Record<string, string>, timeoutMs: number, what: string) =>
    waitUntil(
      async () => {
        const all = await targets(campaignId);
        return Object.entries(expected).every(
          ([appid, state]) => all.find((t) => t.authorizerAppid === appid)?.state === state,
        );
      },
      timeoutMs,
      what,
    );
  const finished = (campaignId: string, timeoutMs: number) =>
    waitUntil(
      async () => (await campaign(campaignId)).status === 'finished',
      timeoutMs,
      'the campaign to finish',
    );
  const versions = (appid: string) =>
    rpc<MiniProgramVersions>(CodeReleaseRpcPatterns.GetVersions, {
      componentAppid: COMPONENT,
      authorizerAppid: appid,
    });
  const envelopesOf = (campaignId: string, appid?: string) =>
    (probe.envelopes as EventEnvelope<{ campaignId?: string }>[]).filter(
      (e) => e.data.campaignId === campaignId && (appid === undefined || e.authorizerAppid === appid),
    );
  const counts = async (endpoint: string, appids: string[]) => {
    const counters = await countersOf(sim, endpoint);
    return appids.map((appid) => counters.get(appid)?.calls ?? 0);
  };
  /** Mini programs with `version` online (a first campaign, released on approval). */
  const onlineAt = async (count: number, version: string) => {
    const appids = await Promise.all(Array.from({ length: count }, () => stack.newMiniProgram()));
    const first = await create(await stack.addTemplate(version), version, appids);
    await finished(first.campaignId, 90_000);
    expect((await campaign(first.campaignId)).counts['released']).toBe(count);
    return { appids, campaignId: first.campaignId };
  };

  it('gray steps advance to released (by their wait, then by the operator), a gray revert waits for approve; released targets are reverted', async () => {
    const {
      appids: [stepper, reverter],
    } = await onlineAt(2, '1.0.0');
    const templateId = await stack.addTemplate('1.1.0');
    const created = await create(templateId, '1.1.0', [stepper!, reverter!], {
      releaseMode: 'gray',
      gray: {
        steps: [
          { percentage: 10, waitSeconds: 3 },
          { percentage: 40, waitSeconds: null },
        ],
      },
    });
    // WeChat's gray plan, sampled while the campaign runs: each step's percentage shows up.
    const seen = new Map<string, Set<number>>([
      [stepper!, new Set()],
      [reverter!, new Set()],
    ]);
    await waitUntil(
      async () => {
        for (const appid of [stepper!, reverter!]) {
          const plan = (await versions(appid)).grayPlan;
          if (plan?.status === 1) seen.get(appid)!.add(plan.grayPercentage);
        }
        return [...seen.values()].every((percentages) => percentages.has(40));
      },
      60_000,
      'both targets at the 40 % step',
    );
    expect([...seen.get(stepper!)!]).toEqual([10, 40]);
    await waitUntil(
      async () => (await targets(created.campaignId)).every((t) => t.state === 'gray' && t.grayStep === 1),
      10_000,
      'both recorded at gray step 1',
    );
    // A step without a wait stays until the operator moves it.
    await sleep(2_000);
    expect(await stateOf(created.campaignId, stepper!)).toBe('gray');
    expect((await campaign(created.campaignId)).status).toBe('running');

    const advanced = await rpc<CampaignOperationReply>(CampaignRpcPatterns.GrayAdvance, {
      campaignId: created.campaignId,
      authorizerAppids: [stepper],
      requestedBy: 'operator-2',
    });
    expect(advanced.results).toEqual([{ authorizerAppid: stepper, outcome: 'done', state: 'released' }]);
    expect((await versions(stepper!)).online?.userVersion).toBe('1.1.0');
    expect((await versions(stepper!)).grayPlan?.status).toBe(3);

    const reverted = await rpc<CampaignOperationReply>(CampaignRpcPatterns.GrayRevert, {
      campaignId: created.campaignId,
      requestedBy: 'operator-2',
    });
    expect(reverted.results).toEqual([{ authorizerAppid: reverter, outcome: 'done', state: 'approved' }]);
    expect((await versions(reverter!)).grayPlan?.status).toBe(4);
    expect((await versions(reverter!)).online?.userVersion).toBe('1.0.0');
    // Held: the worker does not start the plan again by itself.
    await sleep(2_000);
    const held = (await targets(created.campaignId)).find((t) => t.authorizerAppid === reverter);
    expect(held).toMatchObject({ state: 'approved', reason: 'gray_reverted' });

    const approved = await rpc<CampaignOperationReply>(CampaignRpcPatterns.Approve, {
      campaignId: created.campaignId,
      requestedBy: 'operator-2',
    });
    expect(approved.done).toBe(1);
    await waitUntil(
      async () => (await versions(reverter!)).grayPlan?.grayPercentage === 40,
      30_000,
      'the restarted gray plan at 40 %',
    );
    // The worker writes the step once WeChat holds it: wait for our record of step 1 (40 %).
    await waitUntil(
      async () =>
        (await targets(created.campaignId)).some(
          (t) => t.authorizerAppid === reverter && t.state === 'gray' && t.grayStep === 1,
        ),
      10_000,
      'the target at gray step 1',
    );
    const last = await rpc<CampaignOperationReply>(CampaignRpcPatterns.GrayAdvance, {
      campaignId: created.campaignId,
      requestedBy: 'operator-2',
    });
    expect(last.results).toEqual([{ authorizerAppid: reverter, outcome: 'done', state: 'released' }]);
    await finished(created.campaignId, 30_000);
    expect((await campaign(created.campaignId)).counts['released']).toBe(2);

    // release.gray.stepped per step, in order; the plan started again after the revert has events of its own.
    await waitUntil(
      async () => envelopesOf(created.campaignId).filter((e) => e.type === 'release.released').length === 2,
      10_000,
      'release.released of both',
    );
    const stepsOf = (appid: string) =>
      (envelopesOf(created.campaignId, appid) as EventEnvelope<{ step: number; percentage: number }>[])
        .filter((e) => e.type === 'release.gray.stepped')
        .map((e) => ({ id: e.id, step: e.data.step, percentage: e.data.percentage }));
    expect(stepsOf(stepper!).map(({ step, percentage }) => [step, percentage])).toEqual([
      [0, 10],
      [1, 40],
    ]);
    const restarted = stepsOf(reverter!);
    expect(restarted.map(({ step, percentage }) => [step, percentage])).toEqual([
      [0, 10],
      [1, 40],
      [0, 10],
      [1, 40],
    ]);
    expect(new Set(restarted.map(({ id }) => id)).size).toBe(4);

    // Each step recorded in the mini program's history with who made it.
    const history = await rpc<ReleaseHistoryPage>(CodeReleaseRpcPatterns.ListHistory, {
      componentAppid: COMPONENT,
      authorizerAppid: stepper,
      limit: 20,
    });
    const campaignActions = history.items
      .filter((item) => item.campaignId === created.campaignId)
      .reverse()
      .map((item) => [item.action, item.actor, item.input['grayPercentage'] ?? null]);
    expect(campaignActions).toEqual([
      ['gray.set', 'code-release:campaign-worker', 10],
      ['gray.set', 'code-release:campaign-worker', 40],
      ['release', 'operator-2', null],
    ]);

    // Revert of the released targets: back to 1.0.0, state reverted, release.reverted, history.
    const revert = await rpc<CampaignOperationReply>(CampaignRpcPatterns.Revert, {
      campaignId: created.campaignId,
      requestedBy: 'operator-3',
    });
    expect(revert.done).toBe(2);
    expect(revert.campaign.counts['reverted']).toBe(2);
    for (const appid of [stepper!, reverter!]) {
      expect((await versions(appid)).online?.userVersion).toBe('1.0.0');
      expect(await stateOf(created.campaignId, appid)).toBe('reverted');
    }
    await waitUntil(
      () =>
        [stepper!, reverter!].every((appid) =>
          envelopesOf(created.campaignId, appid).some((e) => e.type === 'release.reverted'),
        ),
      20_000,
      'release.reverted',
    );
    expect(
      envelopesOf(created.campaignId, stepper!).find((e) => e.type === 'release.reverted')?.data,
    ).toEqual({
      campaignId: created.campaignId,
      userVersion: '1.1.0',
      requestedBy: 'operator-3',
    });
    const after = await rpc<ReleaseHistoryPage>(CodeReleaseRpcPatterns.ListHistory, {
      componentAppid: COMPONENT,
      authorizerAppid: stepper,
      limit: 1,
    });
    expect(after.items[0]).toMatchObject({ action: 'revert', actor: 'operator-3', outcome: 'succeeded' });
    // Reverting again is not applicable (WeChat allows one revert): no second call. (The
    // endpoint's counter also counts get_history_version reads, so compare before and after.)
    const before = await counts('wxa/revertcoderelease', [stepper!]);
    const again = await rpc<CampaignOperationReply>(CampaignRpcPatterns.Revert, {
      campaignId: created.campaignId,
      authorizerAppids: [stepper],
      requestedBy: 'operator-3',
    });
    expect(again.results).toEqual([
      { authorizerAppid: stepper, outcome: 'not_applicable', state: 'reverted' },
    ]);
    expect(await counts('wxa/revertcoderelease', [stepper!])).toEqual(before);
  }, 300_000);

  it('manual release mode: released only once approved, one target first, then all', async () => {
    const appids = await Promise.all(Array.from({ length: 3 }, () => stack.newMiniProgram()));
    const created = await create(await stack.addTemplate('2.0.0'), '2.0.0', appids, {
      releaseMode: 'manual',
    });
    await statesAre(
      created.campaignId,
      Object.fromEntries(appids.map((appid) => [appid, 'approved'])),
      60_000,
      'all approved by WeChat',
    );
    await sleep(1_500);
    expect(await counts('wxa/release', appids)).toEqual([0, 0, 0]);

    const one = await rpc<CampaignOperationReply>(CampaignRpcPatterns.Approve, {
      campaignId: created.campaignId,
      authorizerAppids: [appids[0]],
      requestedBy: 'operator-1',
    });
    expect(one.results).toEqual([{ authorizerAppid: appids[0], outcome: 'done', state: 'approved' }]);
    await statesAre(created.campaignId, { [appids[0]!]: 'released' }, 20_000, 'the approved target released');
    expect(await stateOf(created.campaignId, appids[1]!)).toBe('approved');
    expect(await counts('wxa/release', appids)).toEqual([1, 0, 0]);

    const all = await rpc<CampaignOperationReply>(CampaignRpcPatterns.Approve, {
      campaignId: created.campaignId,
      requestedBy: 'operator-1',
    });
    expect(all.done).toBe(2);
    await finished(created.campaignId, 20_000);
    expect((await campaign(created.campaignId)).counts['released']).toBe(3);
    expect(await counts('wxa/release', appids)).toEqual([1, 1, 1]);

    // Wrong mode, wrong campaign, bad fields.
    expect(
      await rpcError(CampaignRpcPatterns.GrayAdvance, { campaignId: created.campaignId, requestedBy: 'x' }),
    ).toContain('"code":"OPERATION_NOT_ALLOWED"');
    expect(
      await rpcError(CampaignRpcPatterns.Approve, {
        campaignId: '00000000-0000-4000-8000-000000000000',
        requestedBy: 'x',
      }),
    ).toContain('"code":"CAMPAIGN_NOT_FOUND"');
    const bad = await rpcError(CampaignRpcPatterns.Revert, {
      campaignId: created.campaignId,
      authorizerAppids: [42],
      colour: 'red',
    });
    expect(bad).toContain('"code":"INVALID_REQUEST"');
    expect(bad).toContain('unknown field colour');
    expect(bad).toContain('authorizerAppids must be a list of 1..10000 appids');
    expect(bad).toContain('requestedBy is required');
  }, 240_000);

  it('refuses approval on an on_approval campaign', async () => {
    const { appids, campaignId } = await onlineAt(1, '2.5.0');
    const refused = await rpcError(CampaignRpcPatterns.Approve, {
      campaignId,
      requestedBy: 'x',
      authorizerAppids: appids,
    });
    expect(refused).toContain('"code":"OPERATION_NOT_ALLOWED"');
    expect(refused).toContain('releases on approval');
  }, 120_000);

  it('speeds audits up by policy once per target (sim counters), on request answers already, and undoes them on cancel', async () => {
    const appids = await Promise.all(Array.from({ length: 3 }, () => stack.newMiniProgram()));
    await sim.control('PUT', '/settings', { auditPolicy: 'manual' });
    try {
      const created = await create(await stack.addTemplate('3.0.0'), '3.0.0', appids, {
        // Polled every second, sped up after 3 s in audit: the polls must not restart that clock.
        speedup: { afterSeconds: 3 },
        pollAfterSeconds: 1,
      });
      await waitUntil(
        async () => (await counts('wxa/speedupaudit', appids)).every((n) => n === 1),
        60_000,
        'one speedup per target',
      );
      // Several poll rounds later: still one each.
      const polled = await counts('wxa/get_auditstatus', appids);
      await waitUntil(
        async () => (await counts('wxa/get_auditstatus', appids)).every((n, i) => n >= polled[i]! + 2),
        30_000,
        'polls after the speedup',
      );
      expect(await counts('wxa/speedupaudit', appids)).toEqual([1, 1, 1]);
      const asked = await rpc<CampaignOperationReply>(CampaignRpcPatterns.Speedup, {
        campaignId: created.campaignId,
        requestedBy: 'operator-1',
      });
      expect(asked.done).toBe(0);
      // Every target not held by the worker this instant answers already (and at least one does).
      const answered = asked.results.map((r) => r.outcome).filter((o) => o !== 'busy');
      expect([...new Set(answered)]).toEqual(['already']);
      expect(await counts('wxa/speedupaudit', appids)).toEqual([1, 1, 1]);

      const cancelled = await rpc<CampaignSummary>(CampaignRpcPatterns.Cancel, {
        campaignId: created.campaignId,
        requestedBy: 'operator-1',
        undoAudits: true,
      });
      expect(cancelled.status).toBe('cancelled');
      expect(await counts('wxa/undocodeaudit', appids)).toEqual([1, 1, 1]);
      const list = await targets(created.campaignId);
      expect(list.map((t) => [t.state, t.reason])).toEqual(appids.map(() => ['cancelled', 'audit_undone']));
      for (const appid of appids) expect((await versions(appid)).audit?.statusName).toBe('withdrawn');
    } finally {
      await sim.control('PUT', '/settings', { auditPolicy: 'approve' });
    }
  }, 180_000);

  it('a retried rejected target emits a new event sequence, and the campaign a second finished event with its own id', async () => {
    const [appid] = await Promise.all([stack.newMiniProgram()]);
    await sim.control('PUT', '/settings', { auditPolicy: 'reject' });
    let created: CampaignSummary;
    try {
      created = await create(await stack.addTemplate('4.0.0'), '4.0.0', [appid]);
      await finished(created.campaignId, 60_000);
      expect((await campaign(created.campaignId)).counts['rejected']).toBe(1);
    } finally {
      await sim.control('PUT', '/settings', { auditPolicy: 'approve' });
    }
    const finishedEvents = () =>
      envelopesOf(created.campaignId).filter((e) => e.type === 'release.campaign.finished');
    await waitUntil(() => finishedEvents().length === 1, 20_000, 'the first finished event');

    const retried = await rpc<RetryCampaignTargetsReply>(CampaignRpcPatterns.Retry, {
      campaignId: created.campaignId,
      requestedBy: 'operator-1',
    });
    expect(retried.retried).toBe(1);
    await finished(created.campaignId, 60_000);
    expect((await campaign(created.campaignId)).counts['released']).toBe(1);
    await waitUntil(() => finishedEvents().length === 2, 20_000, 'a second finished event');
    const [first, second] = finishedEvents();
    expect(second!.id).not.toBe(first!.id);
    expect(first!.data).toMatchObject({ counts: { rejected: 1, released: 0 } });
    expect(second!.data).toMatchObject({ counts: { rejected: 0, released: 1 } });
    await waitUntil(
      () => envelopesOf(created.campaignId, appid).some((e) => e.type === 'release.released'),
      20_000,
      'release.released',
    );
    const events = envelopesOf(created.campaignId, appid);
    expect(events.map((e) => e.type)).toEqual([
      'release.committed',
      'release.audit.submitted',
      'release.audit.failed',
      'release.committed',
      'release.audit.submitted',
      'release.audit.succeeded',
      'release.released',
    ]);
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    expect(await counts('wxa/submit_audit', [appid])).toEqual([2]);
  }, 180_000);
});
