import { Injectable, Logger } from '@nestjs/common';

import { WechatApiError } from '../api/wechat-api.errors';
import { PushService } from '../pushes/push.service';
import { seededRandom } from '../sim/random.util';
import { SimClock } from '../sim/sim-clock';
import { SimSettings } from '../sim/sim-settings';
import {
  SimState,
  type Account,
  type Audit,
  type MiniProgramCode,
  type Platform,
  type PlatformDomainList,
} from '../sim/sim-state';

export type AuditDecision = 'success' | 'fail' | 'delay';
const DOMAIN_KEYS = [
  'requestdomain',
  'wsrequestdomain',
  'uploaddomain',
  'downloaddomain',
  'udpdomain',
  'tcpdomain',
] as const;
const DOMAIN_SCHEMES: Record<(typeof DOMAIN_KEYS)[number], RegExp> = {
  requestdomain: /^https:\/\/[a-z0-9.-]+(:\d+)?$/i,
  wsrequestdomain: /^wss:\/\/[a-z0-9.-]+(:\d+)?$/i,
  uploaddomain: /^https:\/\/[a-z0-9.-]+(:\d+)?$/i,
  downloaddomain: /^https:\/\/[a-z0-9.-]+(:\d+)?$/i,
  udpdomain: /^udp:\/\/[a-z0-9.-]+(:\d+)?$/i,
  tcpdomain: /^tcp:\/\/[a-z0-9.-]+(:\d+)?$/i,
};

/**
 * The geo APIs `requiredPrivateInfos` may declare (§5.2) and the privacy-setting key that covers
 * each. The key names are UNCONFIRMED (WeChat's privacy key list: Location, ChooseLocation, Address).
 */
const GEO_PRIVACY_KEYS: Record<string, string> = {
  getLocation: 'Location',
  getFuzzyLocation: 'Location',
  onLocationChange: 'Location',
  startLocationUpdate: 'Location',
  startLocationUpdateBackground: 'Location',
  chooseLocation: 'ChooseLocation',
  choosePoi: 'ChooseLocation',
  chooseAddress: 'Address',
};

const HOSTNAME = /^(?=.*[a-z])[a-z0-9-]+(\.[a-z0-9-]+)+$/i;

/**
 * Templates (§5.1) and the per-mini-program code state machine (§5.6):
 * trial (commit) → audit (one at a time: 85009) → approved → online (history ≤ 5), with the
 * audit quota shared by the platform, undo quotas, gray release and rollback rules.
 */
@Injectable()
export class CodeService {
  private readonly logger = new Logger(CodeService.name);
  private random: () => number;
  private randomSeed: number;
  private readonly timers = new Set<NodeJS.Timeout>();
  /** The last audit push of each account still being delivered (see pushAuditEvent). */
  private readonly auditPushes = new Map<string, Promise<unknown>>();

  constructor(
    private readonly state: SimState,
    private readonly clock: SimClock,
    private readonly settings: SimSettings,
    private readonly pushes: PushService,
  ) {
    this.randomSeed = settings.auditSeed;
    this.random = seededRandom(settings.auditSeed);
  }

  // --- template library (component token) ---------------------------------

  addDraft(platform: Platform, userVersion: string, userDesc: string, source?: Account): number {
    const draftId = platform.nextDraftId++;
    platform.drafts.push({
      draft_id: draftId,
      user_version: userVersion,
      user_desc: userDesc,
      create_time: this.clock.seconds(),
      source_miniprogram_appid: source?.appid ?? 'wx0000000000000000',
      source_miniprogram: source?.nickName ?? 'template source',
      developer: 'wechat-sim',
    });
    return draftId;
  }

  addToTemplate(platform: Platform, draftId: unknown, templateType: unknown): void {
    const draft = platform.drafts.find((d) => d.draft_id === draftId);
    if (!draft) throw new WechatApiError(85064);
    if (platform.templates.length >= 200) throw new WechatApiError(85065);
    const type = templateType === undefined ? 0 : Number(templateType);
    if (type !== 0 && type !== 1) throw new WechatApiError(47001, 'template_type must be 0 or 1');
    platform.templates.push({
      ...draft,
      template_id: platform.nextTemplateId++,
      template_type: type,
      create_time: this.clock.seconds(),
    });
  }

  deleteTemplate(platform: Platform, templateId: unknown): void {
    const index = platform.templates.findIndex((t) => t.template_id === Number(templateId));
    if (index < 0) throw new WechatApiError(85064);
    platform.templates.splice(index, 1);
  }

  // --- code management (authorizer token) -----------------------------------

  commit(platform: Platform, account: Account, body: Record<string, unknown>): void {
    const templateId = Number(body['template_id']);
    if (!platform.templates.some((t) => t.template_id === templateId)) throw new WechatApiError(85014);
    const userVersion = body['user_version'];
    if (typeof userVersion !== 'string' || userVersion.length === 0 || userVersion.length > 64) {
      throw new WechatApiError(47001, 'user_version must be 1-64 characters');
    }
    const extJson = body['ext_json'] ?? '{}';
    if (typeof extJson !== 'string') throw new WechatApiError(47001, 'ext_json must be a JSON string');
    let ext: Record<string, unknown>;
    try {
      ext = JSON.parse(extJson) as Record<string, unknown>;
      if (typeof ext !== 'object' || ext === null || Array.isArray(ext)) throw new Error('not an object');
    } catch {
      throw new WechatApiError(85048);
    }
    if (ext['extAppid'] !== undefined && ext['extAppid'] !== account.appid)
      throw new WechatApiError(85013, 'extAppid is not this mini program');
    const pages = ext['pages'] === undefined ? ['pages/index/index'] : ext['pages'];
    if (!Array.isArray(pages) || pages.length === 0 || !pages.every((p) => typeof p === 'string'))
      throw new WechatApiError(85047);
    account.code.trial = {
      templateId,
      userVersion,
      userDesc: typeof body['user_desc'] === 'string' ? body['user_desc'] : '',
      extJson,
      pages: pages as string[],
      committedAt: this.clock.now(),
    };
  }

  pages(account: Account): string[] {
    if (!account.code.trial) throw new WechatApiError(86001);
    return account.code.trial.pages;
  }

  submitAudit(platform: Platform, account: Account, body: Record<string, unknown>): number {
    const code = account.code;
    if (!code.trial) throw new WechatApiError(85086);
    const latest = this.latestAudit(code);
    if (latest && (latest.status === 2 || latest.status === 4)) throw new WechatApiError(85009);
    if (this.clock.now() < code.trial.committedAt + this.settings.privacyScanSeconds * 1000)
      throw new WechatApiError(61039);
    if (this.settings.privacyApiCheck && this.privacyGaps(account).length > 0)
      throw new WechatApiError(61040, 'privacy api not declared in the privacy settings');
    if (account.categories.length === 0) throw new WechatApiError(85008);
    const items = body['item_list'];
    if (items !== undefined) {
      if (!Array.isArray(items) || items.length < 1 || items.length > 5) throw new WechatApiError(85023);
      for (const item of items as Record<string, unknown>[]) {
        const known = account.categories.some(
          (c) => c.first_id === item['first_id'] && c.second_id === item['second_id'],
        );
        if (!known) throw new WechatApiError(85077);
      }
    }
    this.rollQuotaOver(platform);
    if (platform.auditQuotaUsed >= this.settings.auditQuota) throw new WechatApiError(85085);
    platform.auditQuotaUsed++;
    const audit: Audit = {
      auditid: this.state.nextAuditId++,
      status: 2,
      reason: '',
      screenshot: '',
      userVersion: code.trial.userVersion,
      userDesc: code.trial.userDesc,
      submitTime: this.clock.seconds(),
      released: false,
    };
    code.audits.push(audit);
    this.applyPolicy(platform, account, audit);
    return audit.auditid;
  }

  audit(account: Account, auditId: unknown): Audit {
    const audit = account.code.audits.find((a) => a.auditid === Number(auditId));
    if (!audit) throw new WechatApiError(85012);
    return audit;
  }

  latestAuditOrFail(account: Account): Audit {
    const audit = this.latestAudit(account.code);
    if (!audit) throw new WechatApiError(85058);
    return audit;
  }

  /** Decides an audit (control API or policy) and pushes the weapp_audit_* event. */
  decide(platform: Platform, account: Account, decision: AuditDecision, reason?: string): Audit {
    const audit = this.latestAudit(account.code);
    if (!audit || (audit.status !== 2 && audit.status !== 4)) throw new WechatApiError(85019);
    const now = this.clock.seconds();
    if (decision === 'success') {
      audit.status = 0;
      this.pushAuditEvent(platform, account, {
        MsgType: 'event',
        Event: 'weapp_audit_success',
        SuccTime: now,
      });
    } else if (decision === 'fail') {
      audit.status = 1;
      audit.reason = reason ?? '1:账号信息不符合规范:<br>(1):小程序名称与内容不符<br>';
      audit.screenshot = 'sim_media_1|sim_media_2';
      this.pushAuditEvent(platform, account, {
        MsgType: 'event',
        Event: 'weapp_audit_fail',
        Reason: audit.reason,
        FailTime: now,
        ScreenShot: audit.screenshot,
      });
    } else {
      if (audit.status !== 2) throw new WechatApiError(85019);
      audit.status = 4;
      audit.reason = reason ?? '审核延后，预计 7 个工作日内完成';
      this.pushAuditEvent(platform, account, {
        MsgType: 'event',
        Event: 'weapp_audit_delay',
        Reason: audit.reason,
        DelayTime: now,
      });
    }
    return audit;
  }

  /**
   * Delivers an account's audit pushes one after the other: WeChat sends 审核延后 before the
   * decision that follows it, and a subscriber may rely on seeing them in that order. Fired and
   * forgotten as before (the API answer does not wait for its push).
   */
  private pushAuditEvent(platform: Platform, account: Account, fields: Record<string, unknown>): void {
    const key = `${platform.appid}/${account.appid}`;
    const previous = this.auditPushes.get(key) ?? Promise.resolve();
    const next = previous
      .catch(() => undefined)
      .then(() => this.pushes.pushMessage(platform, account, fields))
      .catch(() => undefined);
    this.auditPushes.set(key, next);
    void next.then(() => {
      if (this.auditPushes.get(key) === next) this.auditPushes.delete(key);
    });
  }

  undoAudit(account: Account): void {
    const code = account.code;
    const latest = this.latestAudit(code);
    if (!latest || latest.status !== 2) throw new WechatApiError(87012, 'no version is under auditing');
    const day = this.clock.dayKey();
    const month = this.clock.monthKey();
    if (code.undo.day !== day) code.undo = { ...code.undo, day, dayCount: 0 };
    if (code.undo.month !== month) code.undo = { ...code.undo, month, monthCount: 0 };
    if (
      code.undo.dayCount >= this.settings.undoAuditDailyLimit ||
      code.undo.monthCount >= this.settings.undoAuditMonthlyLimit
    ) {
      throw new WechatApiError(87013);
    }
    code.undo.dayCount++;
    code.undo.monthCount++;
    latest.status = 3;
  }

  speedupAudit(platform: Platform, account: Account, auditId: unknown): void {
    const audit = this.audit(account, auditId);
    if (audit.status !== 2) throw new WechatApiError(85012, 'audit is not in progress');
    this.rollQuotaOver(platform);
    if (platform.speedupUsed >= this.speedupLimit()) throw new WechatApiError(85085, 'no speedup quota left');
    platform.speedupUsed++;
  }

  quota(platform: Platform): { rest: number; limit: number; speedup_rest: number; speedup_limit: number } {
    this.rollQuotaOver(platform);
    return {
      rest: Math.max(0, this.settings.auditQuota - platform.auditQuotaUsed),
      limit: this.settings.auditQuota,
      speedup_rest: Math.max(0, this.speedupLimit() - platform.speedupUsed),
      speedup_limit: this.speedupLimit(),
    };
  }

  release(account: Account): void {
    const code = account.code;
    const latest = this.latestAudit(code);
    if (!latest) throw new WechatApiError(85019);
    if (latest.status !== 0) throw new WechatApiError(85020);
    if (latest.released) throw new WechatApiError(85052);
    this.publish(code, latest);
  }

  history(
    account: Account,
  ): { app_version: number; user_version: string; user_desc: string; commit_time: number }[] {
    return account.code.history
      .filter((v) => v.appVersion !== account.code.online?.appVersion)
      .map((v) => ({
        app_version: v.appVersion,
        user_version: v.userVersion,
        user_desc: v.userDesc,
        commit_time: v.commitTime,
      }));
  }

  revert(account: Account, appVersion?: number): void {
    const code = account.code;
    if (code.gray?.status === 1) throw new WechatApiError(87011);
    if (!code.online || code.revertedSinceRelease) throw new WechatApiError(87012);
    const candidates = code.history.filter((v) => v.appVersion < code.online!.appVersion);
    const target =
      appVersion === undefined
        ? candidates[candidates.length - 1]
        : candidates.find((v) => v.appVersion === appVersion);
    if (!target) throw new WechatApiError(87012);
    code.online = { ...target, releaseTime: this.clock.seconds() };
    code.revertedSinceRelease = true;
  }

  grayRelease(account: Account, body: Record<string, unknown>): void {
    const code = account.code;
    if (!code.online) throw new WechatApiError(85079);
    const latest = this.latestAudit(code);
    if (!latest || latest.status !== 0 || latest.released) throw new WechatApiError(85080);
    const percentage = Number(body['gray_percentage']);
    // 0 only with one of the "first" flags (§5.7: the version goes to experiencers/debuggers only).
    const first = body['support_experiencer_first'] === true || body['support_debuger_first'] === true;
    if (!Number.isInteger(percentage) || percentage < (first ? 0 : 1) || percentage > 100)
      throw new WechatApiError(85081);
    if (code.gray?.status === 1 && percentage <= code.gray.gray_percentage) throw new WechatApiError(85082);
    code.gray = {
      status: percentage === 100 ? 3 : 1,
      create_timestamp: code.gray?.status === 1 ? code.gray.create_timestamp : this.clock.seconds(),
      gray_percentage: percentage,
      support_experiencer_first: body['support_experiencer_first'] === true,
      support_debuger_first: body['support_debuger_first'] === true,
    };
    if (percentage === 100) this.publish(code, latest);
  }

  revertGrayRelease(account: Account): void {
    const gray = account.code.gray;
    if (!gray || gray.status !== 1) throw new WechatApiError(85079, 'no gray release in progress');
    gray.status = 4;
  }

  changeVisitStatus(account: Account, action: unknown): void {
    if (action !== 'open' && action !== 'close')
      throw new WechatApiError(47001, 'action must be open or close');
    if (!account.code.online) throw new WechatApiError(85079, 'no online version');
    account.code.visitStatus = action;
  }

  versionInfo(account: Account): Record<string, unknown> {
    const { trial, online } = account.code;
    return {
      ...(trial
        ? {
            exp_info: {
              exp_time: Math.floor(trial.committedAt / 1000),
              exp_version: trial.userVersion,
              exp_desc: trial.userDesc,
            },
          }
        : {}),
      ...(online
        ? {
            release_info: {
              release_time: online.releaseTime,
              release_version: online.userVersion,
              release_desc: online.userDesc,
            },
          }
        : {}),
    };
  }

  /**
   * modify_domain (`platform` given: every host must be on the platform's modify_wxa_server_domain
   * list, testing or published, else 85017) or modify_domain_directly (`platform` undefined, its
   * own lists, no platform check).
   */
  modifyDomain(
    account: Account,
    body: Record<string, unknown>,
    platform?: Platform,
  ): Record<string, string[]> {
    const action = body['action'];
    const domains = platform ? account.code.domains : account.code.directDomains;
    if (action === 'get') return { ...domains };
    if (action !== 'add' && action !== 'delete' && action !== 'set')
      throw new WechatApiError(47001, 'action must be add, delete, set or get');
    const changes: Partial<Record<(typeof DOMAIN_KEYS)[number], string[]>> = {};
    for (const key of DOMAIN_KEYS) {
      const list = body[key];
      if (list === undefined) continue;
      if (
        !Array.isArray(list) ||
        !list.every(
          (d) => typeof d === 'string' && DOMAIN_SCHEMES[key].test(d) && !d.includes('api.weixin.qq.com'),
        )
      ) {
        throw new WechatApiError(85017);
      }
      changes[key] = list as string[];
    }
    if (platform && this.settings.platformDomainCheck && action !== 'delete') {
      const registered = new Set([
        ...platform.wxaServerDomains.testing,
        ...platform.wxaServerDomains.published,
      ]);
      const unregistered = Object.values(changes)
        .flat()
        .filter((url) => !registered.has(new URL(url).hostname.toLowerCase()));
      if (unregistered.length > 0)
        throw new WechatApiError(
          85017,
          `domain not added on the third-party platform: ${unregistered.join(', ')}`,
        );
    }
    if (action !== 'set' && Object.keys(changes).length === 0) throw new WechatApiError(85017);
    for (const key of DOMAIN_KEYS) {
      const list = changes[key];
      if (action === 'set') domains[key] = list ?? [];
      else if (list && action === 'add') domains[key] = [...new Set([...domains[key], ...list])];
      else if (list) domains[key] = domains[key].filter((d) => !list.includes(d));
      if (domains[key].length > 200) throw new WechatApiError(85016);
    }
    return { ...domains };
  }

  /**
   * get_code_privacy_info: 61039 during the privacy scan after a commit; then the geo APIs the
   * committed ext_json declares (`requiredPrivateInfos`) that no privacy setting covers. The sim
   * models no API permission applications, so `without_auth_list` is always empty.
   */
  codePrivacyInfo(account: Account): { without_auth_list: string[]; without_conf_list: string[] } {
    const trial = account.code.trial;
    if (!trial) throw new WechatApiError(86001);
    if (this.clock.now() < trial.committedAt + this.settings.privacyScanSeconds * 1000)
      throw new WechatApiError(61039);
    return { without_auth_list: [], without_conf_list: this.privacyGaps(account) };
  }

  /** Geo APIs of the trial's requiredPrivateInfos whose privacy key is in neither privacy version. */
  private privacyGaps(account: Account): string[] {
    const trial = account.code.trial;
    if (!trial) return [];
    let declared: unknown;
    try {
      declared = (JSON.parse(trial.extJson) as Record<string, unknown>)['requiredPrivateInfos'];
    } catch {
      return [];
    }
    if (!Array.isArray(declared)) return [];
    const covered = new Set(
      Object.values(account.code.privacy).flatMap((setting) =>
        setting.setting_list.map((s) => s.privacy_key),
      ),
    );
    return declared.filter(
      (api): api is string =>
        typeof api === 'string' && GEO_PRIVACY_KEYS[api] !== undefined && !covered.has(GEO_PRIVACY_KEYS[api]),
    );
  }

  /** get_effective_domain: the console's (none in the sim), the platform's, the direct ones, their union. */
  effectiveDomains(account: Account): Record<string, Record<string, string[]>> {
    const empty = Object.fromEntries(DOMAIN_KEYS.map((key) => [key, [] as string[]]));
    const third = { ...account.code.domains };
    const direct = { ...account.code.directDomains };
    const effective = Object.fromEntries(
      DOMAIN_KEYS.map((key) => [key, [...new Set([...third[key], ...direct[key]])]]),
    );
    return { mp_domain: empty, third_domain: third, direct_domain: direct, effective_domain: effective };
  }

  /**
   * modify_wxa_server_domain / modify_wxa_jump_domain: a platform list of bare hostnames
   * (`;`-separated), testing always changed, published too with `is_modify_published_together`.
   * Invalid hostnames (IPs, schemes, api.weixin.qq.com) are answered in the invalid list and not
   * kept. 50 changes a month each (then 45009, errcode UNCONFIRMED); `get` is free.
   */
  modifyPlatformDomains(
    list: PlatformDomainList,
    body: Record<string, unknown>,
    field: string,
    max: number,
  ): { published: string[]; testing: string[]; invalid: string[] } {
    const action = body['action'];
    if (action === 'get') return { published: list.published, testing: list.testing, invalid: [] };
    if (action !== 'add' && action !== 'delete' && action !== 'set')
      throw new WechatApiError(47001, 'action must be add, delete, set or get');
    const raw = body[field] ?? '';
    if (typeof raw !== 'string') throw new WechatApiError(47001, `${field} must be a ;-separated string`);
    const hosts = raw
      .split(';')
      .map((h) => h.trim())
      .filter((h) => h !== '');
    const invalid = hosts.filter((h) => !HOSTNAME.test(h) || h.toLowerCase() === 'api.weixin.qq.com');
    const valid = hosts.filter((h) => !invalid.includes(h)).map((h) => h.toLowerCase());
    const month = this.clock.monthKey();
    if (list.changes.month !== month) list.changes = { month, count: 0 };
    if (list.changes.count >= this.settings.platformDomainMonthlyLimit)
      throw new WechatApiError(45009, 'reach max domain modification monthly quota');
    const apply = (current: string[]) => {
      if (action === 'set') return [...new Set(valid)];
      if (action === 'add') return [...new Set([...current, ...valid])];
      return current.filter((h) => !valid.includes(h));
    };
    const testing = apply(list.testing);
    const published = body['is_modify_published_together'] === true ? apply(list.published) : list.published;
    if (testing.length > max || published.length > max) throw new WechatApiError(85016);
    list.testing = testing;
    list.published = published;
    list.changes.count++;
    return { published, testing, invalid };
  }

  setWebviewDomain(account: Account, body: Record<string, unknown>): string[] {
    const action = body['action'];
    const code = account.code;
    if (action === 'get') return code.webviewDomains;
    const list = body['webviewdomain'] ?? [];
    if (
      !Array.isArray(list) ||
      !list.every((d) => typeof d === 'string' && /^https:\/\/[a-z0-9.-]+$/i.test(d))
    )
      throw new WechatApiError(47001);
    const before = JSON.stringify(code.webviewDomains);
    if (action === 'set') code.webviewDomains = [...new Set(list as string[])];
    else if (action === 'add')
      code.webviewDomains = [...new Set([...code.webviewDomains, ...(list as string[])])];
    else if (action === 'delete')
      code.webviewDomains = code.webviewDomains.filter((d) => !(list as string[]).includes(d));
    else throw new WechatApiError(47001, 'action must be add, delete, set or get');
    if (code.webviewDomains.length > 100) throw new WechatApiError(89029);
    if (JSON.stringify(code.webviewDomains) === before) throw new WechatApiError(89019);
    return code.webviewDomains;
  }

  setPrivacy(account: Account, body: Record<string, unknown>): void {
    const version = body['privacy_ver'] === undefined ? 2 : Number(body['privacy_ver']);
    if (version !== 1 && version !== 2) throw new WechatApiError(47001, 'privacy_ver must be 1 or 2');
    const owner = (body['owner_setting'] ?? {}) as Record<string, string>;
    const contacts = ['contact_email', 'contact_phone', 'contact_qq', 'contact_weixin'];
    if (!contacts.some((key) => typeof owner[key] === 'string' && owner[key] !== '')) {
      throw new WechatApiError(47001, 'owner_setting必填字段字段缺失');
    }
    if (typeof owner['notice_method'] !== 'string' || owner['notice_method'] === '')
      throw new WechatApiError(47001, 'notice_method missing');
    if (owner['store_expire_timestamp'] !== undefined && !/^\d+天$/.test(owner['store_expire_timestamp']))
      throw new WechatApiError(87072);
    const list = (body['setting_list'] ?? []) as { privacy_key: string; privacy_text: string }[];
    if (
      !Array.isArray(list) ||
      !list.every((s) => typeof s?.privacy_key === 'string' && typeof s?.privacy_text === 'string')
    ) {
      throw new WechatApiError(47001, 'setting_list malformed');
    }
    account.code.privacy[version] = {
      owner_setting: owner,
      setting_list: list,
      update_time: this.clock.seconds(),
    };
  }

  getPrivacy(account: Account, version: number): Record<string, unknown> {
    const setting = account.code.privacy[version];
    return {
      code_exist: account.code.trial ? 1 : 0,
      privacy_list: (setting?.setting_list ?? []).map((s) => s.privacy_key),
      setting_list: (setting?.setting_list ?? []).map((s) => ({ ...s, privacy_label: s.privacy_key })),
      update_time: setting?.update_time ?? 0,
      owner_setting: setting?.owner_setting ?? {},
      privacy_desc: {
        privacy_desc_list: [{ privacy_key: 'UserInfo', privacy_desc: '用户信息（微信昵称、头像）' }],
      },
    };
  }

  /** Resets the seeded audit outcome sequence (settings change or /sim/reset). */
  reseed(seed: number): void {
    this.randomSeed = seed;
    this.random = seededRandom(seed);
  }

  cancelTimers(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private applyPolicy(platform: Platform, account: Account, audit: Audit): void {
    if (this.randomSeed !== this.settings.auditSeed) this.reseed(this.settings.auditSeed);
    const policy = this.settings.auditPolicy;
    if (policy === 'manual') return;
    if (policy !== 'random') {
      this.decideLater(platform, account, audit, [policy === 'approve' ? 'success' : 'fail']);
      return;
    }
    // Both rolls now, not when the timers fire: the sequence then depends on the seed alone.
    const first = this.randomDecision(true);
    this.decideLater(
      platform,
      account,
      audit,
      first === 'delay' ? [first, this.randomDecision(false)] : [first],
    );
  }

  /**
   * `random`: 70 % approved, 20 % rejected, 10 % delayed first (WeChat's 审核延后 push, §2.2);
   * a delayed audit is decided one delay later, 80 % approved. Seeded, so a run is reproducible.
   */
  private randomDecision(mayDelay: boolean): AuditDecision {
    const roll = this.random();
    if (!mayDelay) return roll < 0.8 ? 'success' : 'fail';
    return roll < 0.7 ? 'success' : roll < 0.9 ? 'fail' : 'delay';
  }

  /** Takes `decisions` one per auditDelaySeconds, while the audit is still the open one. */
  private decideLater(platform: Platform, account: Account, audit: Audit, decisions: AuditDecision[]): void {
    const [decision, ...rest] = decisions;
    if (!decision) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (audit.status !== 2 && audit.status !== 4) return;
      if (this.latestAudit(account.code) !== audit) return;
      try {
        this.decide(platform, account, decision);
        this.decideLater(platform, account, audit, rest);
      } catch (error) {
        this.logger.warn({ msg: 'audit policy could not decide', error: String(error) });
      }
    }, this.settings.auditDelaySeconds * 1000);
    timer.unref();
    this.timers.add(timer);
  }

  private publish(code: MiniProgramCode, audit: Audit): void {
    audit.released = true;
    const version = {
      appVersion: code.nextAppVersion++,
      userVersion: audit.userVersion,
      userDesc: audit.userDesc,
      commitTime: audit.submitTime,
      releaseTime: this.clock.seconds(),
    };
    code.online = version;
    code.history.push(version);
    if (code.history.length > 5) code.history.splice(0, code.history.length - 5);
    code.revertedSinceRelease = false;
    if (code.gray?.status === 1) code.gray.status = 3;
  }

  /** The submit and speed-up quotas are monthly (§5.3, §7), on the simulated clock. */
  private rollQuotaOver(platform: Platform): void {
    const month = this.clock.monthKey();
    if (platform.auditQuotaMonth === month) return;
    platform.auditQuotaMonth = month;
    platform.auditQuotaUsed = 0;
    platform.speedupUsed = 0;
  }

  private latestAudit(code: MiniProgramCode): Audit | undefined {
    return code.audits[code.audits.length - 1];
  }

  private speedupLimit(): number {
    return Math.max(1, Math.floor(this.settings.auditQuota / 4));
  }
}
