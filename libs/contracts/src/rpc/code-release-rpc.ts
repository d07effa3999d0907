/**
 * Request/reply between our services and the code-release service (template library, one mini
 * program's versions by hand, its release history): PUBLIC CONTRACT inside wxop.
 * DO NOT RENAME a pattern; add new ones instead. Campaigns have their own file (campaign-rpc.ts).
 *
 * Every request may carry `componentAppid` (the service's WECHAT_COMPONENT_APPID when omitted);
 * every action on a mini program carries `actor` (who asked: an operator's id or a service's name),
 * which its release history records.
 */
export const CodeReleaseRpcPatterns = {
  /** Reads drafts and templates from WeChat and stores them. Answers TemplateLibrary. */
  SyncTemplates: 'code-release.templates.sync',
  /** The stored templates. Answers TemplateLibrary['templates']. */
  ListTemplates: 'code-release.templates.list',
  /** The stored drafts. Answers TemplateLibrary['drafts']. */
  ListDrafts: 'code-release.drafts.list',
  /** Adds a draft to the library (then syncs). Answers TemplateLibrary. TEMPLATE_LIBRARY_FULL on 85065. */
  AddDraftToTemplates: 'code-release.templates.add-draft',
  /** Deletes a template (then syncs). Answers TemplateLibrary. TEMPLATE_NOT_FOUND on 85064. */
  DeleteTemplate: 'code-release.templates.delete',
  /** When the stored library was last read from WeChat, without reading it now. Answers TemplateSyncState. */
  GetTemplateSync: 'code-release.templates.sync.get',

  /** Trial, audit and online versions, history and gray plan of one mini program. Answers MiniProgramVersions. */
  GetVersions: 'code-release.versions.get',
  /** Uploads a template as the trial version (wxa/commit). Answers ReleaseActionReply. */
  Commit: 'code-release.versions.commit',
  /** The trial version's QR code. Answers TrialQrcodeReply. */
  GetTrialQrcode: 'code-release.versions.qrcode',
  /** Submits the trial version for audit. Answers SubmitAuditReply. PRIVACY_SCAN_RUNNING on 61039. */
  SubmitAudit: 'code-release.versions.submit',
  /** Withdraws the audit in flight (undocodeaudit). Answers ReleaseActionReply. */
  UndoAudit: 'code-release.versions.undo',
  /** Speeds the audit in flight up (speedupaudit). Answers ReleaseActionReply. */
  SpeedupAudit: 'code-release.versions.speedup',
  /** Releases the approved version; 85052 (already released) counts as done. Answers ReleaseActionReply. */
  Release: 'code-release.versions.release',
  /** Rolls back to the previous online version or a chosen `appVersion`. Answers ReleaseActionReply. */
  RevertRelease: 'code-release.versions.revert',
  /** Starts or raises a phased release. Answers ReleaseActionReply. */
  SetGrayRelease: 'code-release.versions.gray.set',
  /** Cancels the phased release. Answers ReleaseActionReply. */
  RevertGrayRelease: 'code-release.versions.gray.revert',
  /** Opens or closes the online version to users. Answers ReleaseActionReply. */
  SetVisitStatus: 'code-release.versions.visit-status.set',
  /** One mini program's release history, newest first. Answers ReleaseHistoryPage. */
  ListHistory: 'code-release.history.list',
  /** The platform's monthly audit quota (read with the given mini program's token). Answers AuditQuotaReply. */
  GetQuota: 'code-release.quota.get',
} as const;

/** Error codes the code-release service answers with (RpcRemoteError.code). */
export const CodeReleaseRpcErrorCodes = {
  InvalidRequest: 'INVALID_REQUEST',
  ComponentNotFound: 'COMPONENT_NOT_FOUND',
  AuthorizerNotFound: 'AUTHORIZER_NOT_FOUND',
  /** The merchant revoked the authorization or its refresh token died (details.errcode). */
  AuthorizerNotAuthorized: 'AUTHORIZER_NOT_AUTHORIZED',
  /** No campaign with this id. */
  CampaignNotFound: 'CAMPAIGN_NOT_FOUND',
  /** No background operation with this id (code-release.campaigns.operations.get). */
  OperationNotFound: 'OPERATION_NOT_FOUND',
  /** 85064: no such draft or template. */
  TemplateNotFound: 'TEMPLATE_NOT_FOUND',
  /** 85065: the library holds 200 templates; delete one first. */
  TemplateLibraryFull: 'TEMPLATE_LIBRARY_FULL',
  /** 61039: WeChat's privacy scan after a commit is still running; submit again in a minute. */
  PrivacyScanRunning: 'PRIVACY_SCAN_RUNNING',
  /** The campaign's mode or status does not allow this operation (e.g. approve on an on_approval campaign). */
  OperationNotAllowed: 'OPERATION_NOT_ALLOWED',
  /** WeChat refused the call (details.errcode, details.errmsg). */
  WechatRejected: 'WECHAT_REJECTED',
  /** WeChat or the token service is not answering now: try again later. */
  Unavailable: 'UNAVAILABLE',
} as const;

export type CodeReleaseRpcErrorCode =
  (typeof CodeReleaseRpcErrorCodes)[keyof typeof CodeReleaseRpcErrorCodes];

/** `details` of a code-release RpcRemoteError that WeChat caused. */
export interface CodeReleaseErrorDetails {
  errcode?: number;
  errmsg?: string;
}

export interface CodeReleaseComponentRequest {
  componentAppid?: string;
}

export interface TemplateDraftSummary {
  draftId: number;
  userVersion: string;
  userDesc: string;
  sourceMiniprogramAppid: string | null;
  sourceMiniprogram: string | null;
  developer: string | null;
  /** ISO-8601 (WeChat's create_time). */
  createdAt: string;
}

export interface TemplateSummary extends Omit<TemplateDraftSummary, 'draftId'> {
  templateId: number;
  draftId: number | null;
  /** 0 normal (普通模板), 1 standard (标准模板). */
  templateType: 0 | 1;
  categoryList: unknown[];
  auditScene: number | null;
  /** Standard templates: 0 not submitted, 1 auditing, 2 rejected, 3 approved, 4 submitting, 5 failed. */
  auditStatus: number | null;
  reason: string | null;
}

export interface TemplateLibrary {
  componentAppid: string;
  drafts: TemplateDraftSummary[];
  templates: TemplateSummary[];
  /** ISO-8601: when this was read from WeChat; null before the first sync. */
  syncedAt: string | null;
}

/** The last sync of a component's template library (CodeReleaseRpcPatterns.GetTemplateSync). */
export interface TemplateSyncState {
  componentAppid: string;
  /** ISO-8601: when the library was last read from WeChat; null before the first sync. */
  syncedAt: string | null;
  /** How many drafts and templates that sync stored (0 before the first). */
  drafts: number;
  templates: number;
}

export interface AddDraftToTemplatesRequest extends CodeReleaseComponentRequest {
  draftId: number;
  /** 0 normal (default), 1 standard. */
  templateType?: 0 | 1;
}

export interface DeleteTemplateRequest extends CodeReleaseComponentRequest {
  templateId: number;
}

export interface MiniProgramRequest extends CodeReleaseComponentRequest {
  authorizerAppid: string;
}

export interface MiniProgramActionRequest extends MiniProgramRequest {
  /** Who asked (operator id or service name), 1–128 characters; recorded in the history. */
  actor: string;
}

export interface CommitRequest extends MiniProgramActionRequest {
  templateId: number;
  /** ext.json as an object (sent to WeChat as the JSON string it wants). */
  extJson: Record<string, unknown>;
  /** ≤ 64 characters. */
  userVersion: string;
  userDesc: string;
}

export interface TrialQrcodeRequest extends MiniProgramActionRequest {
  /** A page with its query, e.g. `pages/index/index?id=1`. */
  path?: string;
}

export interface TrialQrcodeReply {
  contentType: string;
  /** The image, base64. */
  imageBase64: string;
}

export interface AuditItem {
  address: string;
  tag?: string;
  firstClass?: string;
  secondClass?: string;
  thirdClass?: string;
  firstId?: number;
  secondId?: number;
  thirdId?: number;
  title?: string;
}

export interface SubmitAuditRequest extends MiniProgramActionRequest {
  /**
   * 1–5 items. When omitted, one item is built from the first category of `get_category` and the
   * first page of `get_page`.
   */
  itemList?: AuditItem[];
  versionDesc?: string;
  feedbackInfo?: string;
  privacyApiNotUse?: boolean;
  ugcDeclare?: {
    scene?: number[];
    otherSceneDesc?: string;
    method?: number[];
    hasAuditTeam?: number;
    auditDesc?: string;
  };
  orderPath?: string;
}

export interface SubmitAuditReply extends ReleaseActionReply {
  auditId: number;
}

export interface RevertReleaseRequest extends MiniProgramActionRequest {
  /** One of the last 5 (versions.history); the previous online version when omitted. */
  appVersion?: number;
}

export interface SetGrayReleaseRequest extends MiniProgramActionRequest {
  /** 1–100, higher than the current step (0 only with one of the *First flags). */
  grayPercentage: number;
  supportExperiencerFirst?: boolean;
  supportDebugerFirst?: boolean;
}

export interface SetVisitStatusRequest extends MiniProgramActionRequest {
  action: 'open' | 'close';
}

export const RELEASE_ACTIONS = [
  'commit',
  'qrcode',
  'submit',
  'undo',
  'speedup',
  'release',
  'revert',
  'gray.set',
  'gray.revert',
  'visit-status.set',
  /** A campaign's preflight (modify_domain or modify_domain_directly). */
  'domains.set',
  /** A campaign's preflight (setwebviewdomain). */
  'webview-domains.set',
  /** A campaign's preflight (setprivacysetting). */
  'privacy.set',
] as const;
export type ReleaseAction = (typeof RELEASE_ACTIONS)[number];

/** What an action did, as its history entry keeps it. */
export interface ReleaseActionReply {
  historyId: string;
  action: ReleaseAction;
  /** `already` when WeChat said it was already so (85052 on release). */
  outcome: 'succeeded' | 'already';
}

export interface ReleaseHistoryEntry {
  id: string;
  componentAppid: string;
  authorizerAppid: string;
  action: ReleaseAction;
  actor: string;
  /** The request without secrets (ext_json summarised by its keys). */
  input: Record<string, unknown>;
  /** `already`: WeChat answered that it was already so (85052 on release). */
  outcome: 'succeeded' | 'already' | 'failed';
  errcode: number | null;
  message: string | null;
  /** e.g. `{ auditId }` of a submit. */
  result: Record<string, unknown> | null;
  campaignId: string | null;
  occurredAt: string;
}

export interface ListHistoryRequest extends MiniProgramRequest {
  /** Entries older than this id (the previous page's `nextBefore`). */
  before?: string;
  /** 1–200, default 50. */
  limit?: number;
}

export interface ReleaseHistoryPage {
  items: ReleaseHistoryEntry[];
  /** Pass as `before` for the next page; null on the last. */
  nextBefore: string | null;
}

export interface MiniProgramVersions {
  componentAppid: string;
  authorizerAppid: string;
  trial: { userVersion: string; userDesc: string; committedAt: string } | null;
  /** The latest audit (get_latest_auditstatus); null when none was ever submitted (85058). */
  audit: {
    auditId: number;
    /** 0 approved, 1 rejected, 2 auditing, 3 withdrawn, 4 delayed. */
    status: number;
    statusName: 'approved' | 'rejected' | 'auditing' | 'withdrawn' | 'delayed' | 'unknown';
    reason: string | null;
    screenshots: string[];
    userVersion: string | null;
    userDesc: string | null;
    submittedAt: string | null;
  } | null;
  online: { userVersion: string; userDesc: string; releasedAt: string } | null;
  /** Versions a revert can go back to (revertcoderelease get_history_version). */
  history: { appVersion: number; userVersion: string; userDesc: string; committedAt: string }[];
  grayPlan: {
    /** 0 init, 1 running, 2 paused, 3 finished, 4 deleted. */
    status: number;
    grayPercentage: number;
    supportExperiencerFirst: boolean;
    supportDebugerFirst: boolean;
    createdAt: string | null;
  } | null;
}

export interface AuditQuotaReply {
  rest: number;
  limit: number;
  speedupRest: number;
  speedupLimit: number;
}
