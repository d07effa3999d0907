import type { SearchAuthorizersRequest } from './authorizer-rpc';
import type { AuditItem, SubmitAuditRequest } from './code-release-rpc';

/**
 * Release campaigns over RPC (code-release ↔ admin-api): PUBLIC CONTRACT between services.
 * DO NOT RENAME the patterns. Errors are CodeReleaseRpcErrorCodes (INVALID_REQUEST names every bad field).
 */
export const CampaignRpcPatterns = {
  /** Creates and starts a campaign; targets are frozen. Answers CampaignSummary. */
  Create: 'code-release.campaigns.create',
  /** One campaign with counts per state and progress. Answers CampaignSummary. */
  Get: 'code-release.campaigns.get',
  /** Campaigns, newest first (ListCampaignsRequest). Answers CampaignSummary[]. */
  List: 'code-release.campaigns.list',
  /** A campaign's targets in ordinal order, optionally of one state (ListCampaignTargetsRequest). Answers CampaignTargetPage. */
  ListTargets: 'code-release.campaigns.targets.list',
  Pause: 'code-release.campaigns.pause',
  Resume: 'code-release.campaigns.resume',
  Cancel: 'code-release.campaigns.cancel',
  /** Failed and rejected targets (all, or `authorizerAppids`) start again from pending, as a new attempt (RetryCampaignTargetsRequest). Answers RetryCampaignTargetsReply. */
  Retry: 'code-release.campaigns.retry',
  /**
   * Releases approved targets of a campaign in `manual` release mode, or restarts the gray plan of
   * targets held after a gray revert (`gray` mode); all, or `authorizerAppids` (CampaignTargetsOperationRequest).
   * Answers CampaignOperationReply. OPERATION_NOT_ALLOWED on an `on_approval` campaign.
   */
  Approve: 'code-release.campaigns.approve',
  /** Moves targets in `gray` to their next step now (after the last: full release). CampaignTargetsOperationRequest → CampaignOperationReply. */
  GrayAdvance: 'code-release.campaigns.gray.advance',
  /** revertgrayrelease for targets in `gray`: they go back to `approved`, held until `approve`. CampaignTargetsOperationRequest → CampaignOperationReply. */
  GrayRevert: 'code-release.campaigns.gray.revert',
  /** revertcoderelease (to the previous version) for `released` targets: they become `reverted`. CampaignTargetsOperationRequest → CampaignOperationReply. */
  Revert: 'code-release.campaigns.revert',
  /** speedupaudit (within `speedup_rest`, once per target and attempt) for targets in audit. CampaignTargetsOperationRequest → CampaignOperationReply. */
  Speedup: 'code-release.campaigns.speedup',
  /**
   * A campaign's operations on targets (every gray advance/revert, revert and speedup that
   * accepted a target, and cancel's undos), by creation time, newest first unless `order: 'asc'`
   * (ListCampaignOperationsRequest). Answers CampaignOperationPage.
   */
  ListOperations: 'code-release.campaigns.operations.list',
  /**
   * One background operation by the `operationId` its `running` reply gave, with its progress
   * (GetCampaignOperationRequest). Answers CampaignOperationSummary; OPERATION_NOT_FOUND.
   */
  GetOperation: 'code-release.campaigns.operations.get',
} as const;

/** The code-management permission set (wechat-protocol.md §5): without it every §5 call answers 61007. */
export const CODE_MANAGEMENT_FUNC_INFO = 18;

/**
 * What a campaign's `targetFilter` selects besides the bizRefs (code-release, at creation), and what
 * admin-api counts and reads the audit quota with: authorized mini programs with code management
 * and a working credential.
 */
export const CAMPAIGN_TARGET_CRITERIA: Readonly<
  Required<Pick<SearchAuthorizersRequest, 'authorizerType' | 'status' | 'credentialStatus' | 'funcInfo'>>
> = Object.freeze({
  authorizerType: 'mini_program',
  status: 'authorized',
  credentialStatus: 'active',
  funcInfo: [CODE_MANAGEMENT_FUNC_INFO],
});

/** `targetFilter` of campaigns.create (authorizerType is always mini_program). */
export interface CampaignTargetFilter {
  authorizerType?: 'mini_program';
  bizRefs?: string[];
  bizRefPrefix?: string;
}

/** Server domains for every target (https/wss/… URLs as modify_domain takes them). */
export interface CampaignServerDomains {
  requestDomain?: string[];
  wsRequestDomain?: string[];
  uploadDomain?: string[];
  downloadDomain?: string[];
  udpDomain?: string[];
  tcpDomain?: string[];
  /** `add` (default): these must be among the target's; `set`: exactly these. */
  action?: 'add' | 'set';
  /** modify_domain_directly (no platform list; effective from the next commit) instead of modify_domain. */
  directly?: boolean;
  /** Hosts missing from the platform's modify_wxa_server_domain list are added once at creation (else refused). */
  addToPlatform?: boolean;
}

export interface CampaignPreflight {
  /**
   * Fail a target whose nickname, avatar or intro is not set (submit would answer 86002), read
   * from the authorizer service's stored profile (`authorizer.authorizer.get`). Default false.
   */
  profileCheck?: boolean;
  serverDomains?: CampaignServerDomains;
  webviewDomains?: {
    domains: string[];
    action?: 'add' | 'set';
    /** Hosts missing from the platform's modify_wxa_jump_domain list are added once at creation (else refused). */
    addToPlatform?: boolean;
  };
  /** setprivacysetting (development version unless privacyVer 1). */
  privacy?: {
    privacyVer?: 1 | 2;
    ownerSetting: {
      contactEmail?: string;
      contactPhone?: string;
      contactQq?: string;
      contactWeixin?: string;
      noticeMethod: string;
      storeExpireTimestamp?: string;
      extFileMediaId?: string;
    };
    settingList: { privacyKey: string; privacyText: string }[];
  };
}

/** Operator-supplied campaign inputs (validated by code-release's campaign-request.util). */
export interface CreateCampaignRequest {
  componentAppid?: string;
  templateId: number;
  userVersion: string;
  userDesc: string;
  /** Explicit targets, with per-target template values. Exactly one of `targets` and `targetFilter`. */
  targets?: {
    authorizerAppid: string;
    bizRef?: string;
    nickName?: string;
    values?: Record<string, string>;
  }[];
  /**
   * Targets chosen from the authorizer service at creation and frozen: mini programs, authorized,
   * with an active credential and permission set 18, by bizRef list or prefix (one of them).
   * A filter that matches nothing is refused; at most 100,000 targets.
   */
  targetFilter?: CampaignTargetFilter;
  /** Operator-supplied template values per target appid (every appid must be a target). */
  values?: Record<string, Record<string, string>>;
  /** The ext.json object with `{{authorizerAppid}}`, `{{bizRef}}`, `{{nickName}}` and per-target `{{name}}` placeholders. */
  extJson: Record<string, unknown>;
  /** submit_audit's fields; without `itemList` each target's item comes from its get_category and get_page. */
  submit?: {
    versionDesc?: string;
    privacyApiNotUse?: boolean;
    feedbackInfo?: string;
    itemList?: AuditItem[];
    ugcDeclare?: SubmitAuditRequest['ugcDeclare'];
  };
  /** Settings made on every target before its commit, each skipped when already so. */
  preflight?: CampaignPreflight;
  /** `on_approval` (default), `manual` (each target waits for `approve`), or `gray` (the `gray` plan). */
  releaseMode?: 'on_approval' | 'manual' | 'gray';
  /** With releaseMode `gray`: the phased-release plan (CampaignGrayPlan). */
  gray?: CampaignGrayPlan;
  /** speedupaudit, once per target, for targets still in audit this long after their submit (within speedup_rest). */
  speedup?: { afterSeconds: number };
  releaseWindow?: { startHour: number; endHour: number; utcOffsetMinutes: number } | null;
  canary?: { size: number; maxRejectionRate: number };
  autoPause?: { maxRejectionRate?: number; minResults: number };
  concurrency?: number;
  quotaReserve?: number;
  /** Poll get_auditstatus after this many seconds without a push (default 600). */
  pollAfterSeconds?: number;
  requestedBy: string;
}

export interface CampaignRef {
  campaignId: string;
}

export interface CampaignSummary {
  campaignId: string;
  componentAppid: string;
  templateId: number;
  userVersion: string;
  status: 'running' | 'paused' | 'cancelled' | 'finished';
  pauseReason: string | null;
  targets: number;
  counts: Record<string, number>;
  progress: { total: number; done: number; throughputPerMinute: number; etaAt: string | null };
  /**
   * The platform's monthly submit quota (shared by every campaign of the component) as code-release
   * last read it with queryquota, less the submits claimed since; null before the first read.
   * Absent from older servers.
   */
  quota?: CampaignQuota | null;
  createdAt: string;
  finishedAt: string | null;
  /** What the operator chose at creation, defaults filled in (absent from older servers). */
  userDesc?: string;
  /** The operator (username) or service that created it. */
  createdBy?: string;
  /** `on_approval` also for campaigns created before release modes existed. */
  releaseMode?: 'on_approval' | 'manual' | 'gray';
  /** The gray plan (releaseMode `gray`); null otherwise. */
  gray?: Required<CampaignGrayPlan> | null;
  /** null: no window (any hour). */
  releaseWindow?: { startHour: number; endHour: number; utcOffsetMinutes: number } | null;
  concurrency?: number;
  quotaReserve?: number;
}

export interface CampaignQuota {
  /** Submits left this month: WeChat's `rest` at `readAt`, less the submits claimed since. */
  left: number;
  /** WeChat's monthly `limit`. */
  limit: number;
  /** This campaign's `quotaReserve`: it never submits into the last `reserve` units. */
  reserve: number;
  /** What this campaign may still submit now: `max(0, left − reserve)`. */
  availableToCampaign: number;
  /**
   * When the reading was taken: queryquota (read again when stale and no claimed submit is
   * unanswered), or an 85085 answer that emptied the quota.
   */
  readAt: string;
}

export type CampaignStatus = CampaignSummary['status'];

/** Orders `code-release.campaigns.list` accepts (ties broken by campaign id). */
export const CAMPAIGN_LIST_SORTS = [
  'createdAt',
  'finishedAt',
  'status',
  'userVersion',
  'templateId',
] as const;
export type CampaignListSort = (typeof CAMPAIGN_LIST_SORTS)[number];

/**
 * `code-release.campaigns.list`: newest first unless `sort`/`order` say otherwise, `offset`/`limit`
 * paged (limit 1..200, default 50). `sort` and `order` are additions (admin-api's sortable list).
 */
export interface ListCampaignsRequest {
  componentAppid?: string;
  status?: CampaignStatus;
  limit?: number;
  offset?: number;
  /** Default `createdAt`. */
  sort?: CampaignListSort;
  /** Default `desc`. */
  order?: 'asc' | 'desc';
}

/** `code-release.campaigns.targets.list`: targets in ordinal order after `afterOrdinal` (limit 1..500, default 100). */
export interface ListCampaignTargetsRequest {
  campaignId: string;
  /** One of the target states (pending … released, reverted, failed, cancelled, waiting_quota, skipped). */
  state?: string;
  limit?: number;
  afterOrdinal?: number;
}

/** One target of a campaign as an operator sees it. */
export interface CampaignTargetView {
  authorizerAppid: string;
  ordinal: number;
  bizRef: string | null;
  state: string;
  /** The step a failed target failed in. */
  step: string | null;
  attempt: number;
  auditId: number | null;
  /** In `gray`: the step of the campaign's gray plan it is at (0-based); absent from older producers. */
  grayStep?: number | null;
  errcode: number | null;
  message: string | null;
  /** Why it waits, was rejected or failed (e.g. quota_exhausted, template_not_found, the reviewer's reason). */
  reason: string | null;
  screenshots: string[] | null;
  updatedAt: string;
}

export interface CampaignTargetPage {
  targets: CampaignTargetView[];
  /** Pass as `afterOrdinal` for the next page; null on the last one. */
  nextAfterOrdinal: number | null;
}

/** `code-release.campaigns.retry`: every failed target, or only the chosen ones (which must be failed). */
export interface RetryCampaignTargetsRequest {
  campaignId: string;
  authorizerAppids?: string[];
  requestedBy: string;
}

export interface RetryCampaignTargetsReply {
  /** How many targets went back to pending. */
  retried: number;
  campaign: CampaignSummary;
}

/**
 * A campaign's phased release (grayrelease, wechat-protocol.md §5.4): each approved target goes
 * through the steps in order, then is fully released. Percentages 1..100, strictly rising
 * (85082); 0 only as the first step and only with `experiencerFirst` or `debuggerFirst`.
 */
export interface CampaignGrayPlan {
  /** `waitSeconds`: stay this long at the step, then advance; null waits for `gray.advance`. */
  steps: { percentage: number; waitSeconds: number | null }[];
  experiencerFirst?: boolean;
  debuggerFirst?: boolean;
}

/** `approve`, `gray.advance`, `gray.revert`, `revert`, `speedup`: the chosen targets (all that apply when omitted). */
export interface CampaignTargetsOperationRequest {
  campaignId: string;
  authorizerAppids?: string[];
  requestedBy: string;
}

export type ApproveCampaignTargetsRequest = CampaignTargetsOperationRequest;
export type GrayAdvanceCampaignTargetsRequest = CampaignTargetsOperationRequest;
export type GrayRevertCampaignTargetsRequest = CampaignTargetsOperationRequest;
export type RevertCampaignTargetsRequest = CampaignTargetsOperationRequest;
export type SpeedupCampaignTargetsRequest = CampaignTargetsOperationRequest;

/** `code-release.campaigns.cancel`; `undoAudits` withdraws the targets' audits in flight (undocodeaudit, within 5 a day / 10 a month). */
export interface CancelCampaignRequest {
  campaignId: string;
  requestedBy: string;
  undoAudits?: boolean;
}

/**
 * What an operation did to one target: `done`; `already` (nothing to do, e.g. sped up before);
 * `not_applicable` (wrong state for it, e.g. not released); `busy` (a worker holds it right now: ask
 * again); `limit` (speedup_rest or the undo limit is used up); `failed` (WeChat refused: errcode, message).
 */
export interface CampaignTargetOperationResult {
  authorizerAppid: string;
  outcome: 'done' | 'already' | 'not_applicable' | 'busy' | 'limit' | 'failed';
  /** The target's state after the operation. */
  state: string;
  errcode?: number;
  message?: string;
}

export interface CampaignOperationReply {
  /** How many targets the operation was `done` for (so far, when `running`). */
  done: number;
  /**
   * Each chosen target's outcome. While `running`, only the targets answered at once (`busy`,
   * `not_applicable`); the accepted ones show their progress in `targets.list` and the counts.
   */
  results: CampaignTargetOperationResult[];
  campaign: CampaignSummary;
  /** Targets the operation took under its leases (done now, or still to do when `running`). Absent from older servers. */
  accepted?: number;
  /**
   * true: more targets than one batch were accepted (or one batch would have outlasted the
   * caller's RPC deadline, less 1.5 s, or 20 s) and the
   * operation goes on after this answer, in the background under the operation's leases (another
   * replica resumes it if this one stops). Absent from older servers, which answered only when done.
   */
  running?: boolean;
  /**
   * The operation's id (`code-release.campaigns.operations.get`, logs) whenever a gray advance or
   * revert, a revert or a speedup accepted a target (approve has none): every such operation is recorded, so one cut short by a crash is taken over and its
   * started WeChat calls reconciled. Older servers gave it only when `running`.
   */
  operationId?: string;
}

/** `code-release.campaigns.operations.list`: `limit` 1..200 (default 50) from `offset` (default 0). */
export interface ListCampaignOperationsRequest {
  campaignId: string;
  status?: 'running' | 'finished';
  order?: 'asc' | 'desc';
  limit?: number;
  offset?: number;
}

export interface CampaignOperationPage {
  operations: CampaignOperationSummary[];
  /** Operations matching the request, all pages together. */
  total: number;
}

/** `code-release.campaigns.operations.get`. */
export interface GetCampaignOperationRequest {
  operationId: string;
}

/** An operation on a campaign's targets (recorded whenever it accepted one) and how far it got. */
export interface CampaignOperationSummary {
  operationId: string;
  campaignId: string;
  /** approve is not among them: it always answers with every outcome at once. */
  operation: 'gray.advance' | 'gray.revert' | 'revert' | 'speedup' | 'cancel.undo';
  requestedBy: string;
  /** `running` until every target has an outcome (another replica resumes it if its own stops). */
  status: 'running' | 'finished';
  /** Targets the operation accepted. */
  total: number;
  /** Accepted targets with no outcome yet. */
  pending: number;
  /** Targets with an outcome, by outcome (CampaignTargetOperationResult's `outcome`). */
  outcomes: Partial<Record<CampaignTargetOperationResult['outcome'], number>>;
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
}
