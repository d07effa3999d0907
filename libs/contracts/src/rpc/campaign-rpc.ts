/**
 * Release campaigns over RPC (code-release ↔ admin-api): PUBLIC CONTRACT between services.
 * DO NOT RENAME the patterns. Errors are CodeReleaseRpcErrorCodes (INVALID_REQUEST names every bad field).
 */
export const CampaignRpcPatterns = {
  /** Creates and starts a campaign; targets are frozen. Answers CampaignSummary. */
  Create: 'code-release.campaigns.create',
  /** One campaign with counts per state and progress. Answers CampaignSummary. */
  Get: 'code-release.campaigns.get',
  /** Campaigns, newest first. Answers CampaignSummary[]. */
  List: 'code-release.campaigns.list',
  /** A campaign's targets, optionally of one state. Answers CampaignTargetPage. */
  ListTargets: 'code-release.campaigns.targets.list',
  Pause: 'code-release.campaigns.pause',
  Resume: 'code-release.campaigns.resume',
  Cancel: 'code-release.campaigns.cancel',
  /** Failed or rejected targets (all, or `authorizerAppids`) start again from pending. */
  Retry: 'code-release.campaigns.retry',
  /** Releases approved targets of a campaign in `manual` release mode (all, or `authorizerAppids`). */
  Approve: 'code-release.campaigns.approve',
  GrayAdvance: 'code-release.campaigns.gray.advance',
  GrayRevert: 'code-release.campaigns.gray.revert',
  Revert: 'code-release.campaigns.revert',
} as const;

/** Operator-supplied campaign inputs (validated by code-release's campaign-request.util). */
export interface CreateCampaignRequest {
  componentAppid?: string;
  templateId: number;
  userVersion: string;
  userDesc: string;
  /** Explicit targets, with per-target template values. */
  targets: { authorizerAppid: string; bizRef?: string; nickName?: string; values?: Record<string, string> }[];
  /** The ext.json object with `{{authorizerAppid}}`, `{{bizRef}}`, `{{nickName}}` and per-target `{{name}}` placeholders. */
  extJson: Record<string, unknown>;
  submit?: { versionDesc?: string; privacyApiNotUse?: boolean; feedbackInfo?: string };
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
