import { createEnvelope } from '@wxop/contracts';
import { TransactionalOutbox, type EventPublisher } from '@wxop/messaging';
import { createTestDatabase, type TestDatabase } from '@wxop/testing';

import { CampaignOperationsRepository } from '../src/campaigns/campaign-operations.repository';
import { CampaignRepository, type NewTarget } from '../src/campaigns/campaign.repository';
import { TargetStates } from '../src/campaigns/target-state';
import { CODE_RELEASE_MIGRATIONS } from '../src/database/migrations';

const COMPONENT = 'wx7777777777777777';

/** The outbox's relay is not part of this suite: only rows written in the repository's transactions are. */
const noPublishing = {
  publish: () => Promise.reject(new Error('the relay is not exercised by this suite')),
} as unknown as EventPublisher;

/** Leases, fences and the outbox of campaign targets, on the real server with the real migrations. */
describe('CampaignRepository (real MariaDB)', () => {
  let database: TestDatabase;
  let sut: CampaignRepository;
  let sequence = 0;

  // One mini program is in one campaign here: WeChat keeps one audit in flight per mini program.
  const targets = (count: number): NewTarget[] =>
    Array.from({ length: count }, (_, index) => ({
      authorizerAppid: `wx${String(sequence).padStart(4, '0')}${String(index).padStart(12, '0')}`,
      bizRef: `shop-${index}`,
      nickName: `店 ${index}`,
      variables: { shopId: String(index) },
    }));

  const createCampaign = async (count: number, concurrency: number): Promise<string> => {
    sequence += 1;
    const campaignId = `00000000-0000-4000-8000-${String(sequence).padStart(12, '0')}`;
    await sut.create(
      {
        campaignId,
        componentAppid: COMPONENT,
        templateId: 47,
        userVersion: '1.2.0',
        userDesc: 'notes',
        inputs: { releaseMode: 'on_approval' },
        concurrency,
        quotaReserve: 0,
        createdBy: 'operator-1',
      },
      targets(count),
      [
        createEnvelope(
          'release.campaign.started',
          { campaignId },
          { componentAppid: COMPONENT, id: campaignId },
        ),
      ],
    );
    return campaignId;
  };

  const outboxIds = async (): Promise<string[]> =>
    (
      (await database.dataSource.query(`SELECT event_id FROM messaging_outbox`)) as { event_id: string }[]
    ).map((row) => row.event_id);

  beforeAll(async () => {
    database = await createTestDatabase({ prefix: 'campaigns', migrations: CODE_RELEASE_MIGRATIONS });
    sut = new CampaignRepository(
      database.dataSource,
      new TransactionalOutbox(database.dataSource, noPublishing),
    );
  });

  afterAll(async () => {
    await database?.drop();
  });

  it('stores the campaign, its frozen targets in order and its started event in one go', async () => {
    const campaignId = await createCampaign(3, 2);
    const campaign = await sut.find(campaignId);
    expect(campaign).toMatchObject({
      status: 'running',
      targetCount: 3,
      templateId: 47,
      inputs: { releaseMode: 'on_approval' },
    });
    expect(await sut.countsByState(campaignId)).toEqual([{ state: 'pending', count: 3 }]);
    expect(await outboxIds()).toContain(campaignId);
  });

  it('lets two replicas claiming at once share the targets without overlap and within the concurrency', async () => {
    const campaignId = await createCampaign(20, 8);
    const [a, b] = await Promise.all([
      sut.claimDue(campaignId, 'replica-a', 30),
      sut.claimDue(campaignId, 'replica-b', 30),
    ]);
    const appids = [...a, ...b].map((target) => target.authorizerAppid);
    expect(appids).toHaveLength(8);
    expect(new Set(appids).size).toBe(8);
    expect(await sut.claimDue(campaignId, 'replica-c', 30)).toEqual([]);
    expect(
      a.concat(b).every((target) => !target.mustReconcile && target.variables?.['shopId'] !== undefined),
    ).toBe(true);
  });

  it('claims in due order through its index: reads the rows it leases, not every due target, and skips final and leased ones', async () => {
    const campaignId = await createCampaign(2000, 5);
    await database.dataSource.query(
      `UPDATE code_release_campaign_targets SET state = 'released' WHERE campaign_id = ? AND ordinal < 10`,
      [campaignId],
    );
    await database.dataSource.query(
      `UPDATE code_release_campaign_targets SET next_attempt_at = UTC_TIMESTAMP(3) - INTERVAL 1 MINUTE
       WHERE campaign_id = ? AND ordinal = 1500`,
      [campaignId],
    );
    // The claim's SELECT as sent, run again under ANALYZE: the rows it really read.
    const sent: { query: string; parameters: unknown }[] = [];
    const logger = database.dataSource.logger;
    const logQuery = logger.logQuery.bind(logger);
    logger.logQuery = (query, parameters, runner) => {
      if (query.includes('SKIP LOCKED')) sent.push({ query, parameters: parameters ?? [] });
      return logQuery(query, parameters, runner);
    };
    let first: Awaited<ReturnType<CampaignRepository['claimDue']>>;
    try {
      first = await sut.claimDue(campaignId, 'replica-a', 30);
    } finally {
      logger.logQuery = logQuery;
    }
    // Due first the one made due earlier, then by ordinal past the released ones.
    expect(first.map((target) => target.ordinal)).toEqual([1500, 10, 11, 12, 13]);
    const [analyzed] = (await database.dataSource.query(
      `ANALYZE FORMAT=JSON ${sent[0]!.query}`,
      sent[0]!.parameters as unknown[],
    )) as { ANALYZE: string }[];
    const rowsRead = (node: unknown): number =>
      typeof node !== 'object' || node === null
        ? 0
        : Object.entries(node).reduce(
            (sum, [key, value]) => sum + (key === 'r_rows' ? Number(value) : rowsRead(value)),
            0,
          );
    // 5 leased now (out of the claim's range), 5 more due: about LIMIT rows, not the 1,990 due.
    expect(rowsRead(JSON.parse(analyzed!.ANALYZE))).toBeLessThanOrEqual(20);
    // Leased targets are due again only when their lease ends: a second replica takes the next ones.
    await database.dataSource.query(
      `UPDATE code_release_campaigns SET concurrency = 10 WHERE campaign_id = ?`,
      [campaignId],
    );
    const second = await sut.claimDue(campaignId, 'replica-b', 30);
    expect(second.map((target) => target.ordinal)).toEqual([14, 15, 16, 17, 18]);
  });

  it('refuses the write of a replica whose lease was taken over, and asks the new holder to reconcile', async () => {
    const campaignId = await createCampaign(1, 1);
    const [claimed] = await sut.claimDue(campaignId, 'replica-a', 30);
    expect(
      await sut.transition('replica-a', claimed!, TargetStates.Pending, {
        state: TargetStates.Submitting,
        keepLease: true,
      }),
    ).toBe(true);
    // replica-a dies mid-submit: its lease runs out.
    await database.dataSource.query(
      `UPDATE code_release_campaign_targets SET lease_until = UTC_TIMESTAMP(3) - INTERVAL 1 SECOND WHERE campaign_id = ?`,
      [campaignId],
    );
    const [taken] = await sut.claimDue(campaignId, 'replica-b', 30);
    expect(taken).toMatchObject({ state: 'submitting', mustReconcile: true });

    const late = createEnvelope(
      'release.audit.submitted',
      { campaignId, auditId: 1 },
      {
        componentAppid: COMPONENT,
        authorizerAppid: taken!.authorizerAppid,
        id: '10000000-0000-4000-8000-000000000001',
      },
    );
    expect(
      await sut.transition(
        'replica-a',
        taken!,
        TargetStates.Submitting,
        { state: TargetStates.InAudit, auditId: 1 },
        [late],
      ),
    ).toBe(false);
    expect(await outboxIds()).not.toContain(late.id);

    const adopted = createEnvelope(
      'release.audit.submitted',
      { campaignId, auditId: 2 },
      {
        componentAppid: COMPONENT,
        authorizerAppid: taken!.authorizerAppid,
        id: '10000000-0000-4000-8000-000000000002',
      },
    );
    expect(
      await sut.transition(
        'replica-b',
        taken!,
        TargetStates.Submitting,
        { state: TargetStates.InAudit, auditId: 2, dueInSeconds: 600 },
        [adopted],
      ),
    ).toBe(true);
    expect(await outboxIds()).toContain(adopted.id);
    expect(await sut.claimDue(campaignId, 'replica-b', 30)).toEqual([]);
  });

  it('applies an audit result to the mini program’s target in audit, once, with reason and screenshots', async () => {
    const campaignId = await createCampaign(1, 1);
    const [claimed] = await sut.claimDue(campaignId, 'replica-a', 30);
    await sut.transition('replica-a', claimed!, TargetStates.Pending, {
      state: TargetStates.InAudit,
      auditId: 77,
      dueInSeconds: 600,
    });
    const apply = () =>
      database.dataSource.transaction((manager) =>
        sut.applyAuditResult(
          manager,
          claimed!.authorizerAppid,
          { state: TargetStates.Rejected, reason: '包含色情因素', screenshots: ['m1', 'm2'] },
          ({ campaignId: id, auditId }) => [
            createEnvelope(
              'release.audit.failed',
              { campaignId: id, auditId, reason: '包含色情因素', screenshots: ['m1', 'm2'] },
              {
                componentAppid: COMPONENT,
                authorizerAppid: claimed!.authorizerAppid,
                id: '20000000-0000-4000-8000-000000000001',
              },
            ),
          ],
        ),
      );
    expect(await apply()).toEqual({ campaignId });
    expect(await apply()).toBeUndefined();
    const [row] = (await database.dataSource.query(
      `SELECT state, reason, screenshots FROM code_release_campaign_targets WHERE campaign_id = ?`,
      [campaignId],
    )) as { state: string; reason: string; screenshots: unknown }[];
    expect(row).toEqual({ state: 'rejected', reason: '包含色情因素', screenshots: ['m1', 'm2'] });
  });

  it('applies an audit result without waiting for a claim that holds the campaign row', async () => {
    const campaignId = await createCampaign(1, 1);
    const [claimed] = await sut.claimDue(campaignId, 'replica-a', 30);
    await sut.transition('replica-a', claimed!, TargetStates.Pending, {
      state: TargetStates.InAudit,
      auditId: 78,
      dueInSeconds: 600,
    });
    const claim = database.dataSource.createQueryRunner();
    await claim.connect();
    try {
      await claim.startTransaction('READ COMMITTED');
      await claim.query(`SELECT status FROM code_release_campaigns WHERE campaign_id = ? FOR UPDATE`, [
        campaignId,
      ]);
      const applied = database.dataSource.transaction((manager) =>
        sut.applyAuditResult(manager, claimed!.authorizerAppid, { state: TargetStates.Approved }, () => []),
      );
      const outcome = await Promise.race([
        applied,
        new Promise((resolve) => setTimeout(() => resolve('waited for the campaign row'), 2000)),
      ]);
      expect(outcome).toEqual({ campaignId });
    } finally {
      await claim.commitTransaction();
      await claim.release();
    }
  });

  it('cancels every unfinished target with the campaign, leaving finished ones alone', async () => {
    const campaignId = await createCampaign(3, 3);
    const [first] = await sut.claimDue(campaignId, 'replica-a', 30);
    await sut.transition('replica-a', first!, TargetStates.Pending, { state: TargetStates.Skipped });
    expect(await sut.setStatus(campaignId, ['running', 'paused'], 'cancelled', 'operator')).toBe(true);
    expect(await sut.setStatus(campaignId, ['running', 'paused'], 'cancelled', 'operator')).toBe(false);
    expect((await sut.countsByState(campaignId)).sort((x, y) => x.state.localeCompare(y.state))).toEqual([
      { state: 'cancelled', count: 2 },
      { state: 'skipped', count: 1 },
    ]);
    expect(await sut.claimDue(campaignId, 'replica-a', 30)).toEqual([]);
  });

  it('does not finish a campaign at a generation a retry has moved past', async () => {
    const campaignId = await createCampaign(1, 1);
    const [only] = await sut.claimDue(campaignId, 'replica-a', 30);
    await sut.transition('replica-a', only!, TargetStates.Pending, { state: TargetStates.Failed });
    const read = await sut.find(campaignId);
    // A retry commits between the worker's read of the counts and its finish.
    expect(await sut.retryFailed(campaignId, undefined)).toBe(1);
    expect(await sut.setStatus(campaignId, ['running'], 'finished', null, [], read!.generation)).toBe(false);
    expect((await sut.find(campaignId))!.status).toBe('running');
    expect(await sut.setStatus(campaignId, ['running'], 'finished', null, [], read!.generation + 1)).toBe(
      true,
    );
  });

  it('does not count an operation’s leases against the concurrency of the worker', async () => {
    const campaignId = await createCampaign(2, 1);
    const [first] = targets(2).map((target) => target.authorizerAppid);
    const operations = new CampaignOperationsRepository(database.dataSource);
    const chosen = await operations.claimChosen(campaignId, ['pending'], [first!], 'ops:test:1', 30);
    expect(chosen.claimed.map((target) => target.authorizerAppid)).toEqual([first]);
    const claimed = await sut.claimDue(campaignId, 'replica-a', 30);
    expect(claimed.map((target) => target.authorizerAppid)).toHaveLength(1);
    expect(claimed[0]!.authorizerAppid).not.toBe(first);
  });

  it('answers busy for the targets a worker’s transaction locks while an operation claims them all', async () => {
    const campaignId = await createCampaign(2, 2);
    const [first, second] = targets(2).map((target) => target.authorizerAppid);
    const operations = new CampaignOperationsRepository(database.dataSource);
    const runner = database.dataSource.createQueryRunner();
    await runner.startTransaction();
    try {
      // A worker's claim holds the row lock of the first target this instant.
      await runner.query(
        `SELECT authorizer_appid FROM code_release_campaign_targets
         WHERE campaign_id = ? AND authorizer_appid = ? FOR UPDATE`,
        [campaignId, first],
      );
      const chosen = await operations.claimChosen(campaignId, ['pending'], undefined, 'ops:test:2', 30);
      expect(chosen.claimed.map((target) => target.authorizerAppid)).toEqual([second]);
      expect(chosen.busy).toEqual([{ authorizerAppid: first, state: 'pending' }]);
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
  });

  it('cancels with the targets in audit or submitting read under the same locks', async () => {
    const campaignId = await createCampaign(3, 3);
    const claimed = await sut.claimDue(campaignId, 'replica-a', 30);
    const [submitting, inAudit] = claimed;
    await sut.transition('replica-a', submitting!, TargetStates.Pending, { state: TargetStates.Submitting });
    await database.dataSource.query(
      `UPDATE code_release_campaign_targets SET state = 'in_audit', audit_id = 77
       WHERE campaign_id = ? AND authorizer_appid = ?`,
      [campaignId, inAudit!.authorizerAppid],
    );
    const outcome = await sut.cancelWithAudits(campaignId, 'operator:op');
    expect(outcome).toEqual({
      cancelled: true,
      inFlight: [
        { authorizerAppid: submitting!.authorizerAppid, auditId: null, state: 'submitting' },
        { authorizerAppid: inAudit!.authorizerAppid, auditId: 77, state: 'in_audit' },
      ],
    });
    expect((await sut.find(campaignId))!.status).toBe('cancelled');
    expect(await sut.countsByState(campaignId)).toEqual([{ state: 'cancelled', count: 3 }]);
    expect(await sut.cancelWithAudits(campaignId, 'operator:op')).toEqual({ cancelled: false, inFlight: [] });
  });

  it('takes a background operation over once its lease runs out: the targets still to do move to the new owner, not one a worker took meanwhile', async () => {
    const campaignId = await createCampaign(5, 5);
    await database.dataSource.query(
      `UPDATE code_release_campaign_targets SET state = 'released' WHERE campaign_id = ?`,
      [campaignId],
    );
    const operations = new CampaignOperationsRepository(database.dataSource);
    const appids = (
      (await database.dataSource.query(
        `SELECT authorizer_appid FROM code_release_campaign_targets WHERE campaign_id = ? ORDER BY ordinal`,
        [campaignId],
      )) as { authorizer_appid: string }[]
    ).map((row) => row.authorizer_appid);
    const first = {
      operationId: `op-${campaignId.slice(-12)}`.padEnd(36, '0'),
      campaignId,
      operation: 'revert',
      requestedBy: 'op',
      owner: 'ops:a:1',
    };
    const chosen = await operations.claimChosen(campaignId, ['released'], undefined, first.owner, 1);
    expect(chosen.claimed).toHaveLength(5);
    await operations.recordOperation(
      first,
      chosen.claimed.map((target) => ({ authorizerAppid: target.authorizerAppid, state: target.state })),
      1,
    );
    await operations.noteOutcomes(first, [
      { authorizerAppid: appids[0]!, outcome: 'done', state: 'reverted' },
    ]);
    await operations.releaseOnly(first.owner, { campaignId, authorizerAppid: appids[0]! });
    // The lease on the second ran out and a worker took it.
    await database.dataSource.query(
      `UPDATE code_release_campaign_targets SET lease_owner = 'worker-x', lease_until = UTC_TIMESTAMP(3) + INTERVAL 30 SECOND
       WHERE campaign_id = ? AND authorizer_appid = ?`,
      [campaignId, appids[1]],
    );
    // Still leased: nobody takes it over.
    expect(await operations.takeOverStale((id) => `ops:b:${id}`, 30)).toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    const second = await operations.takeOverStale((id) => `ops:b:${id}`, 30);
    expect(second).toEqual({ ...first, owner: `ops:b:${first.operationId}` });
    expect(await operations.takeOverStale((id) => `ops:c:${id}`, 30)).toBeNull();
    const owners = await operations.targetsOf(campaignId, appids);
    const ownerOf = new Map(owners.map((target) => [target.authorizerAppid, target.leaseOwner]));
    expect(appids.map((appid) => ownerOf.get(appid))).toEqual([
      null,
      'worker-x',
      second!.owner,
      second!.owner,
      second!.owner,
    ]);
    expect(
      (await operations.pendingTargets(first.operationId, 10)).due.map((t) => t.authorizerAppid),
    ).toEqual(appids.slice(1));
    // The old owner is fenced off; the new one renews, holds a target back, and finishes.
    expect(await operations.renewOperation(first, 30)).toBe(false);
    expect(await operations.renewOperation(second!, 30)).toBe(true);
    // The old owner's late writes change nothing: its outcomes, hold-backs and starts are fenced off.
    expect(
      await operations.noteOutcomes(first, [
        { authorizerAppid: appids[2]!, outcome: 'busy', state: 'released' },
      ]),
    ).toBe(0);
    expect(await operations.deferTarget(first, appids[2]!, 60, 'late_submit')).toBe(false);
    expect(await operations.markStarted(first, appids[2]!)).toBe(false);
    expect(await operations.markStarted(second!, appids[2]!)).toBe(true);
    expect(
      await operations.noteOutcomes(
        second!,
        appids.slice(1, 4).map((appid) => ({ authorizerAppid: appid, outcome: 'done', state: 'reverted' })),
      ),
    ).toBe(3);
    const [kept] = (await database.dataSource.query(
      `SELECT outcome, state FROM code_release_operation_targets WHERE operation_id = ? AND authorizer_appid = ?`,
      [first.operationId, appids[2]],
    )) as { outcome: string; state: string }[];
    expect(kept).toEqual({ outcome: 'done', state: 'reverted' });
    await operations.deferTarget(second!, appids[4]!, 60, 'late_submit');
    const held = await operations.pendingTargets(first.operationId, 10);
    expect(held.due).toEqual([]);
    expect(held.nextInSeconds).toBeGreaterThan(55);
    expect(await operations.finishOperation(first)).toBe(false);
    expect(await operations.finishOperation(second!)).toBe(true);
    const [row] = (await database.dataSource.query(
      `SELECT status, lease_owner FROM code_release_operations WHERE operation_id = ?`,
      [first.operationId],
    )) as { status: string; lease_owner: string | null }[];
    expect(row).toEqual({ status: 'finished', lease_owner: null });
    const after = await operations.targetsOf(campaignId, appids);
    expect(after.filter((target) => target.leaseOwner === second!.owner)).toEqual([]);
  });

  const operationOn = (campaignId: string, owner: string, operation = 'cancel.undo') => ({
    operationId: `op-${campaignId.slice(-12)}-${owner.slice(-1)}`.padEnd(36, '0'),
    campaignId,
    operation,
    requestedBy: 'op',
    owner,
  });
  const appidsOf = async (campaignId: string): Promise<string[]> =>
    (
      (await database.dataSource.query(
        `SELECT authorizer_appid FROM code_release_campaign_targets WHERE campaign_id = ? ORDER BY ordinal`,
        [campaignId],
      )) as { authorizer_appid: string }[]
    ).map((row) => row.authorizer_appid);

  it('purges operations finished before the cutoff with their targets, never running ones', async () => {
    const campaignId = await createCampaign(3, 3);
    const operations = new CampaignOperationsRepository(database.dataSource);
    const appids = await appidsOf(campaignId);
    const [old, recent, running] = ['ops:x:1', 'ops:x:2', 'ops:x:3'].map((owner) =>
      operationOn(campaignId, owner, 'revert'),
    );
    for (const record of [old!, recent!, running!])
      await operations.recordOperation(
        record,
        appids.map((authorizerAppid) => ({ authorizerAppid, state: 'released' })),
        30,
      );
    await operations.finishOperation(old!);
    await operations.finishOperation(recent!);
    await database.dataSource.query(
      `UPDATE code_release_operations SET finished_at = UTC_TIMESTAMP(3) - INTERVAL 100 DAY,
         created_at = UTC_TIMESTAMP(3) - INTERVAL 100 DAY WHERE operation_id IN (?)`,
      [[old!.operationId, running!.operationId]],
    );
    const cutoff = new Date(Date.now() - 90 * 86_400_000);
    expect(await operations.purgeFinishedBatch(cutoff, 500)).toBe(1);
    expect(await operations.purgeFinishedBatch(cutoff, 500)).toBe(0);
    expect(await operations.summary(old!.operationId)).toBeNull();
    const [{ n }] = (await database.dataSource.query(
      `SELECT COUNT(*) AS n FROM code_release_operation_targets WHERE operation_id = ?`,
      [old!.operationId],
    )) as [{ n: number | string }];
    expect(Number(n)).toBe(0);
    expect(await operations.summary(recent!.operationId)).toMatchObject({ status: 'finished', total: 3 });
    expect(await operations.summary(running!.operationId)).toMatchObject({ status: 'running', total: 3 });
  });

  it('answers the due targets of an operation even behind ten held back earlier in its order', async () => {
    const campaignId = await createCampaign(14, 14);
    const operations = new CampaignOperationsRepository(database.dataSource);
    const appids = await appidsOf(campaignId);
    const record = operationOn(campaignId, 'ops:a:1');
    await operations.recordOperation(
      record,
      appids.map((authorizerAppid, index) => ({
        authorizerAppid,
        state: 'cancelled',
        dueInSeconds: index < 10 ? 60 : 0,
      })),
      30,
    );
    const { due, nextInSeconds } = await operations.pendingTargets(record.operationId, 10);
    expect(due.map((target) => target.authorizerAppid)).toEqual(appids.slice(10));
    expect(nextInSeconds).toBe(0);
    expect(due.every((target) => target.started === false)).toBe(true);
  });

  it('cancels and records cancel’s undo operation in one transaction: one fails, neither is done', async () => {
    const campaignId = await createCampaign(3, 3);
    const operations = new CampaignOperationsRepository(database.dataSource);
    const appids = await appidsOf(campaignId);
    await database.dataSource.query(
      `UPDATE code_release_campaign_targets SET state = 'in_audit', audit_id = 70 WHERE campaign_id = ? AND authorizer_appid = ?`,
      [campaignId, appids[0]],
    );
    const record = operationOn(campaignId, 'ops:a:1');
    // An operation with the same id already there: the insert fails, and the cancel with it.
    await operations.recordOperation({ ...record, campaignId: 'another' }, [], 30);
    const cancelRecording = (operation: typeof record) =>
      sut.cancelWithAudits(campaignId, 'operator:op', (manager, inFlight) =>
        operations.recordCancelUndos(manager, operation, inFlight, 30),
      );
    await expect(cancelRecording(record)).rejects.toThrow();
    expect((await sut.find(campaignId))?.status).toBe('running');
    const fresh = { ...record, operationId: record.operationId.replace(/^op-/, 'oq-') };
    const outcome = await cancelRecording(fresh);
    expect(outcome).toEqual({
      cancelled: true,
      inFlight: [{ authorizerAppid: appids[0], auditId: 70, state: 'in_audit' }],
    });
    expect((await sut.find(campaignId))?.status).toBe('cancelled');
    expect(
      (await operations.pendingTargets(fresh.operationId, 10)).due.map((target) => target.authorizerAppid),
    ).toEqual([appids[0]]);
    // A second cancel changes nothing and records nothing.
    const again = { ...fresh, operationId: fresh.operationId.replace(/^oq-/, 'or-') };
    expect(await cancelRecording(again)).toEqual({ cancelled: false, inFlight: [] });
    expect((await operations.pendingTargets(again.operationId, 10)).nextInSeconds).toBeNull();
  });

  it('notes a cancelled target’s undo only for the operation’s owner, and never over audit_undone', async () => {
    const campaignId = await createCampaign(2, 2);
    const operations = new CampaignOperationsRepository(database.dataSource);
    const appids = await appidsOf(campaignId);
    await sut.setStatus(campaignId, ['running'], 'cancelled', 'operator:op');
    const record = operationOn(campaignId, 'ops:a:1');
    await operations.recordOperation(
      record,
      appids.map((authorizerAppid) => ({ authorizerAppid, state: 'in_audit' })),
      30,
    );
    const reasonOf = async (appid: string) =>
      (
        (await database.dataSource.query(
          `SELECT reason FROM code_release_campaign_targets WHERE campaign_id = ? AND authorizer_appid = ?`,
          [campaignId, appid],
        )) as { reason: string | null }[]
      )[0]?.reason;
    expect(
      await operations.noteCancelled({ ...record, owner: 'ops:b:2' }, appids[0]!, 'undo_failed', null),
    ).toBe(false);
    expect(await reasonOf(appids[0]!)).toBeNull();
    expect(await operations.noteCancelled(record, appids[0]!, 'audit_undone', null)).toBe(true);
    expect(await operations.noteCancelled(record, appids[0]!, 'undo_failed', null)).toBe(false);
    expect(await reasonOf(appids[0]!)).toBe('audit_undone');
  });

  it('never takes over an operation the caller drives itself', async () => {
    const campaignId = await createCampaign(1, 1);
    const operations = new CampaignOperationsRepository(database.dataSource);
    const appids = await appidsOf(campaignId);
    const record = operationOn(campaignId, 'ops:a:1', 'revert');
    await operations.recordOperation(record, [{ authorizerAppid: appids[0]!, state: 'released' }], 30);
    await operations.handOver(record);
    // Other stale operations of earlier tests may be there: look only for this one.
    const taken: string[] = [];
    for (;;) {
      const next = await operations.takeOverStale((id) => `ops:z:${id}`, 30, [record.operationId, ...taken]);
      if (!next) break;
      taken.push(next.operationId);
    }
    expect(taken).not.toContain(record.operationId);
    const mine = await operations.takeOverStale((id) => `ops:z:${id}`, 30, taken);
    expect(mine?.operationId).toBe(record.operationId);
  });

  it('holds undos of one mini program to one at a time (the count and the call under a named lock)', async () => {
    const operations = new CampaignOperationsRepository(database.dataSource);
    const order: string[] = [];
    const undo = (name: string) =>
      operations.withUndoLock(COMPONENT, 'wx00000000000000aa', async () => {
        order.push(`${name}:start`);
        await new Promise((resolve) => setTimeout(resolve, 100));
        order.push(`${name}:end`);
      });
    await Promise.all([undo('a'), undo('b')]);
    expect(
      [order.slice(0, 2), order.slice(2)].map((pair) => pair[0]!.split(':')[0] === pair[1]!.split(':')[0]),
    ).toEqual([true, true]);
    // Another mini program does not wait.
    const other: string[] = [];
    await Promise.all([
      operations.withUndoLock(COMPONENT, 'wx00000000000000bb', async () => {
        other.push('bb:start');
        await new Promise((resolve) => setTimeout(resolve, 100));
        other.push('bb:end');
      }),
      operations.withUndoLock(COMPONENT, 'wx00000000000000cc', async () => {
        other.push('cc:start');
        await new Promise((resolve) => setTimeout(resolve, 100));
        other.push('cc:end');
      }),
    ]);
    expect(other.slice(0, 2).sort()).toEqual(['bb:start', 'cc:start']);
  });

  it('keeps undos of many mini programs at once from taking every pooled connection (each lock holds one)', async () => {
    const operations = new CampaignOperationsRepository(database.dataSource);
    const appids = Array.from(
      { length: 12 },
      (_, index) => `wx0000000000000d${String(index).padStart(2, '0')}`,
    );
    // Inside the lock, the count and the history row use other connections of the same pool.
    const done = await Promise.all(
      appids.map((appid) =>
        operations.withUndoLock(COMPONENT, appid, async () => {
          await database.dataSource.query(`SELECT SLEEP(0.05)`);
          return appid;
        }),
      ),
    );
    expect(done).toEqual(appids);
  }, 15_000);
});
