import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';

import { CampaignPreflightDto, CampaignTargetFilterDto } from './campaign-inputs.dto';
import { AuditItemDto, UgcDeclareDto } from './version.dto';

const APPID = /^[0-9A-Za-z_-]{1,64}$/;

export class CampaignParams {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  campaignId!: string;
}

export class CampaignTargetDto {
  @ApiProperty({ example: 'wxabcdef1234567890' })
  @IsString()
  @Matches(APPID, { message: 'authorizerAppid must be 1–64 letters, digits, _ or -' })
  authorizerAppid!: string;

  @ApiPropertyOptional({ description: '{{bizRef}} in extJson' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  bizRef?: string;

  @ApiPropertyOptional({ description: '{{nickName}} in extJson' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  nickName?: string;

  @ApiPropertyOptional({
    description: 'per-target values for {{name}} placeholders',
    type: 'object',
    additionalProperties: { type: 'string' },
  })
  @IsOptional()
  @IsObject()
  values?: Record<string, string>;
}

export class CampaignSubmitDto {
  @ApiPropertyOptional({ maxLength: 500 }) @IsOptional() @IsString() @MaxLength(500) versionDesc?: string;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() privacyApiNotUse?: boolean;
  @ApiPropertyOptional({ maxLength: 200 }) @IsOptional() @IsString() @MaxLength(200) feedbackInfo?: string;

  @ApiPropertyOptional({
    type: [AuditItemDto],
    description: "1–5 items; when omitted, each target's from its get_category and get_page",
  })
  @IsOptional()
  @ArrayMinSize(1)
  @ArrayMaxSize(5)
  @ValidateNested({ each: true })
  @Type(() => AuditItemDto)
  itemList?: AuditItemDto[];

  @ApiPropertyOptional({ type: UgcDeclareDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => UgcDeclareDto)
  ugcDeclare?: UgcDeclareDto;
}

export class ReleaseWindowDto {
  @ApiProperty({ minimum: 0, maximum: 23 }) @IsInt() @Min(0) @Max(23) startHour!: number;
  @ApiProperty({ minimum: 0, maximum: 24 }) @IsInt() @Min(0) @Max(24) endHour!: number;
  @ApiPropertyOptional({ minimum: -720, maximum: 840, default: 480 })
  @IsOptional()
  @IsInt()
  @Min(-720)
  @Max(840)
  utcOffsetMinutes?: number;
}

export class CanaryDto {
  @ApiProperty({ minimum: 0, maximum: 10000, description: 'submit these first and wait for their results' })
  @IsInt()
  @Min(0)
  @Max(10_000)
  size!: number;

  @ApiProperty({ minimum: 0, maximum: 1, description: 'continue only if the rejection rate is at most this' })
  @IsNumber()
  @Min(0)
  @Max(1)
  maxRejectionRate!: number;
}

export class AutoPauseDto {
  @ApiPropertyOptional({ minimum: 0, maximum: 1 })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(1)
  maxRejectionRate?: number;
  @ApiProperty({ minimum: 1, maximum: 100000, default: 10 })
  @IsInt()
  @Min(1)
  @Max(100_000)
  minResults!: number;
}

export class GrayStepDto {
  @ApiProperty({ minimum: 0, maximum: 100, description: 'strictly rising; 0 only first, with a *First flag' })
  @IsInt()
  @Min(0)
  @Max(100)
  percentage!: number;

  @ApiProperty({
    type: Number,
    nullable: true,
    minimum: 0,
    maximum: 2592000,
    description: 'stay this long, then advance; null waits for gray/advance',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(30 * 86400)
  waitSeconds!: number | null;
}

/** The phased release of each approved target (releaseMode `gray`); code-release checks the steps' order. */
export class CampaignGrayPlanDto {
  @ApiProperty({ type: [GrayStepDto] })
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => GrayStepDto)
  steps!: GrayStepDto[];

  @ApiPropertyOptional() @IsOptional() @IsBoolean() experiencerFirst?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() debuggerFirst?: boolean;
}

export class SpeedupPolicyDto {
  @ApiProperty({
    minimum: 0,
    maximum: 2592000,
    description: 'speed up targets still in audit this long after submit',
  })
  @IsInt()
  @Min(0)
  @Max(30 * 86400)
  afterSeconds!: number;
}

export class CreateCampaignDto {
  @ApiPropertyOptional({ description: 'the component (code-release’s own when omitted)' })
  @IsOptional()
  @IsString()
  @Matches(APPID, { message: 'componentAppid must be 1–64 letters, digits, _ or -' })
  componentAppid?: string;

  @ApiProperty() @IsInt() @Min(0) @Max(Number.MAX_SAFE_INTEGER) templateId!: number;

  @ApiProperty({ maxLength: 64 }) @IsString() @IsNotEmpty() @MaxLength(64) userVersion!: string;

  @ApiProperty({ maxLength: 1024 }) @IsString() @MaxLength(1024) userDesc!: string;

  @ApiPropertyOptional({
    type: [CampaignTargetDto],
    description: '1–100000 mini programs, frozen at creation; exactly one of targets and targetFilter',
  })
  @IsOptional()
  @ArrayMinSize(1)
  @ArrayMaxSize(100_000)
  @ValidateNested({ each: true })
  @Type(() => CampaignTargetDto)
  targets?: CampaignTargetDto[];

  @ApiPropertyOptional({
    type: CampaignTargetFilterDto,
    description:
      'targets chosen at creation (and frozen): authorized mini programs with code management and a working credential, by bizRefs or bizRefPrefix',
  })
  // Required when there are no explicit targets; both at once is code-release's invalid_request.
  @ValidateIf((campaign: CreateCampaignDto) => campaign.targets === undefined)
  @IsDefined({ message: 'targets or targetFilter is required' })
  @ValidateNested()
  @Type(() => CampaignTargetFilterDto)
  targetFilter?: CampaignTargetFilterDto;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'object', additionalProperties: { type: 'string' } },
    description: 'template values per target appid (each appid must be a target): { appid: { name: value } }',
  })
  @IsOptional()
  @IsObject()
  values?: Record<string, Record<string, string>>;

  @ApiPropertyOptional({
    type: CampaignPreflightDto,
    description: 'settings made on every target before its commit',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => CampaignPreflightDto)
  preflight?: CampaignPreflightDto;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'ext.json with {{authorizerAppid}}, {{bizRef}}, {{nickName}} and per-target {{name}} placeholders',
  })
  @IsObject()
  extJson!: Record<string, unknown>;

  @ApiPropertyOptional({ type: CampaignSubmitDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => CampaignSubmitDto)
  submit?: CampaignSubmitDto;

  @ApiPropertyOptional({
    enum: ['on_approval', 'manual', 'gray'],
    default: 'on_approval',
    description: 'manual: each target waits for approve; gray: the `gray` plan',
  })
  @IsOptional()
  @IsIn(['on_approval', 'manual', 'gray'])
  releaseMode?: 'on_approval' | 'manual' | 'gray';

  @ApiPropertyOptional({ type: CampaignGrayPlanDto, description: 'with releaseMode gray' })
  @IsOptional()
  @ValidateNested()
  @Type(() => CampaignGrayPlanDto)
  gray?: CampaignGrayPlanDto;

  @ApiPropertyOptional({
    type: SpeedupPolicyDto,
    description: 'speedupaudit once per target (within speedup_rest)',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => SpeedupPolicyDto)
  speedup?: SpeedupPolicyDto;

  @ApiPropertyOptional({ type: ReleaseWindowDto, nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => ReleaseWindowDto)
  releaseWindow?: ReleaseWindowDto | null;

  @ApiPropertyOptional({ type: CanaryDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => CanaryDto)
  canary?: CanaryDto;

  @ApiPropertyOptional({ type: AutoPauseDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => AutoPauseDto)
  autoPause?: AutoPauseDto;

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 20 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(500)
  concurrency?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 100000, default: 0, description: 'submits never to use' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100_000)
  quotaReserve?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 604800, default: 600 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(7 * 86400)
  pollAfterSeconds?: number;
}

class CampaignProgressDto {
  @ApiProperty() total!: number;
  @ApiProperty() done!: number;
  @ApiProperty() throughputPerMinute!: number;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) etaAt!: string | null;
}

class CampaignQuotaDto {
  @ApiProperty({
    description: "submits left this month: WeChat's rest at readAt, less the submits claimed since",
  })
  left!: number;
  @ApiProperty({ description: "WeChat's monthly limit" }) limit!: number;
  @ApiProperty({ description: "the campaign's quotaReserve: it never submits into the last reserve units" })
  reserve!: number;
  @ApiProperty({ description: 'what this campaign may still submit now: max(0, left − reserve)' })
  availableToCampaign!: number;
  @ApiProperty({
    format: 'date-time',
    description: 'when the reading was taken (queryquota, or an 85085 answer that emptied the quota)',
  })
  readAt!: string;
}

export class CampaignDto {
  @ApiProperty() campaignId!: string;
  @ApiProperty() componentAppid!: string;
  @ApiProperty() templateId!: number;
  @ApiProperty() userVersion!: string;
  @ApiProperty({ enum: ['running', 'paused', 'cancelled', 'finished'] }) status!: string;
  @ApiProperty({ type: String, nullable: true }) pauseReason!: string | null;
  @ApiProperty() targets!: number;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' }, description: 'targets per state' })
  counts!: Record<string, number>;
  @ApiProperty({ type: CampaignProgressDto }) progress!: CampaignProgressDto;
  @ApiPropertyOptional({
    type: CampaignQuotaDto,
    nullable: true,
    description:
      "the component's monthly submit quota, shared by all its campaigns; null before code-release first read it",
  })
  quota?: CampaignQuotaDto | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) finishedAt!: string | null;

  // What the operator chose at creation, defaults filled in; absent when code-release predates them.
  @ApiPropertyOptional() userDesc?: string;
  @ApiPropertyOptional({ description: 'the operator (username) who created it' }) createdBy?: string;
  @ApiPropertyOptional({
    enum: ['on_approval', 'manual', 'gray'],
    description:
      'on_approval: each target released once approved; manual: approved targets wait for approve; gray: the `gray` plan',
  })
  releaseMode?: 'on_approval' | 'manual' | 'gray';
  @ApiPropertyOptional({ type: CampaignGrayPlanDto, nullable: true, description: 'releaseMode gray only' })
  gray?: CampaignGrayPlanDto | null;
  @ApiPropertyOptional({ type: ReleaseWindowDto, nullable: true, description: 'null: any hour' })
  releaseWindow?: ReleaseWindowDto | null;
  @ApiPropertyOptional({ description: 'targets driven at once' }) concurrency?: number;
  @ApiPropertyOptional({ description: 'submits of the monthly quota this campaign never uses' })
  quotaReserve?: number;
}
