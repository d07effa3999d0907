import type { CampaignStatus } from './campaign-rpc';

/**
 * Campaign counts over RPC (code-release ↔ admin-api's dashboard and list totals): PUBLIC CONTRACT
 * between services. DO NOT RENAME the pattern.
 */
export const CampaignSummaryRpcPatterns = {
  /** Campaigns per component and status (CampaignCountsRequest). Answers CampaignCountsReply. */
  Counts: 'code-release.campaigns.summary',
} as const;

/** Optional filters; no component means every component. */
export interface CampaignCountsRequest {
  componentAppid?: string;
  status?: CampaignStatus;
}

export interface CampaignCount {
  componentAppid: string;
  status: CampaignStatus;
  count: number;
}

export interface CampaignCountsReply {
  /** One row per component and status that has campaigns (absent rows are zero). */
  counts: CampaignCount[];
  /** The sum of `counts`. */
  total: number;
}
