import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CAMPAIGN_LIST_SORTS, type CampaignListSort } from '@wxop/contracts';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
} from 'class-validator';

import { PAGE_LIMIT_DEFAULT, PAGE_LIMIT_MAX, PageQueryDto } from '../../shared/page-query.dto';
import { CampaignDto } from './campaign.dto';

const APPID = /^[0-9A-Za-z_-]{1,64}$/;

export const CAMPAIGN_STATUSES = ['running', 'paused', 'cancelled', 'finished'] as const;

/** `GET /campaigns`: offset paged (the list is small and operators jump to a page), filtered, sorted. */
export class CampaignListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ example: 'wx1234567890abcdef' })
  @IsOptional()
  @IsString()
  @Matches(APPID, { message: 'componentAppid must be 1–64 letters, digits, _ or -' })
  componentAppid?: string;

  @ApiPropertyOptional({ enum: CAMPAIGN_STATUSES })
  @IsOptional()
  @IsIn(CAMPAIGN_STATUSES)
  status?: (typeof CAMPAIGN_STATUSES)[number];

  @ApiPropertyOptional({ enum: CAMPAIGN_LIST_SORTS, default: 'createdAt' })
  @IsOptional()
  @IsIn(CAMPAIGN_LIST_SORTS)
  declare sort?: CampaignListSort;
}

export class CampaignPageDto {
  @ApiProperty({ type: [CampaignDto] }) items!: CampaignDto[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}

/**
 * `GET /campaigns/{campaignId}/targets`: in ordinal order by keyset (`cursor` = the last ordinal
 * seen), so a page stays right while the worker moves targets between states.
 */
export class CampaignTargetsQueryDto {
  @ApiPropertyOptional({
    description:
      'one target state: pending, preflight, committing, waiting_privacy_scan, submitting, waiting_quota, in_audit, delayed, approved, rejected, releasing, gray, released, reverted, failed, cancelled, skipped',
    example: 'failed',
  })
  @IsOptional()
  @IsString()
  @Matches(/^[a-z_]{1,32}$/, { message: 'state must be a target state (lower case)' })
  state?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: PAGE_LIMIT_MAX, default: PAGE_LIMIT_DEFAULT })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(PAGE_LIMIT_MAX)
  limit: number = PAGE_LIMIT_DEFAULT;

  @ApiPropertyOptional({ description: 'the previous page’s nextCursor' })
  @IsOptional()
  @IsString()
  @Matches(/^[0-9]{1,15}$/, { message: 'cursor must be a previous page’s nextCursor' })
  cursor?: string;
}

/** One target of a campaign as listed (not the creation request's CampaignTargetDto). */
export class CampaignTargetRowDto {
  @ApiProperty() authorizerAppid!: string;
  @ApiProperty({ description: 'position in the campaign (creation order)' }) ordinal!: number;
  @ApiProperty({ type: String, nullable: true }) bizRef!: string | null;
  @ApiProperty({ example: 'in_audit' }) state!: string;
  @ApiProperty({ type: String, nullable: true, description: 'the step a failed target failed in' })
  step!: string | null;
  @ApiProperty() attempt!: number;
  @ApiProperty({ type: Number, nullable: true }) auditId!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: "WeChat's errcode" }) errcode!: number | null;
  @ApiProperty({ type: String, nullable: true }) message!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    description: "why it waits, was rejected or failed (quota_exhausted, the reviewer's reason, …)",
  })
  reason!: string | null;
  @ApiProperty({ type: [String], nullable: true }) screenshots!: string[] | null;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class CampaignTargetPageDto {
  @ApiProperty({ type: [CampaignTargetRowDto] }) items!: CampaignTargetRowDto[];
  @ApiProperty() limit!: number;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'pass as `cursor` for the next page; null on the last',
  })
  nextCursor!: string | null;
}

/** The targets an operation applies to: the chosen ones, or every one it applies to when omitted. */
export class ChosenTargetsDto {
  @ApiPropertyOptional({
    type: [String],
    description: '1–10000 targets; every one the operation applies to when omitted',
  })
  @IsOptional()
  @ArrayMinSize(1)
  @ArrayMaxSize(10_000)
  @IsString({ each: true })
  @Matches(APPID, { each: true, message: 'each authorizerAppid must be 1–64 letters, digits, _ or -' })
  authorizerAppids?: string[];
}

/** `POST /campaigns/{campaignId}/retry`: every failed target, or the chosen ones (others are left as they are). */
export class RetryCampaignDto extends ChosenTargetsDto {}

export class RetryCampaignReplyDto {
  @ApiProperty({ description: 'targets that went back to pending' }) retried!: number;
  @ApiProperty({ type: CampaignDto }) campaign!: CampaignDto;
}
