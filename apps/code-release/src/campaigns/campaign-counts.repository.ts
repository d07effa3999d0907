import { Injectable } from '@nestjs/common';
import type { CampaignCount, CampaignStatus } from '@wxop/contracts';
import { DataSource } from 'typeorm';

import { campaignFilterSql } from './campaign.repository';

/**
 * Campaigns per component and status, for admin-api's dashboard and list totals. Apart from
 * CampaignRepository (which the worker and the operations own) so the read stays one small query
 * over `idx_code_release_campaigns_status`.
 */
@Injectable()
export class CampaignCountsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async counts(filter: { componentAppid?: string; status?: CampaignStatus }): Promise<CampaignCount[]> {
    const { where, values } = campaignFilterSql(filter);
    const rows = (await this.dataSource.query(
      `SELECT component_appid, status, COUNT(*) AS count FROM code_release_campaigns ${where}
       GROUP BY component_appid, status ORDER BY component_appid, status`,
      values,
    )) as { component_appid: string; status: CampaignStatus; count: string | number }[];
    return rows.map((row) => ({
      componentAppid: row.component_appid,
      status: row.status,
      count: Number(row.count),
    }));
  }
}
