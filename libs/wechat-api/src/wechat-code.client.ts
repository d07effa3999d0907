import type { CallOptions, WechatApiClient } from './wechat-api.client';
import { WechatTransportError } from './wechat-api.errors';
import type {
  AuditQuota,
  AuditStatus,
  AuditStatusResult,
  CodePrivacyInfo,
  CommitInput,
  EffectiveDomains,
  GrayReleaseInput,
  GrayReleasePlan,
  HistoryVersion,
  LatestAuditStatus,
  MiniProgramCategory,
  ModifyDomainInput,
  ModifyDomainResult,
  PrivacyOwnerSetting,
  PrivacySetting,
  PrivacyVersion,
  QrcodeImage,
  ServerDomains,
  SetPrivacySettingInput,
  SubmitAuditInput,
  Template,
  TemplateDraft,
  TemplateType,
  VersionInfo,
  WebviewDomainInput,
  WxaJumpDomainInput,
  WxaJumpDomainResult,
  WxaServerDomainInput,
  WxaServerDomainResult,
} from './wechat-code.types';

type Json = Record<string, unknown>;

/** Reads: retried on `-1`, 5xx, timeouts, dropped connections. */
const READ: CallOptions = { idempotent: true };
/**
 * Writes: a timeout, a 5xx or a `-1` may mean WeChat did it (a submit consumed quota, a release
 * went online), so they are retried only after a refused connection, when they certainly did not
 * run; the caller reconciles (getversioninfo, get_latest_auditstatus) before trying again.
 */
const WRITE: CallOptions = { idempotent: false, retrySystemError: false };

/** Our ServerDomains keys ↔ modify_domain's. */
const DOMAIN_FIELDS: readonly [keyof ServerDomains, string][] = [
  ['requestDomain', 'requestdomain'],
  ['wsRequestDomain', 'wsrequestdomain'],
  ['uploadDomain', 'uploaddomain'],
  ['downloadDomain', 'downloaddomain'],
  ['udpDomain', 'udpdomain'],
  ['tcpDomain', 'tcpdomain'],
];

/**
 * Typed §5 code-management calls (wechat-protocol.md): the template library with the component
 * token, everything else with an authorizer token (permission set 18). Built on WechatApiClient's
 * transport; errors are WechatApiError (errcode ≠ 0) or WechatTransportError. Token errors
 * (40001/40014/42001) are not handled here: wrap calls in withAuthorizerToken / withComponentToken.
 */
export class WechatCodeApi {
  constructor(private readonly client: WechatApiClient) {}

  // --- §5.1 template library (component token) ---------------------------------

  async getTemplateDraftList(componentToken: string): Promise<{ drafts: TemplateDraft[] }> {
    const body = await this.get('wxa/gettemplatedraftlist', componentToken);
    return { drafts: records(body['draft_list']).map(toDraft) };
  }

  /** Adds a draft to the library as a normal (0, the default) or standard (1) template. */
  async addToTemplate(
    componentToken: string,
    input: { draftId: number; templateType?: TemplateType },
  ): Promise<void> {
    await this.post(
      'wxa/addtotemplate',
      componentToken,
      {
        draft_id: input.draftId,
        ...(input.templateType === undefined ? {} : { template_type: input.templateType }),
      },
      WRITE,
    );
  }

  async getTemplateList(
    componentToken: string,
    input: { templateType?: TemplateType } = {},
  ): Promise<{ templates: Template[] }> {
    const body = await this.get(
      'wxa/gettemplatelist',
      componentToken,
      input.templateType === undefined ? {} : { template_type: String(input.templateType) },
    );
    return {
      templates: records(body['template_list']).map((row) => ({
        ...toDraft(row),
        templateId: num(row['template_id']),
        templateType: (num(row['template_type']) === 1 ? 1 : 0) as TemplateType,
        auditScene: optNum(row['audit_scene']),
        auditStatus: optNum(row['audit_status']),
        reason: optStr(row['reason']),
      })),
    };
  }

  async deleteTemplate(componentToken: string, input: { templateId: number }): Promise<void> {
    await this.post('wxa/deletetemplate', componentToken, { template_id: input.templateId }, WRITE);
  }

  // --- §5.2 upload and inspect ----------------------------------------------------

  /** Creates or overwrites the trial version; WeChat then runs a privacy scan (61039 until it ends). */
  async commit(accessToken: string, input: CommitInput): Promise<void> {
    await this.post(
      'wxa/commit',
      accessToken,
      {
        template_id: input.templateId,
        // A JSON string, not an object (§5.2).
        ext_json: JSON.stringify(input.extJson),
        user_version: input.userVersion,
        user_desc: input.userDesc,
      },
      WRITE,
    );
  }

  async getPage(accessToken: string): Promise<{ pages: string[] }> {
    const body = await this.get('wxa/get_page', accessToken);
    return { pages: strings(body['page_list']) };
  }

  /** The trial version's QR code; `path` is a page with its query, e.g. `pages/index?id=1`. */
  async getQrcode(accessToken: string, input: { path?: string } = {}): Promise<QrcodeImage> {
    const { contentType, body } = await this.client.getBytes('wxa/get_qrcode', {
      access_token: accessToken,
      ...(input.path === undefined ? {} : { path: input.path }),
    });
    return { contentType, image: body };
  }

  /** Categories configured on the mini program (empty: submit_audit answers 85008). */
  async getCategory(accessToken: string): Promise<{ categories: MiniProgramCategory[] }> {
    const body = await this.get('wxa/get_category', accessToken);
    return { categories: records(body['category_list']).map(toCategory) };
  }

  /** The trial and online versions, each when there is one. */
  async getVersionInfo(accessToken: string): Promise<VersionInfo> {
    const body = await this.post('wxa/getversioninfo', accessToken, {}, READ);
    const exp = body['exp_info'];
    const release = body['release_info'];
    return {
      ...(isRecord(exp)
        ? {
            expInfo: {
              expTime: num(exp['exp_time']),
              expVersion: str(exp['exp_version']),
              expDesc: str(exp['exp_desc']),
            },
          }
        : {}),
      ...(isRecord(release)
        ? {
            releaseInfo: {
              releaseTime: num(release['release_time']),
              releaseVersion: str(release['release_version']),
              releaseDesc: str(release['release_desc']),
            },
          }
        : {}),
    };
  }

  /** 61039 while the privacy scan after a commit is still running. */
  async getCodePrivacyInfo(accessToken: string): Promise<CodePrivacyInfo> {
    const body = await this.get('wxa/security/get_code_privacy_info', accessToken);
    return {
      withoutAuthList: strings(body['without_auth_list']),
      withoutConfList: strings(body['without_conf_list']),
    };
  }

  // --- §5.3 audit ------------------------------------------------------------------

  /** Consumes one of the platform's monthly submits. */
  async submitAudit(accessToken: string, input: SubmitAuditInput = {}): Promise<{ auditId: number }> {
    const payload: Json = {};
    if (input.itemList) {
      payload['item_list'] = input.itemList.map((item) =>
        compact({
          address: item.address,
          tag: item.tag,
          first_class: item.firstClass,
          second_class: item.secondClass,
          third_class: item.thirdClass,
          first_id: item.firstId,
          second_id: item.secondId,
          third_id: item.thirdId,
          title: item.title,
        }),
      );
    }
    if (input.feedbackInfo !== undefined) payload['feedback_info'] = input.feedbackInfo;
    if (input.feedbackStuff !== undefined) payload['feedback_stuff'] = input.feedbackStuff.join('|');
    if (input.versionDesc !== undefined) payload['version_desc'] = input.versionDesc;
    if (input.previewInfo) {
      payload['preview_info'] = compact({
        video_id_list: input.previewInfo.videoIdList,
        pic_id_list: input.previewInfo.picIdList,
      });
    }
    if (input.ugcDeclare) {
      payload['ugc_declare'] = compact({
        scene: input.ugcDeclare.scene,
        other_scene_desc: input.ugcDeclare.otherSceneDesc,
        method: input.ugcDeclare.method,
        has_audit_team: input.ugcDeclare.hasAuditTeam,
        audit_desc: input.ugcDeclare.auditDesc,
      });
    }
    if (input.privacyApiNotUse !== undefined) payload['privacy_api_not_use'] = input.privacyApiNotUse;
    if (input.orderPath !== undefined) payload['order_path'] = input.orderPath;
    const body = await this.post('wxa/submit_audit', accessToken, payload, WRITE);
    const auditId = body['auditid'];
    if (typeof auditId !== 'number') {
      throw new WechatTransportError('wxa/submit_audit', 'bad-body', 'answered without auditid');
    }
    return { auditId };
  }

  async getAuditStatus(accessToken: string, input: { auditId: number }): Promise<AuditStatusResult> {
    const body = await this.post('wxa/get_auditstatus', accessToken, { auditid: input.auditId }, READ);
    return toAuditStatus(body, 'wxa/get_auditstatus');
  }

  /** The last submitted audit (85058 when there is none). */
  async getLatestAuditStatus(accessToken: string): Promise<LatestAuditStatus> {
    const body = await this.get('wxa/get_latest_auditstatus', accessToken);
    const auditId = body['auditid'];
    if (typeof auditId !== 'number') {
      throw new WechatTransportError('wxa/get_latest_auditstatus', 'bad-body', 'answered without auditid');
    }
    return {
      auditId,
      ...toAuditStatus(body, 'wxa/get_latest_auditstatus'),
      userVersion: optStr(body['user_version']),
      userDesc: optStr(body['user_desc']),
      submitAuditTime: optNum(body['submit_audit_time']),
    };
  }

  /** Withdraws the audit in flight (5 a day, 10 a month: 87013). */
  async undoCodeAudit(accessToken: string): Promise<void> {
    await this.get('wxa/undocodeaudit', accessToken, {}, WRITE);
  }

  /** Consumes one `speedupRest`. */
  async speedupAudit(accessToken: string, input: { auditId: number }): Promise<void> {
    await this.post('wxa/speedupaudit', accessToken, { auditid: input.auditId }, WRITE);
  }

  /** The platform's monthly submit quota; any authorized mini program's token reads it. */
  async queryQuota(accessToken: string): Promise<AuditQuota> {
    const body = await this.get('wxa/queryquota', accessToken);
    return {
      rest: num(body['rest']),
      limit: num(body['limit']),
      speedupRest: num(body['speedup_rest']),
      speedupLimit: num(body['speedup_limit']),
    };
  }

  // --- §5.4 release and versions --------------------------------------------------

  /** Releases the last approved version (85052 when it already is online). */
  async release(accessToken: string): Promise<void> {
    // The body must be `{}`: an empty one answers 44002.
    await this.post('wxa/release', accessToken, {}, WRITE);
  }

  /** Rolls back to the previous online version, or to `appVersion` (one of the last 5). */
  async revertCodeRelease(accessToken: string, input: { appVersion?: number } = {}): Promise<void> {
    await this.get(
      'wxa/revertcoderelease',
      accessToken,
      input.appVersion === undefined ? {} : { app_version: String(input.appVersion) },
      WRITE,
    );
  }

  /** The versions revertCodeRelease can go back to. */
  async getHistoryVersion(accessToken: string): Promise<{ versions: HistoryVersion[] }> {
    const body = await this.get('wxa/revertcoderelease', accessToken, { action: 'get_history_version' });
    return {
      versions: records(body['version_list']).map((row) => ({
        appVersion: num(row['app_version']),
        userVersion: str(row['user_version']),
        userDesc: str(row['user_desc']),
        commitTime: num(row['commit_time']),
      })),
    };
  }

  /** Starts or raises a phased release (85082 unless higher than the current percentage). */
  async grayRelease(accessToken: string, input: GrayReleaseInput): Promise<void> {
    await this.post(
      'wxa/grayrelease',
      accessToken,
      compact({
        gray_percentage: input.grayPercentage,
        support_experiencer_first: input.supportExperiencerFirst,
        support_debuger_first: input.supportDebugerFirst,
      }),
      WRITE,
    );
  }

  async revertGrayRelease(accessToken: string): Promise<void> {
    await this.get('wxa/revertgrayrelease', accessToken, {}, WRITE);
  }

  async getGrayReleasePlan(accessToken: string): Promise<GrayReleasePlan> {
    const body = await this.get('wxa/getgrayreleaseplan', accessToken);
    const plan = isRecord(body['gray_release_plan']) ? body['gray_release_plan'] : {};
    return {
      status: num(plan['status']),
      createTimestamp: num(plan['create_timestamp']),
      grayPercentage: num(plan['gray_percentage']),
      supportExperiencerFirst: plan['support_experiencer_first'] === true,
      supportDebugerFirst: plan['support_debuger_first'] === true,
    };
  }

  /** Makes the online code visible (`open`) or suspends it (`close`). */
  async changeVisitStatus(accessToken: string, input: { action: 'open' | 'close' }): Promise<void> {
    await this.post('wxa/change_visitstatus', accessToken, { action: input.action }, WRITE);
  }

  // --- §5.5 domains and privacy ---------------------------------------------------

  /** Server domains from the platform's registered list (modify_wxa_server_domain); 50 changes a month. */
  async modifyDomain(accessToken: string, input: ModifyDomainInput): Promise<ModifyDomainResult> {
    return toDomainResult(await this.post('wxa/modify_domain', accessToken, toDomainBody(input), WRITE));
  }

  /** Server domains set directly, without the platform list; effective from the next commit/release. */
  async modifyDomainDirectly(accessToken: string, input: ModifyDomainInput): Promise<ModifyDomainResult> {
    return toDomainResult(
      await this.post('wxa/modify_domain_directly', accessToken, toDomainBody(input), WRITE),
    );
  }

  async setWebviewDomain(
    accessToken: string,
    input: WebviewDomainInput,
  ): Promise<{ webviewDomain: string[] }> {
    const body = await this.post(
      'wxa/setwebviewdomain',
      accessToken,
      compact({ action: input.action, webviewdomain: input.webviewDomain }),
      WRITE,
    );
    return { webviewDomain: strings(body['webviewdomain']) };
  }

  async getEffectiveDomain(accessToken: string): Promise<EffectiveDomains> {
    const body = await this.post('wxa/get_effective_domain', accessToken, {}, READ);
    return {
      mpDomain: toDomains(body['mp_domain']),
      thirdDomain: toDomains(body['third_domain']),
      directDomain: toDomains(body['direct_domain']),
      effectiveDomain: toDomains(body['effective_domain']),
    };
  }

  /** The platform's registered server domains (component token; 50 changes a month). */
  async modifyWxaServerDomain(
    componentToken: string,
    input: WxaServerDomainInput,
  ): Promise<WxaServerDomainResult> {
    const body = await this.post(
      'cgi-bin/component/modify_wxa_server_domain',
      componentToken,
      compact({
        action: input.action,
        wxa_server_domain: input.wxaServerDomain?.join(';'),
        is_modify_published_together: input.isModifyPublishedTogether,
      }),
      WRITE,
    );
    return {
      publishedWxaServerDomain: hostList(body['published_wxa_server_domain']),
      testingWxaServerDomain: hostList(body['testing_wxa_server_domain']),
      invalidWxaServerDomain: hostList(body['invalid_wxa_server_domain']),
    };
  }

  /** The platform's registered web-view (jump H5) domains (component token). */
  async modifyWxaJumpDomain(componentToken: string, input: WxaJumpDomainInput): Promise<WxaJumpDomainResult> {
    const body = await this.post(
      'cgi-bin/component/modify_wxa_jump_domain',
      componentToken,
      compact({
        action: input.action,
        wxa_jump_h5_domain: input.wxaJumpH5Domain?.join(';'),
        is_modify_published_together: input.isModifyPublishedTogether,
      }),
      WRITE,
    );
    return {
      publishedWxaJumpH5Domain: hostList(body['published_wxa_jump_h5_domain']),
      testingWxaJumpH5Domain: hostList(body['testing_wxa_jump_h5_domain']),
      invalidWxaJumpH5Domain: hostList(body['invalid_wxa_jump_h5_domain']),
    };
  }

  /** The privacy settings (authorizer token, despite the component path). */
  async setPrivacySetting(accessToken: string, input: SetPrivacySettingInput): Promise<void> {
    const owner = input.ownerSetting;
    await this.post(
      'cgi-bin/component/setprivacysetting',
      accessToken,
      {
        privacy_ver: input.privacyVer ?? 2,
        owner_setting: compact({
          contact_email: owner.contactEmail,
          contact_phone: owner.contactPhone,
          contact_qq: owner.contactQq,
          contact_weixin: owner.contactWeixin,
          notice_method: owner.noticeMethod,
          store_expire_timestamp: owner.storeExpireTimestamp,
          ext_file_media_id: owner.extFileMediaId,
        }),
        setting_list: input.settingList.map((item) => ({
          privacy_key: item.privacyKey,
          privacy_text: item.privacyText,
        })),
      },
      WRITE,
    );
  }

  async getPrivacySetting(
    accessToken: string,
    input: { privacyVer?: PrivacyVersion } = {},
  ): Promise<PrivacySetting> {
    const body = await this.post(
      'cgi-bin/component/getprivacysetting',
      accessToken,
      { privacy_ver: input.privacyVer ?? 2 },
      READ,
    );
    const owner = isRecord(body['owner_setting']) ? body['owner_setting'] : {};
    const desc = isRecord(body['privacy_desc']) ? body['privacy_desc']['privacy_desc_list'] : undefined;
    const ownerSetting: PrivacyOwnerSetting = {
      contactEmail: optStr(owner['contact_email']),
      contactPhone: optStr(owner['contact_phone']),
      contactQq: optStr(owner['contact_qq']),
      contactWeixin: optStr(owner['contact_weixin']),
      noticeMethod: str(owner['notice_method']),
      storeExpireTimestamp: optStr(owner['store_expire_timestamp']),
      extFileMediaId: optStr(owner['ext_file_media_id']),
    };
    return {
      codeExist: body['code_exist'] === 1 || body['code_exist'] === true,
      privacyList: strings(body['privacy_list']),
      settingList: records(body['setting_list']).map((row) => ({
        privacyKey: str(row['privacy_key']),
        privacyText: str(row['privacy_text']),
        privacyLabel: optStr(row['privacy_label']),
      })),
      updateTime: num(body['update_time']),
      ownerSetting: compact(ownerSetting as unknown as Json) as unknown as PrivacyOwnerSetting,
      privacyDesc: records(desc).map((row) => ({
        privacyKey: str(row['privacy_key']),
        privacyDesc: str(row['privacy_desc']),
      })),
    };
  }

  // --- transport --------------------------------------------------------------------

  private get(endpoint: string, token: string, query: Record<string, string> = {}, options = READ) {
    return this.client.call('GET', endpoint, { access_token: token, ...query }, undefined, options);
  }

  private post(endpoint: string, token: string, payload: Json, options: CallOptions) {
    return this.client.call('POST', endpoint, { access_token: token }, payload, options);
  }
}

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function records(value: unknown): Json[] {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** `a.com;b.com` (or a list) → `['a.com', 'b.com']`. */
function hostList(value: unknown): string[] {
  if (Array.isArray(value)) return strings(value);
  return typeof value === 'string' ? value.split(';').filter((host) => host !== '') : [];
}

function num(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : Number(value ?? 0) || 0;
}

function optNum(value: unknown): number | undefined {
  return value === undefined || value === null || value === '' ? undefined : num(value);
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value);
}

function optStr(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Drops undefined fields (WeChat rejects some nulls). */
function compact(value: Json): Json {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
}

function toCategory(row: Json): MiniProgramCategory {
  return {
    firstClass: str(row['first_class']),
    secondClass: str(row['second_class']),
    thirdClass: optStr(row['third_class']),
    firstId: num(row['first_id']),
    secondId: num(row['second_id']),
    thirdId: optNum(row['third_id']) || undefined,
  };
}

function toDraft(row: Json): TemplateDraft {
  return {
    draftId: num(row['draft_id']),
    userVersion: str(row['user_version']),
    userDesc: str(row['user_desc']),
    createTime: num(row['create_time']),
    sourceMiniprogramAppid: optStr(row['source_miniprogram_appid']),
    sourceMiniprogram: optStr(row['source_miniprogram']),
    developer: optStr(row['developer']),
    categoryList: Array.isArray(row['category_list']) ? row['category_list'] : [],
  };
}

/** `screenshot` (get_auditstatus) or `ScreenShot` (get_latest_auditstatus), `|`-separated. */
function toAuditStatus(body: Json, endpoint: string): AuditStatusResult {
  const status = body['status'];
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 0 || status > 4) {
    throw new WechatTransportError(endpoint, 'bad-body', 'answered without a known status');
  }
  const screenshot = optStr(body['screenshot']) ?? optStr(body['ScreenShot']);
  return {
    status: status as AuditStatus,
    reason: optStr(body['reason']),
    screenshots: screenshot ? screenshot.split('|').filter((id) => id !== '') : [],
  };
}

function toDomainBody(input: ModifyDomainInput): Json {
  const body: Json = { action: input.action };
  for (const [ours, theirs] of DOMAIN_FIELDS) {
    const list = input[ours];
    if (list !== undefined) body[theirs] = list;
  }
  return body;
}

function toDomains(value: unknown): ServerDomains {
  const body = isRecord(value) ? value : {};
  return Object.fromEntries(
    DOMAIN_FIELDS.map(([ours, theirs]) => [ours, strings(body[theirs])]),
  ) as unknown as ServerDomains;
}

function toDomainResult(body: Json): ModifyDomainResult {
  const invalid: Partial<ServerDomains> = {};
  for (const [ours, theirs] of DOMAIN_FIELDS) {
    const list = body[`invalid_${theirs}`];
    if (Array.isArray(list) && list.length > 0) invalid[ours] = strings(list);
  }
  return { ...toDomains(body), invalid };
}
