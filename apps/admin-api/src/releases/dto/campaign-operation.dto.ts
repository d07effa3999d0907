import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, IsUUID } from 'class-validator';

import { PageQueryDto } from '../../shared/page-query.dto';

import { CampaignDto } from './campaign.dto';

/** `POST /campaigns/{campaignId}/cancel`. */
export class CancelCampaignDto {
  @ApiPropertyOptional({
    default: false,
    description: 'also withdraw the audits in flight (undocodeaudit: 5 a day, 10 a month per mini program)',
  })
  @IsOptional()
  @IsBoolean()
  undoAudits?: boolean;
}

export class CampaignTargetOperationResultDto {
  @ApiProperty() authorizerAppid!: string;
  @ApiProperty({
    enum: ['done', 'already', 'not_applicable', 'busy', 'limit', 'failed'],
    description:
      'done; already (nothing to do); not_applicable (wrong state); busy (a worker holds it: ask again); limit (speedup or undo quota used up); failed (WeChat refused)',
  })
  outcome!: string;
  @ApiProperty({ description: "the target's state after the operation" }) state!: string;
  @ApiPropertyOptional({ description: "WeChat's errcode when failed" }) errcode?: number;
  @ApiPropertyOptional() message?: string;
}

/**
 * What approve, gray advance/revert, revert and speedup did, target by target; or, for more
 * targets than one batch, what they accepted (`running`: the rest goes on after the answer).
 */
export class CampaignOperationReplyDto {
  @ApiProperty({ description: 'targets the operation was done for (so far, when running)' }) done!: number;
  @ApiProperty({
    type: [CampaignTargetOperationResultDto],
    description: 'each target answered now; while running, only those not accepted (busy, not_applicable)',
  })
  results!: CampaignTargetOperationResultDto[];
  @ApiProperty({ type: CampaignDto }) campaign!: CampaignDto;
  @ApiPropertyOptional({ description: 'targets the operation took (done now, or still to do when running)' })
  accepted?: number;
  @ApiPropertyOptional({
    description:
      'true: the operation goes on after this answer; follow it in the targets list and the counts',
  })
  running?: boolean;
  @ApiPropertyOptional({
    description:
      'id of the operation (GET …/operations/{operationId}) whenever a gray advance/revert, revert or speedup accepted a target (approve has none)',
  })
  operationId?: string;
}

/** `GET /campaigns/{campaignId}/operations`: offset paged by creation time, optionally of one status. */
export class CampaignOperationsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ['running', 'finished'] })
  @IsOptional()
  @IsIn(['running', 'finished'])
  status?: 'running' | 'finished';

  @ApiPropertyOptional({ enum: ['createdAt'], default: 'createdAt' })
  @IsOptional()
  @IsIn(['createdAt'])
  declare sort?: 'createdAt';
}

export class CampaignOperationParams {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  campaignId!: string;

  @ApiProperty({ format: 'uuid', description: "operationId of an operation's reply" })
  @IsUUID()
  operationId!: string;
}

/** An operation on a campaign's targets (recorded whenever it accepted one, and cancel's undos) and how far it got. */
export class CampaignOperationSummaryDto {
  @ApiProperty({ format: 'uuid' }) operationId!: string;
  @ApiProperty({ format: 'uuid' }) campaignId!: string;
  @ApiProperty({ enum: ['gray.advance', 'gray.revert', 'revert', 'speedup', 'cancel.undo'] })
  operation!: string;
  @ApiProperty() requestedBy!: string;
  @ApiProperty({
    enum: ['running', 'finished'],
    description:
      'running until every accepted target has an outcome (another replica resumes it if its own stops)',
  })
  status!: string;
  @ApiProperty({ description: 'targets the operation accepted' }) total!: number;
  @ApiProperty({ description: 'accepted targets with no outcome yet' }) pending!: number;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer' },
    example: { done: 28, already: 1, failed: 1 },
    description: 'targets with an outcome, by outcome (done, already, not_applicable, busy, limit, failed)',
  })
  outcomes!: Record<string, number>;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) finishedAt!: string | null;
}

export class CampaignOperationPageDto {
  @ApiProperty({ type: [CampaignOperationSummaryDto] }) items!: CampaignOperationSummaryDto[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}
