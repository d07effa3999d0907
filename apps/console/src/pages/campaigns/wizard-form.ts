import type {
  SchemaAuditItemDto,
  SchemaCampaignPrivacyDto,
  SchemaCreateCampaignDto,
  SchemaUgcDeclareDto,
} from '../../api/schema';
import { parseJsonObject, parseTargetValues } from './ext-json-preview';

/**
 * The campaign wizard's form (what the operator fills in, step by step) and its conversion to
 * admin-api's CreateCampaignDto. Only what the DTO accepts; every optional part is sent only when
 * switched on, so code-release's defaults apply otherwise.
 */
export interface WizardValues {
  // 1. template
  templateId?: number;
  userVersion: string;
  userDesc: string;
  // 2. targets: exactly one of explicit appids and a filter (CreateCampaignDto refuses both)
  targetMode: 'explicit' | 'filter';
  authorizerAppids: string[];
  filterKind: 'bizRefs' | 'bizRefPrefix';
  /** one business reference a line (or separated by commas) */
  bizRefsText: string;
  bizRefPrefix: string;
  // 3. ext.json
  extJsonText: string;
  /** `{ appid: { name: value } }` as JSON; empty for none */
  valuesText: string;
  // 4. submit and preflight
  versionDesc: string;
  privacyApiNotUse: boolean;
  feedbackInfo: string;
  /** submit_audit's item_list; none for each target's own category and first page */
  auditItems: AuditItemValues[];
  ugcDeclareEnabled: boolean;
  /** UGC_SCENES; 0 ("none") stands alone */
  ugcScene: number[];
  /** with scene 5 ("other") */
  ugcOtherSceneDesc: string;
  /** UGC_METHODS */
  ugcMethod: number[];
  ugcHasAuditTeam: boolean;
  ugcAuditDesc: string;
  profileCheck: boolean;
  serverDomainsEnabled: boolean;
  requestDomain: string[];
  wsRequestDomain: string[];
  uploadDomain: string[];
  downloadDomain: string[];
  udpDomain: string[];
  tcpDomain: string[];
  serverDomainsAction: 'add' | 'set';
  serverDomainsDirectly: boolean;
  serverDomainsAddToPlatform: boolean;
  webviewDomainsEnabled: boolean;
  webviewDomains: string[];
  webviewDomainsAction: 'add' | 'set';
  webviewDomainsAddToPlatform: boolean;
  privacyEnabled: boolean;
  /** 2: the development version, 1: the online one */
  privacyVer: 1 | 2;
  privacyContactEmail: string;
  privacyContactPhone: string;
  privacyContactQq: string;
  privacyContactWeixin: string;
  privacyNoticeMethod: string;
  /** days, sent as WeChat's "<n>天"; empty for none */
  privacyStoreExpireDays?: number | null;
  privacyExtFileMediaId: string;
  privacySettings: PrivacySettingValues[];
  // 5. release
  releaseMode: 'on_approval' | 'manual' | 'gray';
  graySteps: { percentage: number; waitSeconds?: number | null }[];
  grayExperiencerFirst: boolean;
  grayDebuggerFirst: boolean;
  canaryEnabled: boolean;
  canarySize: number;
  /** percent, 0–100 (the DTO takes a rate, 0–1) */
  canaryMaxRejectionPercent: number;
  autoPauseEnabled: boolean;
  autoPauseMaxRejectionPercent?: number | null;
  autoPauseMinResults: number;
  speedupEnabled: boolean;
  speedupAfterSeconds: number;
  releaseWindowEnabled: boolean;
  releaseWindowStartHour: number;
  releaseWindowEndHour: number;
  releaseWindowUtcOffsetMinutes: number;
  concurrency: number;
  quotaReserve: number;
  pollAfterSeconds: number;
}

/** One audit item as the form holds it (InputNumber clears to null). */
export interface AuditItemValues {
  address?: string;
  tag?: string;
  title?: string;
  firstClass?: string;
  secondClass?: string;
  thirdClass?: string;
  firstId?: number | null;
  secondId?: number | null;
  thirdId?: number | null;
}

export interface PrivacySettingValues {
  privacyKey?: string;
  privacyText?: string;
}

/** submit_audit's item_list: at most 5 (CampaignSubmitDto, WeChat's 85023). */
export const MAX_AUDIT_ITEMS = 5;
/** setprivacysetting's setting_list: 1 to 100 (CampaignPrivacyDto; code-release wants one at least). */
export const MAX_PRIVACY_SETTINGS = 100;
/** ugc_declare.scene, as submit_audit documents it: 0 none, 1 profiles, 2 pictures, 3 videos, 4 text, 5 other. */
export const UGC_SCENES = [0, 1, 2, 3, 4, 5] as const;
/** ugc_declare.method: 1 WeChat's content-security API, 2 another product, 3 people, 4 none. */
export const UGC_METHODS = [1, 2, 3, 4] as const;
/** The privacy_key values of WeChat's privacy guide (suggestions: the field takes any key). */
export const PRIVACY_KEYS = [
  'UserInfo',
  'Location',
  'ChooseLocation',
  'Address',
  'Invoice',
  'RunData',
  'Record',
  'Album',
  'AlbumWriteOnly',
  'Camera',
  'PhoneNumber',
  'Contact',
  'DeviceInfo',
  'Email',
  'MessageFile',
  'Clipboard',
  'BlueTooth',
  'CalendarWriteOnly',
  'LicensePlate',
  'Accelerometer',
  'Compass',
  'DeviceMotion',
  'Gyroscope',
  'EXIDNumber',
  'EXOrderInfo',
  'EXUserPublishContent',
  'EXUserFollowAcct',
  'EXUserOpLog',
] as const;

/**
 * The first ext.json: only the variable every target has (a {{bizRef}} or {{nickName}} some target
 * lacks would have the campaign refused at creation); the help text names the others.
 */
export const DEFAULT_EXT_JSON = `{
  "extEnable": true,
  "ext": {
    "authorizerAppid": "{{authorizerAppid}}"
  }
}`;

/** The form's first values: code-release's own defaults where the DTO has one. */
export const WIZARD_DEFAULTS: WizardValues = {
  userVersion: '',
  userDesc: '',
  targetMode: 'explicit',
  authorizerAppids: [],
  filterKind: 'bizRefPrefix',
  bizRefsText: '',
  bizRefPrefix: '',
  extJsonText: DEFAULT_EXT_JSON,
  valuesText: '',
  versionDesc: '',
  privacyApiNotUse: false,
  feedbackInfo: '',
  auditItems: [],
  ugcDeclareEnabled: false,
  ugcScene: [0],
  ugcOtherSceneDesc: '',
  ugcMethod: [],
  ugcHasAuditTeam: false,
  ugcAuditDesc: '',
  profileCheck: false,
  serverDomainsEnabled: false,
  requestDomain: [],
  wsRequestDomain: [],
  uploadDomain: [],
  downloadDomain: [],
  udpDomain: [],
  tcpDomain: [],
  serverDomainsAction: 'add',
  serverDomainsDirectly: false,
  serverDomainsAddToPlatform: false,
  webviewDomainsEnabled: false,
  webviewDomains: [],
  webviewDomainsAction: 'add',
  webviewDomainsAddToPlatform: false,
  privacyEnabled: false,
  privacyVer: 2,
  privacyContactEmail: '',
  privacyContactPhone: '',
  privacyContactQq: '',
  privacyContactWeixin: '',
  privacyNoticeMethod: '',
  privacyStoreExpireDays: null,
  privacyExtFileMediaId: '',
  privacySettings: [{ privacyKey: '', privacyText: '' }],
  releaseMode: 'on_approval',
  graySteps: [
    { percentage: 10, waitSeconds: 3600 },
    { percentage: 50, waitSeconds: 3600 },
    { percentage: 100, waitSeconds: null },
  ],
  grayExperiencerFirst: false,
  grayDebuggerFirst: false,
  canaryEnabled: false,
  canarySize: 10,
  canaryMaxRejectionPercent: 20,
  autoPauseEnabled: false,
  autoPauseMaxRejectionPercent: 30,
  autoPauseMinResults: 10,
  speedupEnabled: false,
  speedupAfterSeconds: 3600,
  releaseWindowEnabled: false,
  releaseWindowStartHour: 22,
  releaseWindowEndHour: 24,
  releaseWindowUtcOffsetMinutes: 480,
  concurrency: 20,
  quotaReserve: 0,
  pollAfterSeconds: 600,
};

/** Business references from text: one a line or separated by commas, trimmed, each once. */
export function splitBizRefs(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/[\n,，]/)
        .map((line) => line.trim())
        .filter(Boolean),
    ),
  ];
}

/** A percentage (0–100) as the rate the DTO takes (0–1), four decimals at most. */
export function percentToRate(percent: number): number {
  return Math.round(Math.min(100, Math.max(0, percent)) * 100) / 10_000;
}

/**
 * A problem with the gray plan the DTO would refuse (code-release checks the same): percentages
 * integers 0–100, strictly rising, 0 only as the first step and with a "first" flag.
 */
export function grayPlanProblem(
  steps: ReadonlyArray<{ percentage: number }>,
  firstFlag: boolean,
): 'empty' | 'notRising' | 'range' | 'zero' | undefined {
  if (steps.length === 0) return 'empty';
  for (const [index, step] of steps.entries()) {
    if (!Number.isInteger(step.percentage) || step.percentage < 0 || step.percentage > 100) return 'range';
    if (step.percentage === 0 && (index > 0 || !firstFlag)) return 'zero';
    if (index > 0 && step.percentage <= steps[index - 1]!.percentage) return 'notRising';
  }
  return undefined;
}

const nonEmpty = <T>(list: readonly T[] | undefined) => (list && list.length > 0 ? [...list] : undefined);
const text = (value: string | undefined) => (value?.trim() ? value.trim() : undefined);

/** Drops keys whose value is undefined (the DTO's optional fields are omitted, not null). */
function defined<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** What the submit and privacy checks find, each a message `wizard.problem.<key>` of the page. */
export type WizardProblem =
  | 'auditItemsTooMany'
  | 'auditItemAddress'
  | 'ugcSceneEmpty'
  | 'ugcSceneNoneWithOthers'
  | 'privacyContact'
  | 'privacyNoticeMethod'
  | 'privacyStoreExpire'
  | 'privacySettingsEmpty'
  | 'privacySettingsTooMany'
  | 'privacySetting'
  | 'tooLong';

/** Thrown for a form that cannot become a request (the wizard validates each step before this). */
export class WizardInputError extends Error {
  constructor(
    readonly field: keyof WizardValues,
    message: string,
    /** the page's message for it, when there is one */
    readonly problem?: { key: WizardProblem; max?: number },
  ) {
    super(message);
    this.name = 'WizardInputError';
  }
}

/** The folded sections of the submit step, each opened when a field in it has an error. */
export type WizardSection = 'itemList' | 'ugc' | 'privacy';

/** The section a field (the first part of its name path) is in, if any. */
export function sectionOf(field: string | number | undefined): WizardSection | undefined {
  if (typeof field !== 'string') return undefined;
  if (field === 'auditItems') return 'itemList';
  if (field.startsWith('ugc')) return 'ugc';
  if (field.startsWith('privacy') && field !== 'privacyApiNotUse') return 'privacy';
  return undefined;
}

/** More audit items than submit_audit takes (the form's add button stops at the maximum too). */
export function auditItemsProblem(items: readonly AuditItemValues[]): 'auditItemsTooMany' | undefined {
  return items.length > MAX_AUDIT_ITEMS ? 'auditItemsTooMany' : undefined;
}

/** The UGC scenes the declaration cannot have: none, or "none" (0) with a scene. */
export function ugcSceneProblem(
  scene: readonly number[],
): 'ugcSceneEmpty' | 'ugcSceneNoneWithOthers' | undefined {
  if (scene.length === 0) return 'ugcSceneEmpty';
  if (scene.includes(0) && scene.some((value) => value !== 0)) return 'ugcSceneNoneWithOthers';
  return undefined;
}

/** Ticking "none" (0) clears the other scenes; ticking another scene clears "none". */
export function normalizeUgcScene(
  next: readonly number[] | undefined,
  previous: readonly number[] | undefined,
): number[] {
  const scene = [...(next ?? [])];
  if (!scene.includes(0) || scene.length === 1) return scene;
  return (previous ?? []).includes(0) ? scene.filter((value) => value !== 0) : [0];
}

type PrivacyContacts = Pick<
  WizardValues,
  'privacyContactEmail' | 'privacyContactPhone' | 'privacyContactQq' | 'privacyContactWeixin'
>;

/** setprivacysetting needs one contact of the four (WeChat: "owner_setting必填字段字段缺失"). */
export function privacyContactProblem(values: Partial<PrivacyContacts>): 'privacyContact' | undefined {
  const contacts = [
    values.privacyContactEmail,
    values.privacyContactPhone,
    values.privacyContactQq,
    values.privacyContactWeixin,
  ];
  return contacts.some((contact) => contact?.trim()) ? undefined : 'privacyContact';
}

/** The setting list code-release takes: 1 to 100 items. */
export function privacySettingsProblem(
  settings: readonly PrivacySettingValues[],
): 'privacySettingsEmpty' | 'privacySettingsTooMany' | undefined {
  if (settings.length === 0) return 'privacySettingsEmpty';
  if (settings.length > MAX_PRIVACY_SETTINGS) return 'privacySettingsTooMany';
  return undefined;
}

/** Trimmed text of at most `max` characters, undefined when blank; longer throws for `field`. */
function limited(value: string | undefined, max: number, field: keyof WizardValues): string | undefined {
  const trimmed = text(value);
  if (trimmed !== undefined && trimmed.length > max)
    throw new WizardInputError(field, `at most ${max} characters`, { key: 'tooLong', max });
  return trimmed;
}

/** A category id: a non-negative integer, or nothing. */
function categoryId(value: number | null | undefined): number | undefined {
  if (value === null || value === undefined) return undefined;
  if (!Number.isInteger(value) || value < 0)
    throw new WizardInputError('auditItems', 'category ids are non-negative integers');
  return value;
}

/** The audit items as CampaignSubmitDto's itemList; undefined for none (each target's own). */
export function toItemList(items: readonly AuditItemValues[]): SchemaAuditItemDto[] | undefined {
  if (items.length === 0) return undefined;
  const problem = auditItemsProblem(items);
  if (problem) throw new WizardInputError('auditItems', 'at most 5 audit items', { key: problem });
  return items.map((item) => {
    const address = limited(item.address, 256, 'auditItems');
    if (!address)
      throw new WizardInputError('auditItems', 'each audit item needs a page path', {
        key: 'auditItemAddress',
      });
    return defined({
      address,
      tag: limited(item.tag, 256, 'auditItems'),
      firstClass: limited(item.firstClass, 256, 'auditItems'),
      secondClass: limited(item.secondClass, 256, 'auditItems'),
      thirdClass: limited(item.thirdClass, 256, 'auditItems'),
      firstId: categoryId(item.firstId),
      secondId: categoryId(item.secondId),
      thirdId: categoryId(item.thirdId),
      title: limited(item.title, 256, 'auditItems'),
    });
  });
}

/**
 * The UGC declaration as CampaignSubmitDto's ugcDeclare, when switched on: scene 0 ("none") alone
 * (WeChat wants nothing else with it), else the scenes with what was filled of the rest.
 */
export function toUgcDeclare(
  values: Pick<
    WizardValues,
    'ugcDeclareEnabled' | 'ugcScene' | 'ugcOtherSceneDesc' | 'ugcMethod' | 'ugcHasAuditTeam' | 'ugcAuditDesc'
  >,
): SchemaUgcDeclareDto | undefined {
  if (!values.ugcDeclareEnabled) return undefined;
  const scene = [...new Set(values.ugcScene)].sort((a, b) => a - b);
  const problem = ugcSceneProblem(scene);
  if (problem) throw new WizardInputError('ugcScene', 'choose the UGC scenes', { key: problem });
  if (scene[0] === 0) return { scene: [0] };
  return defined({
    scene,
    otherSceneDesc: scene.includes(5)
      ? limited(values.ugcOtherSceneDesc, 256, 'ugcOtherSceneDesc')
      : undefined,
    method: nonEmpty([...new Set(values.ugcMethod)].sort((a, b) => a - b)),
    hasAuditTeam: values.ugcHasAuditTeam ? 1 : undefined,
    auditDesc: limited(values.ugcAuditDesc, 256, 'ugcAuditDesc'),
  });
}

/** The privacy guide as CampaignPreflightDto's privacy (setprivacysetting), when switched on. */
export function toPrivacy(
  values: Pick<
    WizardValues,
    | 'privacyEnabled'
    | 'privacyVer'
    | 'privacyContactEmail'
    | 'privacyContactPhone'
    | 'privacyContactQq'
    | 'privacyContactWeixin'
    | 'privacyNoticeMethod'
    | 'privacyStoreExpireDays'
    | 'privacyExtFileMediaId'
    | 'privacySettings'
  >,
): SchemaCampaignPrivacyDto | undefined {
  if (!values.privacyEnabled) return undefined;
  const contact = privacyContactProblem(values);
  if (contact)
    throw new WizardInputError('privacyContactEmail', 'give one contact (email, phone, QQ or Weixin)', {
      key: contact,
    });
  const noticeMethod = limited(values.privacyNoticeMethod, 256, 'privacyNoticeMethod');
  if (!noticeMethod)
    throw new WizardInputError('privacyNoticeMethod', 'say how users are told', {
      key: 'privacyNoticeMethod',
    });
  const days = values.privacyStoreExpireDays;
  if (days !== null && days !== undefined && (!Number.isInteger(days) || days < 0))
    throw new WizardInputError('privacyStoreExpireDays', 'the storage period is a number of days', {
      key: 'privacyStoreExpire',
    });
  const listProblem = privacySettingsProblem(values.privacySettings);
  if (listProblem)
    throw new WizardInputError('privacySettings', 'give 1 to 100 privacy settings', { key: listProblem });
  const settingList = values.privacySettings.map((setting) => {
    const privacyKey = limited(setting.privacyKey, 64, 'privacySettings');
    const privacyText = limited(setting.privacyText, 256, 'privacySettings');
    if (!privacyKey || !privacyText)
      throw new WizardInputError('privacySettings', 'each privacy setting needs a key and a purpose', {
        key: 'privacySetting',
      });
    return { privacyKey, privacyText };
  });
  return {
    privacyVer: values.privacyVer,
    ownerSetting: defined({
      contactEmail: limited(values.privacyContactEmail, 256, 'privacyContactEmail'),
      contactPhone: limited(values.privacyContactPhone, 256, 'privacyContactPhone'),
      contactQq: limited(values.privacyContactQq, 256, 'privacyContactQq'),
      contactWeixin: limited(values.privacyContactWeixin, 256, 'privacyContactWeixin'),
      noticeMethod,
      storeExpireTimestamp: days === null || days === undefined ? undefined : `${days}天`,
      extFileMediaId: limited(values.privacyExtFileMediaId, 256, 'privacyExtFileMediaId'),
    }),
    settingList,
  };
}

/** The wizard's values as the body of `POST /admin/v1/campaigns`. */
export function toCreateCampaignDto(values: WizardValues, componentAppid: string): SchemaCreateCampaignDto {
  if (values.templateId === undefined) throw new WizardInputError('templateId', 'choose a template');
  const extJson = parseJsonObject(values.extJsonText);
  if (!extJson.ok) throw new WizardInputError('extJsonText', extJson.error);
  const targetValues = parseTargetValues(values.valuesText);
  if (!targetValues.ok) throw new WizardInputError('valuesText', targetValues.error);

  let targets: SchemaCreateCampaignDto['targets'];
  let targetFilter: SchemaCreateCampaignDto['targetFilter'];
  if (values.targetMode === 'explicit') {
    const appids = [...new Set(values.authorizerAppids)];
    if (appids.length === 0)
      throw new WizardInputError('authorizerAppids', 'choose at least one mini program');
    targets = appids.map((authorizerAppid) => ({ authorizerAppid }));
  } else if (values.filterKind === 'bizRefs') {
    const bizRefs = splitBizRefs(values.bizRefsText);
    if (bizRefs.length === 0)
      throw new WizardInputError('bizRefsText', 'give at least one business reference');
    targetFilter = { authorizerType: 'mini_program', bizRefs };
  } else {
    const bizRefPrefix = values.bizRefPrefix.trim();
    if (!bizRefPrefix) throw new WizardInputError('bizRefPrefix', 'give a business reference prefix');
    targetFilter = { authorizerType: 'mini_program', bizRefPrefix };
  }

  const submit = defined({
    versionDesc: text(values.versionDesc),
    privacyApiNotUse: values.privacyApiNotUse ? true : undefined,
    feedbackInfo: text(values.feedbackInfo),
    itemList: toItemList(values.auditItems),
    ugcDeclare: toUgcDeclare(values),
  });

  const serverDomains = values.serverDomainsEnabled
    ? defined({
        requestDomain: nonEmpty(values.requestDomain),
        wsRequestDomain: nonEmpty(values.wsRequestDomain),
        uploadDomain: nonEmpty(values.uploadDomain),
        downloadDomain: nonEmpty(values.downloadDomain),
        udpDomain: nonEmpty(values.udpDomain),
        tcpDomain: nonEmpty(values.tcpDomain),
        action: values.serverDomainsAction,
        directly: values.serverDomainsDirectly || undefined,
        addToPlatform: values.serverDomainsAddToPlatform || undefined,
      })
    : undefined;
  const webviewDomains = values.webviewDomainsEnabled
    ? defined({
        domains: [...values.webviewDomains],
        action: values.webviewDomainsAction,
        addToPlatform: values.webviewDomainsAddToPlatform || undefined,
      })
    : undefined;
  const privacy = toPrivacy(values);
  const preflight: SchemaCreateCampaignDto['preflight'] =
    values.profileCheck || serverDomains || webviewDomains || privacy
      ? defined({ profileCheck: values.profileCheck, serverDomains, webviewDomains, privacy })
      : undefined;

  const gray =
    values.releaseMode === 'gray'
      ? defined({
          steps: values.graySteps.map((step) => ({
            percentage: step.percentage,
            waitSeconds: step.waitSeconds ?? null,
          })),
          experiencerFirst: values.grayExperiencerFirst || undefined,
          debuggerFirst: values.grayDebuggerFirst || undefined,
        })
      : undefined;

  return defined({
    componentAppid,
    templateId: values.templateId,
    userVersion: values.userVersion.trim(),
    userDesc: values.userDesc,
    targets,
    targetFilter,
    values: Object.keys(targetValues.value).length > 0 ? targetValues.value : undefined,
    extJson: extJson.value,
    submit: Object.keys(submit).length > 0 ? submit : undefined,
    preflight,
    releaseMode: values.releaseMode,
    gray,
    canary: values.canaryEnabled
      ? { size: values.canarySize, maxRejectionRate: percentToRate(values.canaryMaxRejectionPercent) }
      : undefined,
    autoPause: values.autoPauseEnabled
      ? defined({
          minResults: values.autoPauseMinResults,
          maxRejectionRate:
            values.autoPauseMaxRejectionPercent === null || values.autoPauseMaxRejectionPercent === undefined
              ? undefined
              : percentToRate(values.autoPauseMaxRejectionPercent),
        })
      : undefined,
    speedup: values.speedupEnabled ? { afterSeconds: values.speedupAfterSeconds } : undefined,
    releaseWindow: values.releaseWindowEnabled
      ? {
          startHour: values.releaseWindowStartHour,
          endHour: values.releaseWindowEndHour,
          utcOffsetMinutes: values.releaseWindowUtcOffsetMinutes,
        }
      : undefined,
    concurrency: values.concurrency,
    quotaReserve: values.quotaReserve,
    pollAfterSeconds: values.pollAfterSeconds,
  });
}

/**
 * How many targets the chosen targets come to, as far as the console can tell before creation:
 * the explicit appids, or the filter's bizRefs (an upper bound: code-release keeps those with code
 * management and a working credential), or for a prefix admin-api's count of what it matches now
 * (`prefixCount`, `now`: the targets are fixed at creation); `undefined` while a prefix is not
 * counted yet.
 */
export function chosenTargetCount(
  values: Pick<WizardValues, 'targetMode' | 'authorizerAppids' | 'filterKind' | 'bizRefsText'>,
  prefixCount?: number,
): { count: number; exact: boolean; now?: true } | undefined {
  if (values.targetMode === 'explicit')
    return { count: new Set(values.authorizerAppids ?? []).size, exact: true };
  if (values.filterKind === 'bizRefs')
    return { count: splitBizRefs(values.bizRefsText ?? '').length, exact: false };
  if (prefixCount !== undefined) return { count: prefixCount, exact: true, now: true };
  return undefined;
}
