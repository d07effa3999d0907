import type { SchemaCampaignTargetPageDto, SchemaCampaignTargetRowDto } from '../../api/schema';

/** A row of `GET /admin/v1/campaigns/{campaignId}/targets`. */
export type CampaignTargetRow = SchemaCampaignTargetRowDto;

export type CampaignTargetRowPage = SchemaCampaignTargetPageDto;
