import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';

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
  @ApiPropertyOptional({ description: 'id of the operation going on in the background, when running' })
  operationId?: string;
}
