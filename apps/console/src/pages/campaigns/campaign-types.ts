/**
 * A row of `GET /admin/v1/campaigns/{campaignId}/targets`, as admin-api's CampaignTargetDto of
 * dto/campaign-list.dto.ts answers it. The generated OpenAPI types cannot be used for it: two DTOs
 * named CampaignTargetDto (this one and the create request's target) collide in the document, and
 * the page's `items` came out typed as the request's target (appid, bizRef, nickName, values).
 */
export interface CampaignTargetRow {
  authorizerAppid: string;
  ordinal: number;
  bizRef: string | null;
  state: string;
  step: string | null;
  attempt: number;
  auditId: number | null;
  errcode: number | null;
  message: string | null;
  reason: string | null;
  screenshots: string[] | null;
  updatedAt: string;
}

export interface CampaignTargetRowPage {
  items: CampaignTargetRow[];
  limit: number;
  nextCursor: string | null;
}
