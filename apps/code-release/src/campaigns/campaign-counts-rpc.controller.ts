import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { CampaignSummaryRpcPatterns, type CampaignCountsReply, type CampaignStatus } from '@wxop/contracts';

import { RequestReader } from '../shared/request.util';
import { rpc } from '../shared/rpc.util';
import { CampaignCountsRepository } from './campaign-counts.repository';

const STATUSES: readonly CampaignStatus[] = ['running', 'paused', 'cancelled', 'finished'];

/** `code-release.campaigns.summary`: campaigns per component and status (admin-api's dashboard, list totals). */
@Controller()
export class CampaignCountsRpcController {
  constructor(private readonly counts: CampaignCountsRepository) {}

  @MessagePattern(CampaignSummaryRpcPatterns.Counts)
  summary(@Payload() request: unknown): Promise<CampaignCountsReply> {
    return rpc(async () => {
      const reader = new RequestReader(request ?? {}, ['componentAppid', 'status']);
      const componentAppid =
        reader.raw('componentAppid') === undefined ? undefined : reader.appid('componentAppid');
      const status = reader.raw('status') === undefined ? undefined : reader.oneOf('status', STATUSES);
      reader.done();
      const counts = await this.counts.counts({ componentAppid, status });
      return { counts, total: counts.reduce((sum, row) => sum + row.count, 0) };
    });
  }
}
