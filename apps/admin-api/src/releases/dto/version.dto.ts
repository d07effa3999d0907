import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';

import { PAGE_LIMIT_DEFAULT, PAGE_LIMIT_MAX } from '../../shared/page-query.dto';

export class CommitDto {
  @ApiProperty({ description: 'the template to upload as the trial version', example: 7 })
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  templateId!: number;

  @ApiProperty({
    description: 'ext.json as an object (extEnable, extAppid, ext, pages, …)',
    type: 'object',
    additionalProperties: true,
    example: { extEnable: true, extAppid: 'wxabcdef1234567890', ext: { shopId: '42' } },
  })
  @IsObject()
  extJson!: Record<string, unknown>;

  @ApiProperty({ maxLength: 64, example: '1.2.0' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  userVersion!: string;

  @ApiProperty({ maxLength: 1024, example: 'new checkout page' })
  @IsString()
  @MaxLength(1024)
  userDesc!: string;
}

export class TrialQrcodeQueryDto {
  @ApiPropertyOptional({ description: 'a page with its query', example: 'pages/index/index?id=1' })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  path?: string;
}

export class AuditItemDto {
  @ApiProperty({ example: 'pages/index/index' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  address!: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(256) tag?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(256) firstClass?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(256) secondClass?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(256) thirdClass?: string;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(0) firstId?: number;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(0) secondId?: number;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(0) thirdId?: number;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(256) title?: string;
}

export class UgcDeclareDto {
  @ApiPropertyOptional({ type: [Number] }) @IsOptional() @IsInt({ each: true }) scene?: number[];
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(256) otherSceneDesc?: string;
  @ApiPropertyOptional({ type: [Number] }) @IsOptional() @IsInt({ each: true }) method?: number[];
  @ApiPropertyOptional() @IsOptional() @IsInt() hasAuditTeam?: number;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(256) auditDesc?: string;
}

export class SubmitAuditDto {
  @ApiPropertyOptional({
    type: [AuditItemDto],
    description:
      '1–5 items; when omitted, one from the first category (get_category) and first page (get_page)',
  })
  @IsOptional()
  @ArrayMinSize(1)
  @ArrayMaxSize(5)
  @ValidateNested({ each: true })
  @Type(() => AuditItemDto)
  itemList?: AuditItemDto[];

  @ApiPropertyOptional({ maxLength: 2000, description: 'notes for the reviewer (e.g. a test account)' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  versionDesc?: string;

  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  feedbackInfo?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  privacyApiNotUse?: boolean;

  @ApiPropertyOptional({ type: UgcDeclareDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => UgcDeclareDto)
  ugcDeclare?: UgcDeclareDto;

  @ApiPropertyOptional({ maxLength: 256 })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  orderPath?: string;
}

export class RevertDto {
  @ApiPropertyOptional({
    description:
      'one of the versions in `history` of GET …/versions; the previous online version when omitted',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  appVersion?: number;
}

export class GrayReleaseDto {
  @ApiProperty({
    minimum: 0,
    maximum: 100,
    description: 'higher than the current step; 0 only with a *First flag',
  })
  @IsInt()
  @Min(0)
  @Max(100)
  grayPercentage!: number;

  @ApiPropertyOptional() @IsOptional() @IsBoolean() supportExperiencerFirst?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() supportDebugerFirst?: boolean;
}

export class VisitStatusDto {
  @ApiProperty({ enum: ['open', 'close'] })
  @IsIn(['open', 'close'])
  action!: 'open' | 'close';
}

export class AuditQuotaQueryDto {
  @ApiProperty({
    description: "a mini program whose token reads the platform's quota",
    example: 'wxabcdef1234567890',
  })
  @IsString()
  @Matches(/^[0-9A-Za-z_-]{1,64}$/, { message: 'authorizerAppid must be 1–64 letters, digits, _ or -' })
  authorizerAppid!: string;
}

/** The release history pages by cursor (it only grows at its head): pass `nextCursor` as `cursor`. */
export class ReleaseHistoryQueryDto {
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
  @Matches(/^[0-9]{1,20}$/, { message: 'cursor must be a previous page’s nextCursor' })
  cursor?: string;
}

// ---- answers ----

export class ReleaseActionDto {
  @ApiProperty({ description: 'the entry in the release history' }) historyId!: string;
  @ApiProperty() action!: string;
  @ApiProperty({
    enum: ['succeeded', 'already'],
    description: 'already: WeChat said it was so (85052 on release)',
  })
  outcome!: 'succeeded' | 'already';
}

export class SubmitAuditReplyDto extends ReleaseActionDto {
  @ApiProperty() auditId!: number;
}

class TrialVersionDto {
  @ApiProperty() userVersion!: string;
  @ApiProperty() userDesc!: string;
  @ApiProperty({ format: 'date-time' }) committedAt!: string;
}

class AuditVersionDto {
  @ApiProperty() auditId!: number;
  @ApiProperty({ description: '0 approved, 1 rejected, 2 auditing, 3 withdrawn, 4 delayed' }) status!: number;
  @ApiProperty({ enum: ['approved', 'rejected', 'auditing', 'withdrawn', 'delayed', 'unknown'] })
  statusName!: string;
  @ApiProperty({ type: String, nullable: true }) reason!: string | null;
  @ApiProperty({ type: [String] }) screenshots!: string[];
  @ApiProperty({ type: String, nullable: true }) userVersion!: string | null;
  @ApiProperty({ type: String, nullable: true }) userDesc!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) submittedAt!: string | null;
}

class OnlineVersionDto {
  @ApiProperty() userVersion!: string;
  @ApiProperty() userDesc!: string;
  @ApiProperty({ format: 'date-time' }) releasedAt!: string;
}

class HistoryVersionDto {
  @ApiProperty() appVersion!: number;
  @ApiProperty() userVersion!: string;
  @ApiProperty() userDesc!: string;
  @ApiProperty({ format: 'date-time' }) committedAt!: string;
}

class GrayPlanDto {
  @ApiProperty({ description: '0 init, 1 running, 2 paused, 3 finished, 4 deleted' }) status!: number;
  @ApiProperty() grayPercentage!: number;
  @ApiProperty() supportExperiencerFirst!: boolean;
  @ApiProperty() supportDebugerFirst!: boolean;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) createdAt!: string | null;
}

export class MiniProgramVersionsDto {
  @ApiProperty() componentAppid!: string;
  @ApiProperty() authorizerAppid!: string;
  @ApiProperty({ type: TrialVersionDto, nullable: true }) trial!: TrialVersionDto | null;
  @ApiProperty({ type: AuditVersionDto, nullable: true, description: 'null when none was ever submitted' })
  audit!: AuditVersionDto | null;
  @ApiProperty({ type: OnlineVersionDto, nullable: true }) online!: OnlineVersionDto | null;
  @ApiProperty({ type: [HistoryVersionDto], description: 'versions a revert can go back to' })
  history!: HistoryVersionDto[];
  @ApiProperty({ type: GrayPlanDto, nullable: true }) grayPlan!: GrayPlanDto | null;
}

export class ReleaseHistoryEntryDto {
  @ApiProperty() id!: string;
  @ApiProperty() componentAppid!: string;
  @ApiProperty() authorizerAppid!: string;
  @ApiProperty() action!: string;
  @ApiProperty({ description: 'who asked (an operator’s username, or a service)' }) actor!: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) input!: Record<string, unknown>;
  @ApiProperty({ enum: ['succeeded', 'already', 'failed'] }) outcome!: string;
  @ApiProperty({ type: Number, nullable: true }) errcode!: number | null;
  @ApiProperty({ type: String, nullable: true }) message!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true }) result!: Record<
    string,
    unknown
  > | null;
  @ApiProperty({ type: String, nullable: true }) campaignId!: string | null;
  @ApiProperty({ format: 'date-time' }) occurredAt!: string;
}

export class ReleaseHistoryPageDto {
  @ApiProperty({ type: [ReleaseHistoryEntryDto] }) items!: ReleaseHistoryEntryDto[];
  @ApiProperty() limit!: number;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'pass as `cursor` for the next page; null on the last',
  })
  nextCursor!: string | null;
}

export class AuditQuotaDto {
  @ApiProperty({ description: 'submits left this month' }) rest!: number;
  @ApiProperty() limit!: number;
  @ApiProperty({ description: 'speedups left this month' }) speedupRest!: number;
  @ApiProperty() speedupLimit!: number;
}
