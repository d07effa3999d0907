import {
  CodeReleaseRpcPatterns,
  TokenRpcPatterns,
  type AccessTokenReply,
  type AuditQuotaReply,
  type MiniProgramVersions,
  type ReleaseActionReply,
  type ReleaseHistoryPage,
  type SubmitAuditReply,
  type TemplateDraftSummary,
  type TemplateLibrary,
  type TemplateSummary,
  type TrialQrcodeReply,
} from '@wxop/contracts';
import { startReleaseStack, type ReleaseStack, type SimProcess } from '@wxop/testing';

const COMPONENT = 'wx7777777777777777';

interface RemoteError {
  code: string;
  message: string;
  details?: { errcode?: number; errmsg?: string };
}

/**
 * wechat-sim, ingress, token and code-release as processes with their own databases and broker
 * namespace (startReleaseStack); an operator drives code-release over RPC as admin-api would, and
 * the simulator's control API plays WeChat's reviewer.
 */
describe('code-release (end to end with wechat-sim, ingress and token)', () => {
  let stack: ReleaseStack;
  let sim: SimProcess;
  let miniProgram: string;

  const rpc = <T>(pattern: string, data: unknown) => stack.rpc<T>(pattern, data);
  /** The RPC error the call answers (fails the test when it succeeds). */
  const rpcError = async (pattern: string, data: unknown): Promise<RemoteError> => {
    try {
      await rpc(pattern, data);
    } catch (error) {
      const text = (error as Error).message;
      return JSON.parse(text.slice(text.indexOf('answered ') + 'answered '.length)) as RemoteError;
    }
    throw new Error(`${pattern} succeeded`);
  };
  const componentToken = () => stack.componentToken();
  const tokenIssues = async (authorizerAppid: string): Promise<number> => {
    const issues = await sim.control<{ issuedAt: number[] }[]>(
      'GET',
      `/token-issues?platformAppid=${COMPONENT}&authorizerAppid=${authorizerAppid}`,
    );
    return issues[0]?.issuedAt.length ?? 0;
  };
  const newMiniProgram = () => stack.newMiniProgram();
  const addTemplate = (userVersion: string) => stack.addTemplate(userVersion);
  const codeRelease = { output: () => stack.codeRelease.output() };

  beforeAll(async () => {
    stack = await startReleaseStack({
      componentAppid: COMPONENT,
      prefix: 'cr_e2e',
      logLevel: 'info',
      simEnv: { SIM_AUDIT_POLICY: 'manual' },
    });
    sim = stack.sim;
    miniProgram = await newMiniProgram();
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
  }, 60_000);

  it('syncs the template library, adds a draft as a template and deletes it (85064 once gone)', async () => {
    await sim.control('POST', `/platforms/${COMPONENT}/drafts`, { userVersion: '0.9.0', userDesc: 'first' });
    const synced = await rpc<TemplateLibrary>(CodeReleaseRpcPatterns.SyncTemplates, {
      componentAppid: COMPONENT,
    });
    const draft = synced.drafts.find((d) => d.userVersion === '0.9.0')!;
    expect(draft).toMatchObject({ userDesc: 'first' });
    expect(synced.syncedAt).not.toBeNull();
    const drafts = await rpc<TemplateDraftSummary[]>(CodeReleaseRpcPatterns.ListDrafts, {
      componentAppid: COMPONENT,
    });
    expect(drafts.map((d) => d.draftId)).toContain(draft.draftId);

    const added = await rpc<TemplateLibrary>(CodeReleaseRpcPatterns.AddDraftToTemplates, {
      componentAppid: COMPONENT,
      draftId: draft.draftId,
      templateType: 1,
    });
    const template = added.templates.find((t) => t.draftId === draft.draftId)!;
    expect(template).toMatchObject({ userVersion: '0.9.0', templateType: 1 });
    const listed = await rpc<TemplateSummary[]>(CodeReleaseRpcPatterns.ListTemplates, {
      componentAppid: COMPONENT,
    });
    expect(listed.map((t) => t.templateId)).toContain(template.templateId);

    const afterDelete = await rpc<TemplateLibrary>(CodeReleaseRpcPatterns.DeleteTemplate, {
      componentAppid: COMPONENT,
      templateId: template.templateId,
    });
    expect(afterDelete.templates.map((t) => t.templateId)).not.toContain(template.templateId);
    expect(
      await rpcError(CodeReleaseRpcPatterns.DeleteTemplate, {
        componentAppid: COMPONENT,
        templateId: template.templateId,
      }),
    ).toMatchObject({ code: 'TEMPLATE_NOT_FOUND', details: { errcode: 85064 } });
  });

  it('reports a full library (85065) as TEMPLATE_LIBRARY_FULL', async () => {
    const { draftId } = await sim.control<{ draftId: number }>('POST', `/platforms/${COMPONENT}/drafts`, {
      userVersion: '0.1.0',
    });
    // Fill the library straight at "WeChat", up to its 200 templates.
    const token = await componentToken();
    const existing = (
      await rpc<TemplateLibrary>(CodeReleaseRpcPatterns.SyncTemplates, { componentAppid: COMPONENT })
    ).templates.length;
    for (let i = existing; i < 200; i++) {
      const response = await fetch(`${sim.url}/wxa/addtotemplate?access_token=${token}`, {
        method: 'POST',
        body: JSON.stringify({ draft_id: draftId, template_type: 0 }),
      });
      expect(await response.json()).toMatchObject({ errcode: 0 });
    }
    expect(
      await rpcError(CodeReleaseRpcPatterns.AddDraftToTemplates, { componentAppid: COMPONENT, draftId }),
    ).toMatchObject({ code: 'TEMPLATE_LIBRARY_FULL', details: { errcode: 85065 } });

    // Empty it again for the other tests.
    const full = await rpc<TemplateLibrary>(CodeReleaseRpcPatterns.SyncTemplates, {
      componentAppid: COMPONENT,
    });
    expect(full.templates).toHaveLength(200);
    for (const template of full.templates) {
      await fetch(`${sim.url}/wxa/deletetemplate?access_token=${token}`, {
        method: 'POST',
        body: JSON.stringify({ template_id: template.templateId }),
      });
    }
    expect(
      (await rpc<TemplateLibrary>(CodeReleaseRpcPatterns.SyncTemplates, { componentAppid: COMPONENT }))
        .templates,
    ).toHaveLength(0);
  }, 60_000);

  it('one mini program by hand: commit → QR → submit → approve → release → revert, each action in its history with its actor', async () => {
    const ref = { componentAppid: COMPONENT, authorizerAppid: miniProgram };
    const alice = { ...ref, actor: 'operator:alice' };
    const bob = { ...ref, actor: 'operator:bob' };
    const templateId = await addTemplate('1.0.0');
    const extJson = {
      extEnable: true,
      extAppid: miniProgram,
      ext: { shopId: '42' },
      pages: ['pages/index/index', 'pages/detail/detail'],
    };

    const shipVersion = async (userVersion: string) => {
      await rpc<ReleaseActionReply>(CodeReleaseRpcPatterns.Commit, {
        ...alice,
        templateId,
        extJson,
        userVersion,
        userDesc: `notes ${userVersion}`,
      });
      const submitted = await rpc<SubmitAuditReply>(CodeReleaseRpcPatterns.SubmitAudit, {
        ...alice,
        versionDesc: 'test account: reviewer/reviewer-password',
      });
      expect(submitted.auditId).toEqual(expect.any(Number));
      return submitted;
    };

    const committed = await rpc<ReleaseActionReply>(CodeReleaseRpcPatterns.Commit, {
      ...alice,
      templateId,
      extJson,
      userVersion: '1.0.0',
      userDesc: 'notes 1.0.0',
    });
    expect(committed).toMatchObject({ action: 'commit', outcome: 'succeeded' });

    const qrcode = await rpc<TrialQrcodeReply>(CodeReleaseRpcPatterns.GetTrialQrcode, {
      ...alice,
      path: 'pages/index/index?from=qa',
    });
    expect(qrcode.contentType).toBe('image/jpeg');
    expect(Buffer.from(qrcode.imageBase64, 'base64').subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));

    const submitted = await rpc<SubmitAuditReply>(CodeReleaseRpcPatterns.SubmitAudit, alice);
    let versions = await rpc<MiniProgramVersions>(CodeReleaseRpcPatterns.GetVersions, ref);
    expect(versions.trial).toMatchObject({ userVersion: '1.0.0', userDesc: 'notes 1.0.0' });
    expect(versions.audit).toMatchObject({ auditId: submitted.auditId, statusName: 'auditing' });
    expect(versions.online).toBeNull();

    await sim.control('POST', `/platforms/${COMPONENT}/accounts/${miniProgram}/audit`, {
      decision: 'success',
    });
    expect(await rpc<ReleaseActionReply>(CodeReleaseRpcPatterns.Release, bob)).toMatchObject({
      action: 'release',
      outcome: 'succeeded',
    });
    // Released twice: WeChat's 85052 means it is online already, which is what was asked.
    expect(await rpc<ReleaseActionReply>(CodeReleaseRpcPatterns.Release, bob)).toMatchObject({
      outcome: 'already',
    });
    versions = await rpc<MiniProgramVersions>(CodeReleaseRpcPatterns.GetVersions, ref);
    expect(versions.online).toMatchObject({ userVersion: '1.0.0' });
    expect(versions.audit).toMatchObject({ statusName: 'approved' });

    // A second version goes online; then the operator goes back to the first.
    const second = await shipVersion('1.1.0');
    await sim.control('POST', `/platforms/${COMPONENT}/accounts/${miniProgram}/audit`, {
      decision: 'success',
    });
    await rpc(CodeReleaseRpcPatterns.Release, bob);
    versions = await rpc<MiniProgramVersions>(CodeReleaseRpcPatterns.GetVersions, ref);
    expect(versions.online).toMatchObject({ userVersion: '1.1.0' });
    const first = versions.history.find((v) => v.userVersion === '1.0.0')!;
    expect(first).toBeDefined();
    expect(
      await rpc<ReleaseActionReply>(CodeReleaseRpcPatterns.RevertRelease, {
        ...bob,
        appVersion: first.appVersion,
      }),
    ).toMatchObject({ action: 'revert', outcome: 'succeeded' });
    versions = await rpc<MiniProgramVersions>(CodeReleaseRpcPatterns.GetVersions, ref);
    expect(versions.online).toMatchObject({ userVersion: '1.0.0' });

    // The history, newest first, page by page.
    const expected: [string, string, string][] = [
      ['revert', 'operator:bob', 'succeeded'],
      ['release', 'operator:bob', 'succeeded'],
      ['submit', 'operator:alice', 'succeeded'],
      ['commit', 'operator:alice', 'succeeded'],
      ['release', 'operator:bob', 'already'],
      ['release', 'operator:bob', 'succeeded'],
      ['submit', 'operator:alice', 'succeeded'],
      ['qrcode', 'operator:alice', 'succeeded'],
      ['commit', 'operator:alice', 'succeeded'],
    ];
    const seen: ReleaseHistoryPage['items'] = [];
    let before: string | null | undefined;
    do {
      const page: ReleaseHistoryPage = await rpc<ReleaseHistoryPage>(CodeReleaseRpcPatterns.ListHistory, {
        ...ref,
        limit: 4,
        ...(before ? { before } : {}),
      });
      seen.push(...page.items);
      before = page.nextBefore;
    } while (before);
    expect(seen.map((e) => [e.action, e.actor, e.outcome])).toEqual(expected);
    expect(seen[0]!.input).toEqual({ appVersion: first.appVersion });
    expect(seen[2]!.result).toMatchObject({ auditId: second.auditId });
    expect(seen[4]!.errcode).toBe(85052);
    expect(seen[6]!.result).toMatchObject({
      auditId: submitted.auditId,
      itemList: [expect.objectContaining({ address: 'pages/index/index' })],
    });
    expect(seen[8]!.input).toMatchObject({
      templateId,
      userVersion: '1.0.0',
      extJsonKeys: ['ext', 'extAppid', 'extEnable', 'pages'],
    });
    // What a reviewer's test account looks like is not kept.
    expect(JSON.stringify(seen)).not.toContain('reviewer-password');
    expect(codeRelease.output()).not.toContain('reviewer-password');
  }, 60_000);

  it('reports a submit during the privacy scan (61039) as "retry later", then undoes the audit it submits', async () => {
    const appid = await newMiniProgram();
    const ctx = { componentAppid: COMPONENT, authorizerAppid: appid, actor: 'operator:carol' };
    const templateId = await addTemplate('2.0.0');
    await sim.control('PUT', '/settings', { privacyScanSeconds: 60 });
    try {
      await rpc(CodeReleaseRpcPatterns.Commit, {
        ...ctx,
        templateId,
        extJson: {},
        userVersion: '2.0.0',
        userDesc: '',
      });
      const refused = await rpcError(CodeReleaseRpcPatterns.SubmitAudit, ctx);
      expect(refused).toMatchObject({ code: 'PRIVACY_SCAN_RUNNING', details: { errcode: 61039 } });
      expect(refused.message).toContain('privacy scan running, retry later');
    } finally {
      await sim.control('PUT', '/settings', { privacyScanSeconds: 0 });
    }
    const submitted = await rpc<SubmitAuditReply>(CodeReleaseRpcPatterns.SubmitAudit, ctx);
    expect(await rpc(CodeReleaseRpcPatterns.UndoAudit, ctx)).toMatchObject({
      action: 'undo',
      outcome: 'succeeded',
    });
    const versions = await rpc<MiniProgramVersions>(CodeReleaseRpcPatterns.GetVersions, {
      componentAppid: COMPONENT,
      authorizerAppid: appid,
    });
    expect(versions.audit).toMatchObject({ auditId: submitted.auditId, statusName: 'withdrawn' });
    const { items } = await rpc<ReleaseHistoryPage>(CodeReleaseRpcPatterns.ListHistory, {
      componentAppid: COMPONENT,
      authorizerAppid: appid,
    });
    expect(items.map((e) => [e.action, e.outcome, e.errcode])).toEqual([
      ['undo', 'succeeded', null],
      ['submit', 'succeeded', null],
      ['submit', 'failed', 61039],
      ['commit', 'succeeded', null],
    ]);
  }, 60_000);

  it('gray release steps advance and are cancelled, the online version is closed to visitors, the quota counts each submit', async () => {
    const appid = await newMiniProgram();
    const ref = { componentAppid: COMPONENT, authorizerAppid: appid };
    const ctx = { ...ref, actor: 'operator:dave' };
    const templateId = await addTemplate('3.0.0');
    const quotaBefore = await rpc<AuditQuotaReply>(CodeReleaseRpcPatterns.GetQuota, ref);
    const approvedVersion = async (userVersion: string) => {
      await rpc(CodeReleaseRpcPatterns.Commit, {
        ...ctx,
        templateId,
        extJson: {},
        userVersion,
        userDesc: '',
      });
      await rpc(CodeReleaseRpcPatterns.SubmitAudit, ctx);
      await sim.control('POST', `/platforms/${COMPONENT}/accounts/${appid}/audit`, { decision: 'success' });
    };
    await approvedVersion('3.0.0');
    await rpc(CodeReleaseRpcPatterns.Release, ctx);
    await approvedVersion('3.1.0');

    await rpc(CodeReleaseRpcPatterns.SetGrayRelease, {
      ...ctx,
      grayPercentage: 10,
      supportExperiencerFirst: true,
    });
    let versions = await rpc<MiniProgramVersions>(CodeReleaseRpcPatterns.GetVersions, ref);
    expect(versions.grayPlan).toMatchObject({ status: 1, grayPercentage: 10, supportExperiencerFirst: true });
    // A step must be higher than the current one (85082).
    expect(
      await rpcError(CodeReleaseRpcPatterns.SetGrayRelease, { ...ctx, grayPercentage: 5 }),
    ).toMatchObject({
      code: 'WECHAT_REJECTED',
      details: { errcode: 85082 },
    });
    await rpc(CodeReleaseRpcPatterns.SetGrayRelease, { ...ctx, grayPercentage: 50 });
    versions = await rpc<MiniProgramVersions>(CodeReleaseRpcPatterns.GetVersions, ref);
    expect(versions.grayPlan).toMatchObject({ status: 1, grayPercentage: 50 });
    await rpc(CodeReleaseRpcPatterns.RevertGrayRelease, ctx);
    versions = await rpc<MiniProgramVersions>(CodeReleaseRpcPatterns.GetVersions, ref);
    expect(versions.grayPlan).toMatchObject({ status: 4 });
    expect(versions.online).toMatchObject({ userVersion: '3.0.0' });

    expect(await rpc(CodeReleaseRpcPatterns.SetVisitStatus, { ...ctx, action: 'close' })).toMatchObject({
      action: 'visit-status.set',
      outcome: 'succeeded',
    });
    const quotaAfter = await rpc<AuditQuotaReply>(CodeReleaseRpcPatterns.GetQuota, ref);
    expect(quotaAfter.rest).toBe(quotaBefore.rest - 2);
    expect(quotaAfter.limit).toBe(quotaBefore.limit);

    const { items } = await rpc<ReleaseHistoryPage>(CodeReleaseRpcPatterns.ListHistory, { ...ref, limit: 5 });
    expect(items.map((e) => [e.action, e.outcome, e.errcode])).toEqual([
      ['visit-status.set', 'succeeded', null],
      ['gray.revert', 'succeeded', null],
      ['gray.set', 'succeeded', null],
      ['gray.set', 'failed', 85082],
      ['gray.set', 'succeeded', null],
    ]);
    expect(items[4]!.input).toEqual({ grayPercentage: 10, supportExperiencerFirst: true });
  }, 60_000);

  it('a token WeChat rejects (40001) is invalidated once in the token service and the call retried', async () => {
    const ref = { componentAppid: COMPONENT, authorizerAppid: miniProgram };
    const issuedBefore = await tokenIssues(miniProgram);
    await sim.control('POST', '/faults', { endpoint: 'wxa/getversioninfo', errcode: 40001, count: 1 });
    const versions = await rpc<MiniProgramVersions>(CodeReleaseRpcPatterns.GetVersions, ref);
    expect(versions).toMatchObject({ componentAppid: COMPONENT, authorizerAppid: miniProgram });
    expect(await sim.control<unknown[]>('GET', '/faults')).toEqual([]);
    // Exactly one new authorizer token: the rejected one was replaced once, not once per retry.
    expect(await tokenIssues(miniProgram)).toBe(issuedBefore + 1);
    // Neither token is ever written to this service's log.
    const { accessToken } = await rpc<AccessTokenReply>(TokenRpcPatterns.GetAuthorizerAccessToken, ref);
    expect(codeRelease.output()).toContain('code-release service ready');
    expect(codeRelease.output()).not.toContain(accessToken);
    expect(codeRelease.output()).not.toContain(await componentToken());
  }, 30_000);

  it('a component token WeChat rejects on a template call is invalidated once and the call retried', async () => {
    const issued = async () =>
      (
        await sim.control<{ tokensIssued: number }[]>(
          'GET',
          '/counters?endpoint=cgi-bin/component/api_component_token',
        )
      ).reduce((sum, row) => sum + row.tokensIssued, 0);
    const before = await issued();
    await sim.control('POST', '/faults', { endpoint: 'wxa/gettemplatelist', errcode: 40001, count: 1 });
    const library = await rpc<TemplateLibrary>(CodeReleaseRpcPatterns.SyncTemplates, {
      componentAppid: COMPONENT,
    });
    expect(library.componentAppid).toBe(COMPONENT);
    expect(await sim.control<unknown[]>('GET', '/faults')).toEqual([]);
    expect(await issued()).toBe(before + 1);
  }, 30_000);

  it('refuses a bad request naming every problem', async () => {
    const refused = await rpcError(CodeReleaseRpcPatterns.Commit, {
      componentAppid: COMPONENT,
      authorizerAppid: 'not an appid',
      templateId: -1,
      extJson: '{"a":1}',
      surprise: true,
    });
    expect(refused.code).toBe('INVALID_REQUEST');
    for (const field of ['authorizerAppid', 'actor', 'templateId', 'extJson', 'userVersion', 'surprise']) {
      expect(refused.message).toContain(field);
    }
  });
});
