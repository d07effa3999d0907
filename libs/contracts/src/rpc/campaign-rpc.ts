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
  /** Failed targets (all, or `authorizerAppids`) start again from pending (RetryCampaignTargetsRequest). Answers RetryCampaignTargetsReply. */
  Retry: 'code-release.campaigns.retry',
  /** Releases approved targets of a campaign in `manual` release mode (all, or `authorizerAppids`). */
  Approve: 'code-release.campaigns.approve',
  GrayAdvance: 'code-release.campaigns.gray.advance',
  GrayRevert: 'code-release.campaigns.gray.revert',
  Revert: 'code-release.campaigns.revert',
} as const;

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
  targets?: { authorizerAppid: string; bizRef?: string; nickName?: string; values?: Record<string, string> }[];
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
  releaseMode?: 'on_approval' | 'manual';
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
  createdAt: string;
  finishedAt: string | null;
}

export type CampaignStatus = CampaignSummary['status'];

/** `code-release.campaigns.list`: newest first, `offset`/`limit` paged (limit 1..100, default 50). */
export interface ListCampaignsRequest {
  componentAppid?: string;
  status?: CampaignStatus;
  limit?: number;
  offset?: number;
}

/** `code-release.campaigns.targets.list`: targets in ordinal order after `afterOrdinal` (limit 1..500, default 100). */
export interface ListCampaignTargetsRequest {
  campaignId: string;
  /** One of the target states (pending … released, failed, cancelled, waiting_quota, skipped). */
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
