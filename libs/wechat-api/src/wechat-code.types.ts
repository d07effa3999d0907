/**
 * Request and answer types of the §5 code-management calls (wechat-protocol.md), in our camelCase
 * names. WeChat's own field names live only in wechat-code.client.ts.
 */

/** `status` of get_auditstatus / get_latest_auditstatus (§5.3). */
export enum AuditStatus {
  Approved = 0,
  Rejected = 1,
  Auditing = 2,
  Withdrawn = 3,
  Delayed = 4,
}

/** The §5 errcodes code-release branches on. DO NOT RENUMBER: WeChat's values. */
export enum WechatCodeErrcode {
  /** submit_audit: no category configured on the mini program. */
  NoCategory = 85008,
  /** submit_audit: a version is already under audit (also seen right after an undo). */
  AuditInProgress = 85009,
  /** release: no audited version. */
  NoAuditVersion = 85019,
  /** release: the audit status does not allow it (not approved yet, or ambiguous). */
  ReleaseNotAllowed = 85020,
  /** release: that approved version is already online. */
  AlreadyReleased = 85052,
  /** Template library: draft or template not found. */
  TemplateNotFound = 85064,
  /** Template library: 200 templates. */
  TemplateLibraryFull = 85065,
  /** grayrelease: no online version. */
  GrayNoOnlineVersion = 85079,
  /** grayrelease: the version is not approved. */
  GrayNotApproved = 85080,
  /** grayrelease: gray_percentage not in 1–100. */
  GrayInvalidPercentage = 85081,
  /** grayrelease: the percentage must be higher than the current one. */
  GrayPercentageNotHigher = 85082,
  /** submit_audit: the platform's monthly submit quota is exhausted. */
  SubmitQuotaExhausted = 85085,
  /** submit_audit: nickname, avatar or intro not set. */
  ProfileIncomplete = 86002,
  /** submit_audit right after commit: the privacy scan is still running (wait, do not commit again). */
  PrivacyScanRunning = 61039,
  /** submit_audit: a geo API is used but not declared in requiredPrivateInfos / not permitted. */
  PrivacyApiUndeclared = 61040,
  /** revertcoderelease during a gray release. */
  RevertDuringGray = 87011,
  /** revertcoderelease: nothing to roll back to (also seen from undocodeaudit with no audit). */
  CannotRevert = 87012,
  /** undocodeaudit: 5 a day / 10 a month used up. */
  UndoQuotaExhausted = 87013,
}

export interface TemplateCategory {
  firstClass: string;
  secondClass: string;
  thirdClass?: string;
  firstId: number;
  secondId: number;
  thirdId?: number;
}

/** One entry of gettemplatedraftlist. */
export interface TemplateDraft {
  draftId: number;
  userVersion: string;
  userDesc: string;
  /** Unix seconds. */
  createTime: number;
  sourceMiniprogramAppid?: string;
  sourceMiniprogram?: string;
  developer?: string;
  categoryList: unknown[];
}

/** 0 normal (普通), 1 standard (标准). */
export type TemplateType = 0 | 1;

/** One entry of gettemplatelist. */
export interface Template extends TemplateDraft {
  templateId: number;
  templateType: TemplateType;
  auditScene?: number;
  /** Standard templates only: 0 not submitted, 1 auditing, 2 rejected, 3 approved, 4 submitting, 5 submit failed. */
  auditStatus?: number;
  reason?: string;
}

export interface CommitInput {
  templateId: number;
  /** The ext.json object (extAppid, ext, extPages, pages, window, requiredPrivateInfos, …); sent as a string. */
  extJson: Record<string, unknown>;
  /** ≤ 64 characters. */
  userVersion: string;
  userDesc: string;
}

export interface QrcodeImage {
  /** `image/jpeg` on WeChat. */
  contentType: string;
  image: Buffer;
}

/** A category configured on the mini program (get_category). */
export type MiniProgramCategory = TemplateCategory;

export interface VersionInfo {
  /** The trial (体验版) version, when one was committed. */
  expInfo?: { expTime: number; expVersion: string; expDesc: string };
  /** The online version, when one was released. */
  releaseInfo?: { releaseTime: number; releaseVersion: string; releaseDesc: string };
}

export interface CodePrivacyInfo {
  /** Privacy APIs the code uses without the user-authorization declaration. */
  withoutAuthList: string[];
  /** Privacy APIs the code uses that the privacy settings do not cover. */
  withoutConfList: string[];
}

/** One page of submit_audit's item_list (at most 5). */
export interface AuditItem {
  address?: string;
  tag?: string;
  firstClass?: string;
  secondClass?: string;
  thirdClass?: string;
  firstId?: number;
  secondId?: number;
  thirdId?: number;
  title?: string;
}

/** ugc_declare; sub-field names partly unconfirmed (§5.3). */
export interface UgcDeclare {
  scene: number[];
  otherSceneDesc?: string;
  method?: number[];
  hasAuditTeam?: 0 | 1;
  auditDesc?: string;
}

export interface SubmitAuditInput {
  itemList?: AuditItem[];
  /** Reply to the last rejection (≤ 200 characters). */
  feedbackInfo?: string;
  /** media ids; joined with `|`. */
  feedbackStuff?: string[];
  versionDesc?: string;
  previewInfo?: { videoIdList?: string[]; picIdList?: string[] };
  ugcDeclare?: UgcDeclare;
  /** True declares that detected-but-unconfigured privacy APIs are unused. */
  privacyApiNotUse?: boolean;
  orderPath?: string;
}

export interface AuditStatusResult {
  status: AuditStatus;
  reason?: string;
  /** Media ids of the rejection screenshots (WeChat joins them with `|`). */
  screenshots: string[];
}

export interface LatestAuditStatus extends AuditStatusResult {
  auditId: number;
  userVersion?: string;
  userDesc?: string;
  /** Unix seconds. */
  submitAuditTime?: number;
}

/** queryquota: monthly, shared by every mini program of the platform. */
export interface AuditQuota {
  rest: number;
  limit: number;
  speedupRest: number;
  speedupLimit: number;
}

export interface HistoryVersion {
  appVersion: number;
  userVersion: string;
  userDesc: string;
  /** Unix seconds. */
  commitTime: number;
}

export interface GrayReleaseInput {
  /** 1–100 (0 only with one of the "first" flags); each call must raise it (85082). */
  grayPercentage: number;
  supportExperiencerFirst?: boolean;
  supportDebugerFirst?: boolean;
}

/** getgrayreleaseplan; status 0 init, 1 running, 2 paused, 3 finished, 4 deleted. */
export interface GrayReleasePlan {
  status: number;
  /** Unix seconds. */
  createTimestamp: number;
  grayPercentage: number;
  supportExperiencerFirst: boolean;
  supportDebugerFirst: boolean;
}

export type DomainAction = 'add' | 'delete' | 'set' | 'get';

/** A mini program's server domains (modify_domain), full URLs (`https://a.com`, `wss://a.com`). */
export interface ServerDomains {
  requestDomain: string[];
  wsRequestDomain: string[];
  uploadDomain: string[];
  downloadDomain: string[];
  udpDomain: string[];
  tcpDomain: string[];
}

export type ModifyDomainInput = { action: DomainAction } & Partial<ServerDomains>;

export interface ModifyDomainResult extends ServerDomains {
  /** The `invalid_*` lists WeChat may add (domains it refused), by our key. */
  invalid: Partial<ServerDomains>;
}

export interface WebviewDomainInput {
  action: DomainAction;
  webviewDomain?: string[];
}

/** get_effective_domain (field names unconfirmed, §5.5). */
export interface EffectiveDomains {
  /** Configured in the mini program's own console. */
  mpDomain: ServerDomains;
  /** Configured by the platform (modify_domain). */
  thirdDomain: ServerDomains;
  /** Configured with modify_domain_directly. */
  directDomain: ServerDomains;
  /** What the running code may call. */
  effectiveDomain: ServerDomains;
}

export interface WxaServerDomainInput {
  action: DomainAction;
  /** Bare hostnames; sent `;`-separated. */
  wxaServerDomain?: string[];
  isModifyPublishedTogether?: boolean;
}

export interface WxaServerDomainResult {
  publishedWxaServerDomain: string[];
  testingWxaServerDomain: string[];
  invalidWxaServerDomain: string[];
}

export interface WxaJumpDomainInput {
  action: DomainAction;
  /** Bare hostnames; sent `;`-separated. */
  wxaJumpH5Domain?: string[];
  isModifyPublishedTogether?: boolean;
}

export interface WxaJumpDomainResult {
  publishedWxaJumpH5Domain: string[];
  testingWxaJumpH5Domain: string[];
  invalidWxaJumpH5Domain: string[];
}

export interface PrivacyOwnerSetting {
  contactEmail?: string;
  contactPhone?: string;
  contactQq?: string;
  contactWeixin?: string;
  /** e.g. `弹窗`. */
  noticeMethod: string;
  /** `<n>天`, else 87072. */
  storeExpireTimestamp?: string;
  extFileMediaId?: string;
}

export interface PrivacySettingItem {
  /** e.g. `UserInfo`, `Location`. */
  privacyKey: string;
  privacyText: string;
}

/** 1 online, 2 development (the default). */
export type PrivacyVersion = 1 | 2;

export interface SetPrivacySettingInput {
  privacyVer?: PrivacyVersion;
  ownerSetting: PrivacyOwnerSetting;
  settingList: PrivacySettingItem[];
}

export interface PrivacySetting {
  codeExist: boolean;
  privacyList: string[];
  settingList: (PrivacySettingItem & { privacyLabel?: string })[];
  /** Unix seconds. */
  updateTime: number;
  ownerSetting: PrivacyOwnerSetting;
  privacyDesc: { privacyKey: string; privacyDesc: string }[];
}
