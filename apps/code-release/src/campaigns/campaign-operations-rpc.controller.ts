import { Controller } from '@nestjs/common';
import { Ctx, MessagePattern, Payload } from '@nestjs/microservices';
import {
  CampaignRpcPatterns,
  type CampaignOperationPage,
  type CampaignOperationReply,
  type CampaignOperationSummary,
} from '@wxop/contracts';
import { AmqpRpcContext } from '@wxop/messaging';

import { rpc } from '../shared/rpc.util';
import { parseGetOperation, parseListOperations, parseRetry } from './campaign-request.util';
import { CampaignOperationsService } from './campaign-operations.service';

/**
 * `{ campaignId, authorizerAppids?, requestedBy }` of every operation on chosen targets: the same
 * shape, and the same checks (unknown fields refused, every problem named), as retry's.
 */
const parseTargetsOperation = parseRetry;

/** The release operations on a campaign's targets (CampaignRpcPatterns), for admin-api. ADR 0022. */
@Controller()
export class CampaignOperationsRpcController {
  constructor(private readonly operations: CampaignOperationsService) {}

  @MessagePattern(CampaignRpcPatterns.Approve)
  approve(@Payload() request: unknown): Promise<CampaignOperationReply> {
    return rpc(() => {
      const { campaignId, authorizerAppids, requestedBy } = parseTargetsOperation(request);
      return this.operations.approve(campaignId, authorizerAppids, requestedBy);
    });
  }

  @MessagePattern(CampaignRpcPatterns.GrayAdvance)
  grayAdvance(@Payload() request: unknown, @Ctx() context: AmqpRpcContext): Promise<CampaignOperationReply> {
    return rpc(() => {
      const { campaignId, authorizerAppids, requestedBy } = parseTargetsOperation(request);
      return this.operations.grayAdvance(campaignId, authorizerAppids, requestedBy, context.getDeadline());
    });
  }

  @MessagePattern(CampaignRpcPatterns.GrayRevert)
  grayRevert(@Payload() request: unknown, @Ctx() context: AmqpRpcContext): Promise<CampaignOperationReply> {
    return rpc(() => {
      const { campaignId, authorizerAppids, requestedBy } = parseTargetsOperation(request);
      return this.operations.grayRevert(campaignId, authorizerAppids, requestedBy, context.getDeadline());
    });
  }

  @MessagePattern(CampaignRpcPatterns.Revert)
  revert(@Payload() request: unknown, @Ctx() context: AmqpRpcContext): Promise<CampaignOperationReply> {
    return rpc(() => {
      const { campaignId, authorizerAppids, requestedBy } = parseTargetsOperation(request);
      return this.operations.revert(campaignId, authorizerAppids, requestedBy, context.getDeadline());
    });
  }

  @MessagePattern(CampaignRpcPatterns.Speedup)
  speedup(@Payload() request: unknown, @Ctx() context: AmqpRpcContext): Promise<CampaignOperationReply> {
    return rpc(() => {
      const { campaignId, authorizerAppids, requestedBy } = parseTargetsOperation(request);
      return this.operations.speedup(campaignId, authorizerAppids, requestedBy, context.getDeadline());
    });
  }

  @MessagePattern(CampaignRpcPatterns.ListOperations)
  listOperations(@Payload() request: unknown): Promise<CampaignOperationPage> {
    return rpc(() => this.operations.listOperations(parseListOperations(request)));
  }

  @MessagePattern(CampaignRpcPatterns.GetOperation)
  getOperation(@Payload() request: unknown): Promise<CampaignOperationSummary> {
    return rpc(() => this.operations.getOperation(parseGetOperation(request)));
  }
}
