import {
  CampaignRpcPatterns,
  CodeReleaseRpcPatterns,
  type AuditQuotaReply,
  type CampaignSummary,
  type CampaignTargetPage,
  type EventEnvelope,
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

const COMPONENT = 'wx7777777777777777';

/**
 * wechat-sim, ingress, token and code-release as processes with their own databases and broker
 * namespace (startReleaseStack); an operator drives code-release over RPC as admin-api would, and
 * the simulator's control API plays WeChat's reviewer.
 */
describe('release campaigns (end to end with wechat-sim, ingress and token)', () => {
  let stack: ReleaseStack;
  let sim: SimProcess;
  let probe: BrokerProbe;

  const rpc = <T>(pattern: string, data: unknown) => stack.rpc<T>(pattern, data);
  const newMiniProgram = () => stack.newMiniProgram();
  const addTemplate = (userVersion: string) => stack.addTemplate(userVersion);

  beforeAll(async () => {
    stack = await startReleaseStack({
      componentAppid: COMPONENT,
      prefix: 'crc',
      logLevel: 'info',
      simEnv: { SIM_AUDIT_POLICY: 'approve', SIM_AUDIT_DELAY_SECONDS: '1', SIM_AUDIT_QUOTA: '1000' },
      env: {
        // The quota test moves WeChat's clock up to three months ahead; its pushes (the fresh ticket) carry
        // that clock's timestamps, which the default 300 s replay window would refuse.
        ingress: { INGRESS_TIMESTAMP_WINDOW_SECONDS: String(120 * 24 * 3600) },
      },
    });
    sim = stack.sim;
    probe = await BrokerProbe.bind(['release.#'], { namespace: stack.namespace });
  }, 180_000);

  afterAll(async () => {
    await probe?.close();
    await stack?.stop();
  }, 60_000);

  const campaignTargets = async (count: number) => {
    const appids = await Promise.all(Array.from({ length: count }, () => newMiniProgram()));
    return appids.map((authorizerAppid, index) => ({
      authorizerAppid,
      bizRef: `shop-${index}`,
      values: { shopId: String(index) },
    }));
  };
  const createCampaign = (
    templateId: number,
    userVersion: string,
    targets: unknown[],
    extra: Record<string, unknown> = {},
  ) =>
    rpc<CampaignSummary>(CampaignRpcPatterns.Create, {
      componentAppid: COMPONENT,
      templateId,
      userVersion,
      userDesc: `campaign ${userVersion}`,
      targets,
      extJson: {
        ext: { shopId: '{{shopId}}', ref: '{{bizRef}}' },
        window: { navigationBarTitleText: 'Shop' },
      },
      concurrency: 20,
      pollAfterSeconds: 60,
      requestedBy: 'operator-1',
      ...extra,
    });
  const campaign = (campaignId: string) => rpc<CampaignSummary>(CampaignRpcPatterns.Get, { campaignId });
  const finished = (campaignId: string, timeoutMs: number) =>
    waitUntil(
      async () => (await campaign(campaignId)).status === 'finished',
      timeoutMs,
      'the campaign to finish',
    );
  /** Types of the release.* events a subscriber saw for one target, in arrival order. */
  const eventsOf = (campaignId: string, authorizerAppid: string): string[] =>
    (probe.envelopes as EventEnvelope<{ campaignId?: string }>[])
      .filter((e) => e.authorizerAppid === authorizerAppid && e.data.campaignId === campaignId)
      .map((e) => e.type);
  const submitsOf = async (appids: string[]) => {
    const counters = await countersOf(sim, 'wxa/submit_audit');
    return appids.map((appid) => counters.get(appid)?.calls ?? 0);
  };

  it('carries a template to 50 mini programs: each released and submitted once, a subscriber sees each target’s events in order', async () => {
    const templateId = await addTemplate('2.0.0');
    const targets = await campaignTargets(50);
    const created = await createCampaign(templateId, '2.0.0', targets);
    expect(created).toMatchObject({ status: 'running', targets: 50 });
    await finished(created.campaignId, 150_000);
    const done = await campaign(created.campaignId);
    expect(done.counts['released']).toBe(50);
    const appids = targets.map((t) => t.authorizerAppid);
    expect(await submitsOf(appids)).toEqual(appids.map(() => 1));
    // The preflight's category makes the submit's default item too: asked once per target.
    const categories = await countersOf(sim, 'wxa/get_category');
    expect(appids.map((appid) => categories.get(appid)?.calls ?? 0)).toEqual(appids.map(() => 1));
    await waitUntil(
      () =>
        probe.envelopes.some(
          (e) =>
            e.type === 'release.campaign.finished' &&
            (e.data as { campaignId: string }).campaignId === created.campaignId,
        ),
      20_000,
      'release.campaign.finished',
    );
    for (const appid of appids) {
      expect(eventsOf(created.campaignId, appid)).toEqual([
        'release.committed',
        'release.audit.submitted',
        'release.audit.succeeded',
        'release.released',
      ]);
    }
    const started = probe.envelopes.find(
      (e) =>
        e.type === 'release.campaign.started' &&
        (e.data as { campaignId: string }).campaignId === created.campaignId,
    );
    expect(started?.data).toMatchObject({ targets: 50, counts: { pending: 50 } });
  }, 240_000);
  it('finishes a campaign whose service was SIGKILLed mid-way, and submits no target twice', async () => {
    const templateId = await addTemplate('2.1.0');
    const targets = await campaignTargets(20);
    const appids = targets.map((t) => t.authorizerAppid);
    // Slow WeChat down so the kill lands with steps in flight.
    await sim.control('POST', '/faults', { endpoint: '*', latencyMs: 150 });
    try {
      const created = await createCampaign(templateId, '2.1.0', targets, { concurrency: 10 });
      await waitUntil(
        async () => (await submitsOf(appids)).reduce((a, b) => a + b, 0) >= 4,
        60_000,
        'some submits',
      );
      await stack.restart('code-release', { signal: 'SIGKILL' });
      await finished(created.campaignId, 150_000);
      expect((await campaign(created.campaignId)).counts['released']).toBe(20);
      expect(await submitsOf(appids)).toEqual(appids.map(() => 1));
    } finally {
      await sim.control('DELETE', '/faults');
    }
  }, 240_000);

  it('records a rejected target with its reason and screenshots, and reports them in release.audit.failed', async () => {
    const templateId = await addTemplate('2.2.0');
    const targets = await campaignTargets(1);
    const appid = targets[0]!.authorizerAppid;
    await sim.control('PUT', '/settings', { auditPolicy: 'manual' });
    try {
      const created = await createCampaign(templateId, '2.2.0', targets);
      await waitUntil(
        async () => (await campaign(created.campaignId)).counts['in_audit'] === 1,
        60_000,
        'the target in audit',
      );
      await sim.control('POST', `/platforms/${COMPONENT}/accounts/${appid}/audit`, {
        decision: 'fail',
        reason: '1:账号信息不符合规范',
      });
      await finished(created.campaignId, 60_000);
      expect((await campaign(created.campaignId)).counts['rejected']).toBe(1);
      await waitUntil(
        () => eventsOf(created.campaignId, appid).includes('release.audit.failed'),
        20_000,
        'release.audit.failed',
      );
      const failed = probe.envelopes.find(
        (e) => e.type === 'release.audit.failed' && e.authorizerAppid === appid,
      )!;
      expect(failed.data).toMatchObject({ campaignId: created.campaignId, reason: '1:账号信息不符合规范' });
      expect((failed.data as { auditId: number }).auditId).toBeGreaterThan(0);
      expect(Array.isArray((failed.data as { screenshots: unknown }).screenshots)).toBe(true);
    } finally {
      await sim.control('PUT', '/settings', { auditPolicy: 'approve' });
    }
  }, 120_000);
  it('submits no more than rest − reserve: 10 of 30 go, 20 wait in waiting_quota, then go on as the months roll over', async () => {
    const templateId = await addTemplate('2.3.0');
    const targets = await campaignTargets(30);
    const appids = targets.map((t) => t.authorizerAppid);
    const quota = await rpc<AuditQuotaReply>(CodeReleaseRpcPatterns.GetQuota, {
      componentAppid: COMPONENT,
      authorizerAppid: appids[0],
    });
    // The reserve leaves exactly 10 submits of this month's rest to the campaign.
    const created = await createCampaign(templateId, '2.3.0', targets, { quotaReserve: quota.rest - 10 });
    await waitUntil(
      async () => {
        const counts = (await campaign(created.campaignId)).counts;
        return counts['waiting_quota'] === 20;
      },
      30_000,
      '20 targets waiting for quota',
    );
    await waitUntil(
      async () => (await campaign(created.campaignId)).counts['released'] === 10,
      60_000,
      '10 released',
    );
    expect((await submitsOf(appids)).reduce((a, b) => a + b, 0)).toBe(10);
    expect((await campaign(created.campaignId)).status).toBe('running');

    // Still waiting a while later: nothing beyond rest − reserve was submitted.
    await sleep(3000);
    const waitingNow = await campaign(created.campaignId);
    expect(waitingNow.counts['waiting_quota']).toBe(20);
    // Its progress shows the quota left: the reading less the 10 submits, nothing above the reserve.
    expect(waitingNow.quota).toEqual({
      left: quota.rest - 10,
      limit: quota.limit,
      reserve: quota.rest - 10,
      availableToCampaign: 0,
      readAt: expect.any(String),
    });
    expect((await submitsOf(appids)).reduce((a, b) => a + b, 0)).toBe(10);

    // Each month on WeChat's clock the quota returns, and again no more than rest − reserve goes: the
    // frozen reserve leaves this campaign 10 + (what this month's earlier campaigns used) a month.
    // A month also expires the sim's 12 h component_verify_ticket and every token; WeChat pushes a
    // fresh ticket every 10 minutes, this sim only when told. (The first attempt stalled on both: no
    // ticket, then only 10 more of the 20 in the new month, which was right.)
    for (let month = 1; month <= 3; month++) {
      const waiting = (await campaign(created.campaignId)).counts['waiting_quota'] ?? 0;
      if (waiting === 0) break;
      await sim.control('POST', '/clock/advance', { seconds: 32 * 24 * 3600 });
      await sim.control('POST', `/platforms/${COMPONENT}/tickets`);
      await waitUntil(
        async () => {
          const now = await campaign(created.campaignId);
          return now.status === 'finished' || (now.counts['waiting_quota'] ?? 0) <= waiting - 10;
        },
        90_000,
        `month ${month}'s submits`,
      );
    }
    await finished(created.campaignId, 60_000);
    const done = await campaign(created.campaignId);
    // Every target released; one that is not shows its state, step, errcode and reason here.
    const notReleased = (
      await rpc<CampaignTargetPage>(CampaignRpcPatterns.ListTargets, {
        campaignId: created.campaignId,
        limit: 100,
      })
    ).targets.filter((t) => t.state !== 'released');
    expect(notReleased).toEqual([]);
    expect(done.counts['released']).toBe(30);
    expect(done.counts['waiting_quota']).toBe(0);
    // WeChat accepted one submit per target. A target's first call after a jump may be refused with
    // 42001 (every token expired with the month) and sent once more with a fresh token: not a submit.
    const counters = await countersOf(sim, 'wxa/submit_audit');
    expect(appids.map((appid) => counters.get(appid)!.calls - counters.get(appid)!.errors)).toEqual(
      appids.map(() => 1),
    );
    expect(appids.every((appid) => counters.get(appid)!.errors <= 1)).toBe(true);
  }, 300_000);
  it('stops a campaign whose canary is rejected: only the canary is submitted, the campaign pauses with its reason', async () => {
    const templateId = await addTemplate('2.4.0');
    const targets = await campaignTargets(8);
    const appids = targets.map((t) => t.authorizerAppid);
    await sim.control('PUT', '/settings', { auditPolicy: 'reject' });
    try {
      const created = await createCampaign(templateId, '2.4.0', targets, {
        canary: { size: 3, maxRejectionRate: 0.2 },
      });
      await waitUntil(
        async () => (await campaign(created.campaignId)).status === 'paused',
        60_000,
        'the campaign to pause',
      );
      const paused = await campaign(created.campaignId);
      expect(paused.pauseReason).toBe('canary_rejections');
      expect((await submitsOf(appids)).reduce((a, b) => a + b, 0)).toBe(3);
      await waitUntil(
        () =>
          probe.envelopes.some(
            (e) =>
              e.type === 'release.campaign.paused' &&
              (e.data as { campaignId: string }).campaignId === created.campaignId,
          ),
        20_000,
        'release.campaign.paused',
      );
    } finally {
      await sim.control('PUT', '/settings', { auditPolicy: 'approve' });
    }
  }, 120_000);
  it('invalidates a token WeChat rejects mid-campaign once, retries the call, and still submits each target once', async () => {
    const templateId = await addTemplate('2.5.0');
    const targets = await campaignTargets(3);
    const appids = targets.map((t) => t.authorizerAppid);
    const issued = async () =>
      [...(await countersOf(sim, 'cgi-bin/component/api_authorizer_token')).values()].reduce(
        (n, row) => n + row.calls,
        0,
      );
    const before = await issued();
    await sim.control('POST', '/faults', { endpoint: 'wxa/submit_audit', errcode: 40001, count: 1 });
    const created = await createCampaign(templateId, '2.5.0', targets);
    await finished(created.campaignId, 60_000);
    expect((await campaign(created.campaignId)).counts['released']).toBe(3);
    expect(await submitsOf(appids)).toEqual([1, 1, 1]);
    expect((await issued()) - before).toBe(1);
  }, 120_000);
  it('releases a target whose audit push never arrives: get_auditstatus after pollAfterSeconds', async () => {
    const templateId = await addTemplate('2.6.0');
    const targets = await campaignTargets(2);
    const appids = targets.map((t) => t.authorizerAppid);
    const platform = await sim.control<{ messageUrl: string }>('GET', `/platforms/${COMPONENT}`);
    const polls = async () => {
      const counters = await countersOf(sim, 'wxa/get_auditstatus');
      return appids.reduce((n, appid) => n + (counters.get(appid)?.calls ?? 0), 0);
    };
    // WeChat's pushes go nowhere: only polling can learn the audit results.
    await sim.control('PATCH', `/platforms/${COMPONENT}`, {
      messageUrl: 'http://127.0.0.1:9/dropped/$APPID$/messages',
    });
    try {
      const created = await createCampaign(templateId, '2.6.0', targets, { pollAfterSeconds: 2 });
      await finished(created.campaignId, 90_000);
      expect((await campaign(created.campaignId)).counts['released']).toBe(2);
      expect(await polls()).toBeGreaterThanOrEqual(2);
      expect(await submitsOf(appids)).toEqual([1, 1]);
      // Prometheus: targets by state of the campaign, and the worker's polls by endpoint and outcome.
      const metrics = await (await fetch(`${stack.codeRelease.url}/metrics`)).text();
      const sample = (name: string, ...labels: string[]) =>
        metrics
          .split('\n')
          .filter((line) => line.startsWith(`${name}{`) && labels.every((l) => line.includes(l)))
          .map((line) => Number(line.slice(line.lastIndexOf(' ') + 1)));
      expect(
        sample(
          'wxop_code_release_campaign_targets',
          `campaign_id="${created.campaignId}"`,
          'state="released"',
        ),
      ).toEqual([2]);
      expect(
        sample(
          'wxop_code_release_campaign_wechat_calls_total',
          'endpoint="get_auditstatus"',
          'outcome="ok"',
        )[0],
      ).toBeGreaterThanOrEqual(2);
      await waitUntil(
        () => appids.every((appid) => eventsOf(created.campaignId, appid).includes('release.released')),
        20_000,
        'release.released of both targets',
      );
      for (const appid of appids)
        expect(eventsOf(created.campaignId, appid)).toEqual([
          'release.committed',
          'release.audit.submitted',
          'release.audit.succeeded',
          'release.released',
        ]);
    } finally {
      await sim.control('PATCH', `/platforms/${COMPONENT}`, { messageUrl: platform.messageUrl });
    }
  }, 120_000);

  it('fails the remaining targets with template_not_found when the template is deleted mid-campaign; lists and retries them', async () => {
    const templateId = await addTemplate('2.7.0');
    const targets = await campaignTargets(6);
    const appids = targets.map((t) => t.authorizerAppid);
    const commits = async () => {
      const counters = await countersOf(sim, 'wxa/commit');
      return appids.reduce((n, appid) => n + (counters.get(appid)?.calls ?? 0), 0);
    };
    // Slow WeChat down and go one target at a time, so the deletion lands between commits.
    await sim.control('POST', '/faults', { endpoint: '*', latencyMs: 200 });
    let created: CampaignSummary;
    try {
      created = await createCampaign(templateId, '2.7.0', targets, { concurrency: 1 });
      await waitUntil(async () => (await commits()) >= 1, 60_000, 'a first commit');
      await rpc(CodeReleaseRpcPatterns.DeleteTemplate, { componentAppid: COMPONENT, templateId });
    } finally {
      await sim.control('DELETE', '/faults');
    }
    await finished(created.campaignId, 90_000);
    const done = await campaign(created.campaignId);
    const failedCount = done.counts['failed'] ?? 0;
    expect(failedCount).toBeGreaterThanOrEqual(1);
    expect(failedCount).toBeLessThan(6);
    expect((done.counts['released'] ?? 0) + failedCount).toBe(6);

    // targets.list, filtered and paged one by one: every failed target names the missing template.
    const failed: CampaignTargetPage['targets'] = [];
    let after: number | null | undefined;
    do {
      const page: CampaignTargetPage = await rpc<CampaignTargetPage>(CampaignRpcPatterns.ListTargets, {
        campaignId: created.campaignId,
        state: 'failed',
        limit: 1,
        ...(after === undefined ? {} : { afterOrdinal: after }),
      });
      expect(page.targets.length).toBeLessThanOrEqual(1);
      failed.push(...page.targets);
      after = page.nextAfterOrdinal;
    } while (after !== null);
    expect(failed).toHaveLength(failedCount);
    for (const target of failed)
      expect(target).toMatchObject({
        state: 'failed',
        step: 'committing',
        // wxa/commit answers 85014 for a template id that no longer exists (§5.2); 85064 is the library's.
        errcode: 85014,
        reason: 'template_not_found',
      });
    const all = await rpc<CampaignTargetPage>(CampaignRpcPatterns.ListTargets, {
      campaignId: created.campaignId,
    });
    expect(all.targets.map((t) => t.authorizerAppid)).toEqual(appids);
    expect(all.nextAfterOrdinal).toBeNull();

    // list: the campaign is there, newest first.
    const listed = await rpc<CampaignSummary[]>(CampaignRpcPatterns.List, {
      componentAppid: COMPONENT,
      status: 'finished',
      limit: 100,
    });
    expect(listed[0]?.campaignId).toBe(created.campaignId);

    // retry the chosen failed target: the template is gone, so it fails again with the same reason.
    const chosen = failed[0]!.authorizerAppid;
    const retried = await rpc<RetryCampaignTargetsReply>(CampaignRpcPatterns.Retry, {
      campaignId: created.campaignId,
      authorizerAppids: [chosen],
      requestedBy: 'operator-1',
    });
    expect(retried.retried).toBe(1);
    expect(retried.campaign.status).toBe('running');
    await waitUntil(
      async () => {
        const page = await rpc<CampaignTargetPage>(CampaignRpcPatterns.ListTargets, {
          campaignId: created.campaignId,
          state: 'failed',
        });
        return page.targets.some((t) => t.authorizerAppid === chosen && t.attempt === 1);
      },
      60_000,
      'the retried target to fail again',
    );
    await finished(created.campaignId, 30_000);
    const again = await rpc<CampaignTargetPage>(CampaignRpcPatterns.ListTargets, {
      campaignId: created.campaignId,
      state: 'failed',
    });
    expect(again.targets.find((t) => t.authorizerAppid === chosen)).toMatchObject({
      attempt: 1,
      reason: 'template_not_found',
    });
    expect(again.targets).toHaveLength(failedCount);
  }, 180_000);

  it('answers CAMPAIGN_NOT_FOUND for an unknown campaign', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    for (const [pattern, data] of [
      [CampaignRpcPatterns.Get, { campaignId: unknown }],
      [CampaignRpcPatterns.ListTargets, { campaignId: unknown }],
      [CampaignRpcPatterns.Retry, { campaignId: unknown, requestedBy: 'operator-1' }],
    ] as const)
      await expect(rpc(pattern, data)).rejects.toThrow('"code":"CAMPAIGN_NOT_FOUND"');
  }, 60_000);
});
