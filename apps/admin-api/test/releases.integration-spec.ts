import { TokenRpcPatterns } from '@wxop/contracts';
import { callRpc, startReleaseStack, waitUntil, type ReleaseStack, type SimProcess } from '@wxop/testing';

import type { AuditEntry } from '../src/audit/audit-entry';
import type { Page } from '../src/shared/page-query.dto';
import { adminApiOf, adminCall, loginAs, type AdminApiProcess } from './admin-test.util';

const COMPONENT = 'wx7878787878787878';

interface ErrorBody {
  error: string;
  message: string;
  correlationId: string;
  details?: { errcode?: number; errmsg?: string };
}

/**
 * wechat-sim, ingress, token, code-release and admin-api as processes (own databases, one broker
 * namespace); an operator drives templates and one mini program's versions over admin-api's HTTP
 * API, and the simulator's control API plays WeChat's reviewer.
 */
describe('admin-api releases (end to end with wechat-sim, ingress, token and code-release)', () => {
  let stack: ReleaseStack;
  let namespace: string;
  let sim: SimProcess;
  let api: AdminApiProcess;
  let operator: string;
  let viewer: string;
  let operatorName: string;
  let miniProgram: string;

  const call = <T>(method: string, path: string, token: string, body?: unknown) =>
    adminCall<T>(api.url, method, `/admin/v1/components/${COMPONENT}${path}`, { token, body });
  const versionsPath = () => `/authorizers/${miniProgram}/versions`;

  beforeAll(async () => {
    stack = await startReleaseStack({
      componentAppid: COMPONENT,
      prefix: 'adm_rel',
      adminApi: true,
      simEnv: { SIM_AUDIT_POLICY: 'manual' },
      rpcTimeoutMs: 10_000,
    });
    ({ sim, namespace } = stack);
    api = adminApiOf(stack);
    miniProgram = await stack.newMiniProgram();
    operator = await loginAs(api.url, 'operator');
    viewer = await loginAs(api.url, 'viewer');
    const me = await adminCall<{ username: string }>(api.url, 'GET', '/admin/v1/me', { token: operator });
    operatorName = me.body.username;
  }, 240_000);

  afterAll(async () => {
    await stack?.stop();
  }, 60_000);

  it('syncs the library, adds a draft as a template, lists, deletes; a second delete is 404 template_not_found with errcode 85064', async () => {
    // Before the first sync the stored library is empty and says so.
    const unsynced = await call<Page<unknown> & { syncedAt: string | null }>('GET', '/templates', viewer);
    expect(unsynced.body).toMatchObject({ total: 0, syncedAt: null });
    const { draftId } = await sim.control<{ draftId: number }>('POST', `/platforms/${COMPONENT}/drafts`, {
      userVersion: '0.9.0',
      userDesc: 'first draft',
    });
    const synced = await call<{ drafts: { draftId: number }[]; syncedAt: string | null }>(
      'POST',
      '/templates/sync',
      operator,
    );
    expect(synced.status).toBe(200);
    expect(synced.body.drafts.map((d) => d.draftId)).toContain(draftId);
    expect(synced.body.syncedAt).not.toBeNull();

    const drafts = await call<Page<{ draftId: number; userVersion: string }> & { syncedAt: string | null }>(
      'GET',
      '/drafts?q=0.9',
      viewer,
    );
    expect(drafts.status).toBe(200);
    // The list is as of that sync, and says when it was.
    expect(drafts.body).toMatchObject({ total: 1, limit: 50, offset: 0, syncedAt: synced.body.syncedAt });
    expect(drafts.body.items[0]).toMatchObject({ draftId, userVersion: '0.9.0' });

    const added = await call<{ templates: { templateId: number; draftId: number; templateType: number }[] }>(
      'POST',
      `/drafts/${draftId}/templates`,
      operator,
      { templateType: 1 },
    );
    expect(added.status).toBe(200);
    const template = added.body.templates.find((t) => t.draftId === draftId)!;
    expect(template.templateType).toBe(1);

    const standard = await call<Page<{ templateId: number }>>('GET', '/templates?templateType=1', viewer);
    expect(standard.body.items.map((t) => t.templateId)).toEqual([template.templateId]);
    expect((await call<Page<unknown>>('GET', '/templates?templateType=0', viewer)).body.total).toBe(0);
    expect((await call<ErrorBody>('GET', '/templates?sort=nickName', viewer)).body.error).toBe(
      'validation_failed',
    );

    expect((await call('DELETE', `/templates/${template.templateId}`, operator)).status).toBe(200);
    const again = await call<ErrorBody>('DELETE', `/templates/${template.templateId}`, operator);
    expect(again.status).toBe(404);
    expect(again.body).toMatchObject({
      error: 'template_not_found',
      correlationId: expect.any(String),
      details: { errcode: 85064 },
    });
  });

  it('answers a full library (85065) 409 template_library_full with WeChat’s errcode and errmsg', async () => {
    const { draftId } = await sim.control<{ draftId: number }>('POST', `/platforms/${COMPONENT}/drafts`, {
      userVersion: '0.1.0',
    });
    const { accessToken } = await callRpc<{ accessToken: string }>(
      TokenRpcPatterns.GetComponentAccessToken,
      { componentAppid: COMPONENT },
      { namespace },
    );
    // Fill the library straight at "WeChat", up to its 200 templates.
    for (let i = 0; i < 200; i++) {
      const response = await fetch(`${sim.url}/wxa/addtotemplate?access_token=${accessToken}`, {
        method: 'POST',
        body: JSON.stringify({ draft_id: draftId, template_type: 0 }),
      });
      expect(await response.json()).toMatchObject({ errcode: 0 });
    }
    const full = await call<ErrorBody>('POST', `/drafts/${draftId}/templates`, operator, {});
    expect(full.status).toBe(409);
    expect(full.body).toMatchObject({
      error: 'template_library_full',
      details: { errcode: 85065, errmsg: expect.any(String) },
    });

    // The library pages at most 200 at a time; empty it again for the next test.
    const library = await call<{ templates: { templateId: number }[] }>('POST', '/templates/sync', operator);
    expect(library.body.templates).toHaveLength(200);
    const page = await call<Page<unknown>>('GET', '/templates?limit=20&offset=190', viewer);
    expect(page.body).toMatchObject({ total: 200, limit: 20, offset: 190 });
    expect(page.body.items).toHaveLength(10);
    for (const { templateId } of library.body.templates)
      await fetch(`${sim.url}/wxa/deletetemplate?access_token=${accessToken}`, {
        method: 'POST',
        body: JSON.stringify({ template_id: templateId }),
      });
  }, 120_000);

  it('one mini program by hand: commit → QR → submit → approve → release → revert, with the operator as actor and every change in the audit log', async () => {
    const template = async (userVersion: string): Promise<number> => {
      const { draftId } = await sim.control<{ draftId: number }>('POST', `/platforms/${COMPONENT}/drafts`, {
        userVersion,
        userDesc: `draft ${userVersion}`,
      });
      const added = await call<{ templates: { templateId: number; draftId: number }[] }>(
        'POST',
        `/drafts/${draftId}/templates`,
        operator,
      );
      return added.body.templates.find((t) => t.draftId === draftId)!.templateId;
    };
    const extJson = {
      extEnable: true,
      extAppid: miniProgram,
      ext: { shopId: '42' },
      pages: ['pages/index/index'],
    };
    const ship = async (templateId: number, userVersion: string) => {
      const commit = await call('POST', `${versionsPath()}/commit`, operator, {
        templateId,
        extJson,
        userVersion,
        userDesc: `notes ${userVersion}`,
      });
      expect(commit).toMatchObject({ status: 200, body: { action: 'commit', outcome: 'succeeded' } });
      const submit = await call<{ auditId: number }>('POST', `${versionsPath()}/submit`, operator, {
        versionDesc: 'test account: reviewer/reviewer-password',
      });
      expect(submit.status).toBe(200);
      expect(submit.body.auditId).toEqual(expect.any(Number));
      return submit.body.auditId;
    };
    const approve = () =>
      sim.control('POST', `/platforms/${COMPONENT}/accounts/${miniProgram}/audit`, { decision: 'success' });

    // A viewer reads but is refused a commit, which never reaches code-release.
    const first = await template('1.0.0');
    const refused = await call<ErrorBody>('POST', `${versionsPath()}/commit`, viewer, {
      templateId: first,
      extJson,
      userVersion: '1.0.0',
      userDesc: 'viewer',
    });
    expect(refused.status).toBe(403);
    expect(refused.body.error).toBe('forbidden');
    expect((await call('GET', versionsPath(), viewer)).body).toMatchObject({ trial: null, online: null });
    // Invalid input is refused before any call.
    const invalid = await call<ErrorBody>('POST', `${versionsPath()}/commit`, operator, {
      templateId: first,
      extJson: 'not an object',
      userVersion: '',
      userDesc: 'x',
    });
    expect(invalid).toMatchObject({ status: 400, body: { error: 'validation_failed' } });

    const auditId = await ship(first, '1.0.0');
    const qrcode = await fetch(`${api.url}/admin/v1/components/${COMPONENT}${versionsPath()}/trial-qrcode`, {
      headers: { authorization: `Bearer ${viewer}` },
    });
    expect(qrcode.status).toBe(200);
    expect(qrcode.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await qrcode.arrayBuffer()).subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));

    let versions = await call<{ trial: unknown; audit: unknown; online: unknown }>(
      'GET',
      versionsPath(),
      viewer,
    );
    expect(versions.body.trial).toMatchObject({ userVersion: '1.0.0' });
    expect(versions.body.audit).toMatchObject({ auditId, statusName: 'auditing' });

    await approve();
    expect(await call('POST', `${versionsPath()}/release`, operator)).toMatchObject({
      status: 200,
      body: { action: 'release', outcome: 'succeeded' },
    });
    // Released twice: WeChat's 85052 (already online) is what was asked.
    expect((await call('POST', `${versionsPath()}/release`, operator)).body).toMatchObject({
      outcome: 'already',
    });

    await ship(await template('1.1.0'), '1.1.0');
    await approve();
    await call('POST', `${versionsPath()}/release`, operator);
    const online = await call<{
      online: { userVersion: string };
      history: { appVersion: number; userVersion: string }[];
    }>('GET', versionsPath(), viewer);
    expect(online.body.online.userVersion).toBe('1.1.0');
    const back = online.body.history.find((v) => v.userVersion === '1.0.0')!;
    expect(
      await call('POST', `${versionsPath()}/revert`, operator, { appVersion: back.appVersion }),
    ).toMatchObject({
      status: 200,
      body: { action: 'revert', outcome: 'succeeded' },
    });
    versions = await call('GET', versionsPath(), viewer);
    expect(versions.body.online).toMatchObject({ userVersion: '1.0.0' });

    // Nothing to undo now: WeChat's refusal comes back in the error format with its errcode.
    const undo = await call<ErrorBody>('POST', `${versionsPath()}/undo`, operator);
    expect(undo.status).toBe(502);
    expect(undo.body).toMatchObject({ error: 'wechat_rejected', details: { errcode: 87012 } });

    // The release history, by cursor, names the operator as the actor of each action.
    const seen: { action: string; actor: string; outcome: string }[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: { items: typeof seen; nextCursor: string | null; limit: number } } =
        await call(
          'GET',
          `/authorizers/${miniProgram}/release-history?limit=3${cursor ? `&cursor=${cursor}` : ''}`,
          viewer,
        );
      expect(page.status).toBe(200);
      expect(page.body.limit).toBe(3);
      seen.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen.map((e) => e.action).slice(0, 6)).toEqual([
      'undo',
      'revert',
      'release',
      'submit',
      'commit',
      'release',
    ]);
    expect(seen.filter((e) => e.action !== 'qrcode').every((e) => e.actor === operatorName)).toBe(true);
    expect(seen.find((e) => e.action === 'qrcode')?.actor).toMatch(/^viewer-/);

    const quota = await call<{ rest: number; limit: number }>(
      'GET',
      `/audit-quota?authorizerAppid=${miniProgram}`,
      viewer,
    );
    expect(quota.status).toBe(200);
    expect(quota.body.rest).toBe(quota.body.limit - 2);

    // The audit log: each change by the operator, its target from the route, and the viewer's refusal.
    const log = await adminCall<Page<AuditEntry>>(
      api.url,
      'GET',
      `/admin/v1/audit-log?limit=200&target=${miniProgram}`,
      { token: viewer },
    );
    expect(log.status).toBe(200);
    const actions = log.body.items.map((e) => `${e.action} ${e.outcome} ${e.actor.username}`);
    for (const action of ['versions.commit', 'versions.submit', 'versions.release', 'versions.revert'])
      expect(actions).toContain(`${action} success ${operatorName}`);
    expect(actions).toContain(`versions.undo failure ${operatorName}`);
    expect(log.body.items.some((e) => e.actor.role === 'viewer' && e.outcome === 'failure')).toBe(true);
    expect(log.body.items.find((e) => e.action === 'versions.revert')?.target).toBe(
      `componentAppid=${COMPONENT},authorizerAppid=${miniProgram}`,
    );
  }, 120_000);
  it('gray release by hand: a step, a lower step refused 502 with 85082, the plan reverted; visit status closed', async () => {
    const { draftId } = await sim.control<{ draftId: number }>('POST', `/platforms/${COMPONENT}/drafts`, {
      userVersion: '1.2.0',
    });
    const added = await call<{ templates: { templateId: number; draftId: number }[] }>(
      'POST',
      `/drafts/${draftId}/templates`,
      operator,
    );
    const templateId = added.body.templates.find((t) => t.draftId === draftId)!.templateId;
    await call('POST', `${versionsPath()}/commit`, operator, {
      templateId,
      extJson: { extEnable: true, extAppid: miniProgram },
      userVersion: '1.2.0',
      userDesc: 'gray',
    });
    expect((await call('POST', `${versionsPath()}/submit`, operator, {})).status).toBe(200);
    await sim.control('POST', `/platforms/${COMPONENT}/accounts/${miniProgram}/audit`, {
      decision: 'success',
    });

    const gray = await call('POST', `${versionsPath()}/gray`, operator, {
      grayPercentage: 10,
      supportExperiencerFirst: true,
    });
    expect(gray).toMatchObject({ status: 200, body: { action: 'gray.set', outcome: 'succeeded' } });
    expect((await call('GET', versionsPath(), viewer)).body).toMatchObject({
      grayPlan: { status: 1, grayPercentage: 10, supportExperiencerFirst: true },
    });
    const lower = await call<ErrorBody>('POST', `${versionsPath()}/gray`, operator, { grayPercentage: 5 });
    expect(lower).toMatchObject({
      status: 502,
      body: { error: 'wechat_rejected', details: { errcode: 85082 } },
    });
    expect(
      (await call<ErrorBody>('POST', `${versionsPath()}/gray`, operator, { grayPercentage: 101 })).status,
    ).toBe(400);
    expect((await call('POST', `${versionsPath()}/gray/revert`, operator)).status).toBe(200);
    expect((await call('GET', versionsPath(), viewer)).body).toMatchObject({
      grayPlan: { status: 4 },
      online: { userVersion: '1.0.0' },
    });

    expect(await call('PUT', `${versionsPath()}/visit-status`, operator, { action: 'close' })).toMatchObject({
      status: 200,
      body: { action: 'visit-status.set', outcome: 'succeeded' },
    });
    expect((await call('PUT', `${versionsPath()}/visit-status`, operator, { action: 'hide' })).status).toBe(
      400,
    );
    const history = await call<{ items: { action: string; actor: string; outcome: string }[] }>(
      'GET',
      `/authorizers/${miniProgram}/release-history?limit=4`,
      viewer,
    );
    expect(history.body.items.map((e) => `${e.action} ${e.outcome}`)).toEqual([
      'visit-status.set succeeded',
      'gray.revert succeeded',
      'gray.set failed',
      'gray.set succeeded',
    ]);
  }, 120_000);

  it('campaigns: an operator creates one over two mini programs, reads it, pauses, resumes and cancels it; a viewer may read but not create; each change audited', async () => {
    const { appids } = await sim.control<{ appids: string[] }>('POST', '/accounts', {
      count: 1,
      type: 'mini_program',
    });
    const second = appids[0]!;
    await sim.control('POST', `/platforms/${COMPONENT}/authorizations?wait=true`, {
      authorizerAppid: second,
    });
    const { draftId } = await sim.control<{ draftId: number }>('POST', `/platforms/${COMPONENT}/drafts`, {
      userVersion: '2.0.0',
    });
    const added = await call<{ templates: { templateId: number; draftId: number }[] }>(
      'POST',
      `/drafts/${draftId}/templates`,
      operator,
    );
    const templateId = added.body.templates.find((t) => t.draftId === draftId)!.templateId;
    const body = {
      componentAppid: COMPONENT,
      templateId,
      userVersion: '2.0.0',
      userDesc: 'campaign from admin-api',
      targets: [
        { authorizerAppid: miniProgram, bizRef: 'shop-1', values: { shopId: '1' } },
        { authorizerAppid: second, bizRef: 'shop-2', values: { shopId: '2' } },
      ],
      extJson: { extEnable: true, extAppid: '{{authorizerAppid}}', ext: { shopId: '{{shopId}}' } },
      submit: { versionDesc: 'test account: reviewer/reviewer-password' },
      releaseMode: 'manual',
      releaseWindow: { startHour: 0, endHour: 24 },
      concurrency: 2,
    };
    const campaigns = (method: string, path: string, token: string, payload?: unknown) =>
      adminCall<{ campaignId: string; status: string; targets: number } & ErrorBody>(
        api.url,
        method,
        `/admin/v1/campaigns${path}`,
        { token, body: payload },
      );

    expect((await campaigns('POST', '', viewer, body)).status).toBe(403);
    const empty = await campaigns('POST', '', operator, { ...body, targets: [] });
    expect(empty).toMatchObject({ status: 400, body: { error: 'validation_failed' } });

    const created = await campaigns('POST', '', operator, body);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'running', targets: 2 });
    const { campaignId } = created.body;
    // The read carries what the operator chose: the mode, the window (its default offset filled in), the operator.
    expect((await campaigns('GET', `/${campaignId}`, viewer)).body).toMatchObject({
      campaignId,
      targets: 2,
      userDesc: 'campaign from admin-api',
      releaseMode: 'manual',
      gray: null,
      releaseWindow: { startHour: 0, endHour: 24, utcOffsetMinutes: 480 },
      concurrency: 2,
      quotaReserve: 0,
      createdBy: operatorName,
    });

    expect((await campaigns('POST', `/${campaignId}/pause`, operator)).body.status).toBe('paused');
    expect((await campaigns('POST', `/${campaignId}/resume`, operator)).body.status).toBe('running');
    expect((await campaigns('POST', `/${campaignId}/cancel`, operator)).body.status).toBe('cancelled');
    // A cancelled campaign stays cancelled: resuming it changes nothing.
    expect((await campaigns('POST', `/${campaignId}/resume`, operator)).body.status).toBe('cancelled');
    const unknown = await campaigns('GET', '/00000000-0000-4000-8000-000000000000', viewer);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toBe('campaign_not_found');

    const log = await adminCall<Page<AuditEntry>>(
      api.url,
      'GET',
      `/admin/v1/audit-log?limit=200&target=${campaignId}`,
      { token: viewer },
    );
    expect(log.body.items.map((e) => `${e.action} ${e.outcome}`).sort()).toEqual([
      'campaigns.cancel success',
      'campaigns.pause success',
      'campaigns.resume success',
      'campaigns.resume success',
    ]);
    const creations = await adminCall<Page<AuditEntry>>(
      api.url,
      'GET',
      '/admin/v1/audit-log?action=campaigns.create',
      { token: viewer },
    );
    expect(creations.body.items.map((e) => `${e.outcome} ${e.actor.role}`).sort()).toEqual([
      'failure operator',
      'failure viewer',
      'success operator',
    ]);
  }, 120_000);

  it('campaigns: listed (filtered, sorted, paged, with totals), targets by state and cursor, failed targets retried one and then all; refusals mapped; each retry audited', async () => {
    const appids = await stack.newMiniPrograms(3);
    const { draftId } = await sim.control<{ draftId: number }>('POST', `/platforms/${COMPONENT}/drafts`, {
      userVersion: '3.0.0',
    });
    const added = await call<{ templates: { templateId: number; draftId: number }[] }>(
      'POST',
      `/drafts/${draftId}/templates`,
      operator,
    );
    const templateId = added.body.templates.find((t) => t.draftId === draftId)!.templateId;
    // WeChat refuses the first three commits: every target fails at commit (85064 template_not_found).
    await sim.control('POST', '/faults', { endpoint: 'wxa/commit', errcode: 85064, count: 3 });
    const campaigns = <T>(method: string, path: string, token: string, payload?: unknown) =>
      adminCall<T & ErrorBody>(api.url, method, `/admin/v1/campaigns${path}`, { token, body: payload });
    const created = await campaigns<{ campaignId: string }>('POST', '', operator, {
      componentAppid: COMPONENT,
      templateId,
      userVersion: '3.0.0',
      userDesc: 'retry from admin-api',
      targets: appids.map((authorizerAppid) => ({ authorizerAppid })),
      extJson: { extEnable: true, extAppid: '{{authorizerAppid}}' },
      submit: { versionDesc: 'test account: reviewer/reviewer-password' },
      releaseMode: 'manual',
      releaseWindow: { startHour: 0, endHour: 24 },
      concurrency: 3,
    });
    expect(created.status).toBe(201);
    const { campaignId } = created.body;

    interface TargetPage {
      items: {
        authorizerAppid: string;
        ordinal: number;
        state: string;
        reason: string | null;
        errcode: number | null;
      }[];
      limit: number;
      nextCursor: string | null;
    }
    const failedTargets = () =>
      campaigns<TargetPage>('GET', `/${campaignId}/targets?state=failed`, viewer).then((r) => r.body.items);
    await waitUntil(async () => (await failedTargets()).length === 3, 60_000, 'three failed targets');
    const failed = await failedTargets();
    expect(failed.map((t) => t.authorizerAppid)).toEqual(appids);
    expect(failed[0]).toMatchObject({ state: 'failed', reason: 'template_not_found' });

    // Keyset pages of 2: the three targets in creation order, then no cursor.
    const first = await campaigns<TargetPage>('GET', `/${campaignId}/targets?limit=2`, viewer);
    expect(first.status).toBe(200);
    expect(first.body.items.map((t) => t.authorizerAppid)).toEqual(appids.slice(0, 2));
    expect(first.body.nextCursor).not.toBeNull();
    const second = await campaigns<TargetPage>(
      'GET',
      `/${campaignId}/targets?limit=2&cursor=${first.body.nextCursor}`,
      viewer,
    );
    expect(second.body.items.map((t) => t.authorizerAppid)).toEqual(appids.slice(2));
    expect(second.body.nextCursor).toBeNull();

    // A third campaign, newer but of a lower version, cancelled at once (so sorting by version differs from by time).
    const third = await campaigns<{ campaignId: string }>('POST', '', operator, {
      componentAppid: COMPONENT,
      templateId,
      userVersion: '2.5.0',
      userDesc: 'cancelled at once',
      targets: [{ authorizerAppid: miniProgram }],
      extJson: { extEnable: true },
      releaseMode: 'manual',
    });
    expect(third.status).toBe(201);
    expect((await campaigns('POST', `/${third.body.campaignId}/cancel`, operator)).status).toBe(200);

    // The list: these two and the cancelled one of the previous test.
    interface CampaignPage {
      items: { campaignId: string; status: string; userVersion: string }[];
      total: number;
      limit: number;
      offset: number;
    }
    const all = await campaigns<CampaignPage>('GET', `?componentAppid=${COMPONENT}`, viewer);
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ total: 3, limit: 50, offset: 0 });
    expect(all.body.items.map((c) => c.userVersion)).toEqual(['2.5.0', '3.0.0', '2.0.0']);
    const oldestFirst = await campaigns<CampaignPage>('GET', '?sort=createdAt&order=asc&limit=1', viewer);
    expect(oldestFirst.body).toMatchObject({ total: 3, limit: 1 });
    expect(oldestFirst.body.items.map((c) => c.userVersion)).toEqual(['2.0.0']);
    const byVersion = await campaigns<CampaignPage>('GET', '?sort=userVersion&order=desc', viewer);
    expect(byVersion.body.items.map((c) => c.userVersion)).toEqual(['3.0.0', '2.5.0', '2.0.0']);
    const byVersionUp = await campaigns<CampaignPage>('GET', '?sort=userVersion&order=asc&offset=1', viewer);
    expect(byVersionUp.body).toMatchObject({ total: 3, offset: 1 });
    expect(byVersionUp.body.items.map((c) => c.userVersion)).toEqual(['2.5.0', '3.0.0']);
    const cancelled = await campaigns<CampaignPage>('GET', '?status=cancelled', viewer);
    expect(cancelled.body.total).toBe(2);
    expect(cancelled.body.items.map((c) => c.userVersion)).toEqual(['2.5.0', '2.0.0']);
    const ours = all.body.items[1]!.status;
    expect(ours).not.toBe('cancelled');
    const same = await campaigns<CampaignPage>('GET', `?status=${ours}&componentAppid=${COMPONENT}`, viewer);
    expect(same.body).toMatchObject({ total: 1, items: [{ campaignId }] });
    const middle = await campaigns<CampaignPage>('GET', '?offset=1&limit=1', viewer);
    expect(middle.body).toMatchObject({ total: 3, items: [{ campaignId }] });
    expect((await campaigns('GET', '?limit=201', viewer)).body.error).toBe('validation_failed');
    expect((await campaigns('GET', '?sort=nickName', viewer)).body.error).toBe('validation_failed');

    // Retry: refused to viewers, one chosen target, then every failed one.
    expect((await campaigns('POST', `/${campaignId}/retry`, viewer, {})).status).toBe(403);
    const one = await campaigns<{ retried: number; campaign: { campaignId: string } }>(
      'POST',
      `/${campaignId}/retry`,
      operator,
      { authorizerAppids: [appids[0]] },
    );
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ retried: 1, campaign: { campaignId, status: 'running' } });
    const rest = await campaigns<{ retried: number }>('POST', `/${campaignId}/retry`, operator, {});
    expect(rest.body.retried).toBe(2);
    // The faults are used up: every target now reaches the (manual) review.
    await waitUntil(
      async () =>
        (await campaigns<TargetPage>('GET', `/${campaignId}/targets?state=in_audit`, viewer)).body.items
          .length === 3,
      60_000,
      'three targets in audit',
    );
    // Nothing failed is left: retrying all, or a target that is not failed, retries none.
    expect(
      (await campaigns<{ retried: number }>('POST', `/${campaignId}/retry`, operator, {})).body.retried,
    ).toBe(0);
    const notFailed = await campaigns('POST', `/${campaignId}/retry`, operator, {
      authorizerAppids: [appids[1]],
    });
    expect(notFailed).toMatchObject({ status: 200, body: { retried: 0 } });
    const unknown = await campaigns('POST', '/00000000-0000-4000-8000-000000000000/retry', operator, {});
    expect(unknown).toMatchObject({ status: 404, body: { error: 'campaign_not_found' } });
    const unknownTargets = await campaigns('GET', '/00000000-0000-4000-8000-000000000000/targets', viewer);
    expect(unknownTargets).toMatchObject({ status: 404, body: { error: 'campaign_not_found' } });
    // Retry is not an operation on targets (gray, revert, speedup): nothing is recorded for it.
    const operations = await campaigns('GET', `/${campaignId}/operations`, viewer);
    expect(operations).toMatchObject({ status: 200, body: { items: [], total: 0, limit: 50, offset: 0 } });
    const noOperation = await campaigns(
      'GET',
      `/${campaignId}/operations/00000000-0000-4000-8000-000000000000`,
      viewer,
    );
    expect(noOperation).toMatchObject({ status: 404, body: { error: 'operation_not_found' } });
    const noCampaignOperations = await campaigns(
      'GET',
      '/00000000-0000-4000-8000-000000000000/operations',
      viewer,
    );
    expect(noCampaignOperations).toMatchObject({ status: 404, body: { error: 'campaign_not_found' } });
    const badStatus = await campaigns('GET', `/${campaignId}/operations?status=stuck`, viewer);
    expect(badStatus).toMatchObject({ status: 400, body: { error: 'validation_failed' } });
    const badState = await campaigns('GET', `/${campaignId}/targets?state=nowhere`, viewer);
    expect(badState).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
    expect(
      (await campaigns('POST', `/${campaignId}/retry`, operator, { authorizerAppids: [] })).body.error,
    ).toBe('validation_failed');

    const log = await adminCall<Page<AuditEntry>>(
      api.url,
      'GET',
      `/admin/v1/audit-log?limit=200&action=campaigns.retry&target=${campaignId}`,
      { token: viewer },
    );
    expect(log.body.items.map((e) => `${e.outcome} ${e.actor.role}`).sort()).toEqual([
      'failure operator',
      'failure viewer',
      'success operator',
      'success operator',
      'success operator',
      'success operator',
    ]);
  }, 180_000);

  it('campaign target operations over HTTP: speedup in audit, approve one chosen target, gray refused on a manual campaign, revert of an unreleased target not applicable, cancel with undoAudits, then approve refused 409; each audited', async () => {
    const appids = await stack.newMiniPrograms(2);
    const templateId = await stack.addTemplate('4.0.0');
    const campaigns = <T>(method: string, path: string, token: string, payload?: unknown) =>
      adminCall<T & ErrorBody>(api.url, method, `/admin/v1/campaigns${path}`, { token, body: payload });
    interface OperationReply {
      done: number;
      results: { authorizerAppid: string; outcome: string; state: string; errcode?: number }[];
      campaign: { campaignId: string; status: string };
      accepted?: number;
      running?: boolean;
      operationId?: string;
    }
    const created = await campaigns<{ campaignId: string }>('POST', '', operator, {
      componentAppid: COMPONENT,
      templateId,
      userVersion: '4.0.0',
      userDesc: 'operations from admin-api',
      targets: appids.map((authorizerAppid) => ({ authorizerAppid })),
      extJson: { extEnable: true, extAppid: '{{authorizerAppid}}' },
      submit: { versionDesc: 'test account: reviewer/reviewer-password' },
      releaseMode: 'manual',
      releaseWindow: { startHour: 0, endHour: 24 },
      concurrency: 2,
    });
    expect(created.status).toBe(201);
    const { campaignId } = created.body;
    const inState = async (state: string) =>
      (
        await campaigns<{ items: { authorizerAppid: string }[] }>(
          'GET',
          `/${campaignId}/targets?state=${state}`,
          viewer,
        )
      ).body.items.map((t) => t.authorizerAppid);
    await waitUntil(async () => (await inState('in_audit')).length === 2, 60_000, 'both targets in audit');

    expect((await campaigns('POST', `/${campaignId}/speedup`, viewer, {})).status).toBe(403);
    const sped = await campaigns<OperationReply>('POST', `/${campaignId}/speedup`, operator, {});
    expect(sped.status).toBe(200);
    expect(sped.body.done).toBe(2);
    expect(sped.body.results.map((r) => r.outcome)).toEqual(['done', 'done']);
    // One batch: answered when done (more would answer `running: true`), and recorded all the same.
    expect(sped.body).toMatchObject({ accepted: 2, running: false });
    const speedup = await campaigns<{ status: string; operation: string; total: number; outcomes: object }>(
      'GET',
      `/${campaignId}/operations/${sped.body.operationId}`,
      viewer,
    );
    expect(speedup.body).toMatchObject({
      status: 'finished',
      operation: 'speedup',
      total: 2,
      outcomes: { done: 2 },
    });

    for (const appid of appids)
      await sim.control('POST', `/platforms/${COMPONENT}/accounts/${appid}/audit`, { decision: 'success' });
    await waitUntil(async () => (await inState('approved')).length === 2, 60_000, 'both targets approved');

    // Manual mode: only the chosen target is released.
    const approved = await campaigns<OperationReply>('POST', `/${campaignId}/approve`, operator, {
      authorizerAppids: [appids[0]],
    });
    expect(approved.status).toBe(200);
    expect(approved.body.done).toBe(1);
    expect(approved.body.results).toEqual([
      expect.objectContaining({ authorizerAppid: appids[0], outcome: 'done' }),
    ]);
    await waitUntil(
      async () => (await inState('released')).includes(appids[0]!),
      60_000,
      'the chosen target released',
    );
    expect(await inState('approved')).toEqual([appids[1]]);

    // Not a gray campaign: gray operations are refused; the other target is not released: nothing to revert.
    for (const operation of ['gray/advance', 'gray/revert']) {
      const gray = await campaigns('POST', `/${campaignId}/${operation}`, operator, {});
      expect(gray).toMatchObject({ status: 409, body: { error: 'operation_not_allowed' } });
    }
    const revertOther = await campaigns<OperationReply>('POST', `/${campaignId}/revert`, operator, {
      authorizerAppids: [appids[1]],
    });
    expect(revertOther.body).toMatchObject({
      done: 0,
      results: [{ authorizerAppid: appids[1], outcome: 'not_applicable', state: 'approved' }],
    });
    const revertBad = await campaigns('POST', `/${campaignId}/revert`, operator, {
      authorizerAppids: ['not an appid'],
    });
    expect(revertBad).toMatchObject({ status: 400, body: { error: 'validation_failed' } });

    const cancelled = await campaigns<{ status: string }>('POST', `/${campaignId}/cancel`, operator, {
      undoAudits: true,
    });
    expect(cancelled.body.status).toBe('cancelled');
    const refused = await campaigns('POST', `/${campaignId}/approve`, operator, {});
    expect(refused).toMatchObject({ status: 409, body: { error: 'operation_not_allowed' } });
    const unknown = await campaigns(
      'POST',
      '/00000000-0000-4000-8000-000000000000/gray/advance',
      operator,
      {},
    );
    expect(unknown).toMatchObject({ status: 404, body: { error: 'campaign_not_found' } });

    const log = await adminCall<Page<AuditEntry>>(
      api.url,
      'GET',
      `/admin/v1/audit-log?limit=200&target=${campaignId}`,
      { token: viewer },
    );
    expect(log.body.items.map((e) => `${e.action} ${e.outcome} ${e.actor.role}`).sort()).toEqual([
      'campaigns.approve failure operator',
      'campaigns.approve success operator',
      'campaigns.cancel success operator',
      'campaigns.gray.advance failure operator',
      'campaigns.gray.revert failure operator',
      'campaigns.revert failure operator',
      'campaigns.revert success operator',
      'campaigns.speedup failure viewer',
      'campaigns.speedup success operator',
    ]);
  }, 180_000);

  it('a gray campaign over HTTP: over an online version, the approved target goes to its first step and waits; gray/advance releases it fully', async () => {
    const [appid] = await stack.newMiniPrograms(1);
    const campaigns = <T>(method: string, path: string, token: string, payload?: unknown) =>
      adminCall<T & ErrorBody>(api.url, method, `/admin/v1/campaigns${path}`, { token, body: payload });
    const targetOf = async (campaignId: string) =>
      (await campaigns<{ items: { state: string }[] }>('GET', `/${campaignId}/targets`, viewer)).body.items[0]
        ?.state;
    // WeChat grays only over an online version: a first campaign releases 4.9.0 in full.
    const first = await campaigns<{ campaignId: string }>('POST', '', operator, {
      componentAppid: COMPONENT,
      templateId: await stack.addTemplate('4.9.0'),
      userVersion: '4.9.0',
      userDesc: 'the version online before the gray one',
      targets: [{ authorizerAppid: appid }],
      extJson: { extEnable: true },
      submit: { versionDesc: 'test account: reviewer/reviewer-password' },
      releaseWindow: { startHour: 0, endHour: 24 },
      // A push slowed by a busy machine is made up for by polling get_auditstatus.
      pollAfterSeconds: 5,
    });
    await waitUntil(
      async () => (await targetOf(first.body.campaignId)) === 'in_audit',
      60_000,
      'the first in audit',
    );
    await sim.control('POST', `/platforms/${COMPONENT}/accounts/${appid}/audit`, { decision: 'success' });
    await waitUntil(
      async () => (await targetOf(first.body.campaignId)) === 'released',
      60_000,
      'the first released',
    );

    const templateId = await stack.addTemplate('5.0.0');
    const created = await campaigns<{ campaignId: string }>('POST', '', operator, {
      componentAppid: COMPONENT,
      templateId,
      userVersion: '5.0.0',
      userDesc: 'gray from admin-api',
      targets: [{ authorizerAppid: appid }],
      extJson: { extEnable: true, extAppid: '{{authorizerAppid}}' },
      submit: { versionDesc: 'test account: reviewer/reviewer-password' },
      releaseMode: 'gray',
      gray: { steps: [{ percentage: 10 }] },
      releaseWindow: { startHour: 0, endHour: 24 },
      // A push slowed by a busy machine is made up for by polling get_auditstatus.
      pollAfterSeconds: 5,
    });
    expect(created.status).toBe(201);
    const { campaignId } = created.body;
    const stateOf = () => targetOf(campaignId);
    await waitUntil(async () => (await stateOf()) === 'in_audit', 60_000, 'the target in audit');
    await sim.control('POST', `/platforms/${COMPONENT}/accounts/${appid}/audit`, { decision: 'success' });
    await waitUntil(
      async () => (await stateOf()) === 'gray',
      60_000,
      'the target at its first gray step',
    ).catch(async (error: unknown) => {
      // Name where the target stands (a quota wait, a refusal) rather than only the timeout.
      const targets = await campaigns('GET', `/${campaignId}/targets`, viewer);
      throw new Error(`${String(error)}: ${JSON.stringify(targets.body)}`);
    });
    const versions = await call<{ grayPlan: { grayPercentage: number } | null }>(
      'GET',
      `/authorizers/${appid}/versions`,
      viewer,
    );
    expect(versions.body.grayPlan?.grayPercentage).toBe(10);

    const advanced = await campaigns<{ done: number; results: { outcome: string }[] }>(
      'POST',
      `/${campaignId}/gray/advance`,
      operator,
      {},
    );
    expect(advanced.status).toBe(200);
    expect(advanced.body.done).toBe(1);
    await waitUntil(async () => (await stateOf()) === 'released', 60_000, 'the target fully released');
    const online = await call<{ online: { userVersion: string } | null }>(
      'GET',
      `/authorizers/${appid}/versions`,
      viewer,
    );
    expect(online.body.online?.userVersion).toBe('5.0.0');
  }, 180_000);
});
