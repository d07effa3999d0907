import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsBoolean,
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';

/** scheme://host[:port] as modify_domain takes it; code-release checks the scheme per list. */
const DOMAIN_URL = /^(https|wss|udp|tcp):\/\/[a-zA-Z0-9.-]+(:\d{1,5})?$/;
const DOMAIN_MESSAGE = 'each domain must be scheme://host (https, wss, udp or tcp)';

/**
 * Targets chosen at creation from the authorizer service and frozen: authorized mini programs with
 * a working credential and code management (permission set 18), by bizRef list or prefix.
 */
export class CampaignTargetFilterDto {
  @ApiPropertyOptional({ enum: ['mini_program'], default: 'mini_program' })
  @IsOptional()
  @IsIn(['mini_program'])
  authorizerType?: 'mini_program';

  @ApiPropertyOptional({
    type: [String],
    description: '1–1000 business references, exactly (not with bizRefPrefix)',
  })
  @IsOptional()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  @MaxLength(128, { each: true })
  bizRefs?: string[];

  @ApiPropertyOptional({
    maxLength: 128,
    description: 'business references starting with this (taken literally)',
  })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  bizRefPrefix?: string;
}

export class CampaignServerDomainsDto {
  @ApiPropertyOptional({ type: [String], example: ['https://api.example.com'] })
  @IsOptional()
  @ArrayMaxSize(200)
  @Matches(DOMAIN_URL, { each: true, message: DOMAIN_MESSAGE })
  requestDomain?: string[];

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @ArrayMaxSize(200)
  @Matches(DOMAIN_URL, { each: true, message: DOMAIN_MESSAGE })
  wsRequestDomain?: string[];

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @ArrayMaxSize(200)
  @Matches(DOMAIN_URL, { each: true, message: DOMAIN_MESSAGE })
  uploadDomain?: string[];

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @ArrayMaxSize(200)
  @Matches(DOMAIN_URL, { each: true, message: DOMAIN_MESSAGE })
  downloadDomain?: string[];

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @ArrayMaxSize(200)
  @Matches(DOMAIN_URL, { each: true, message: DOMAIN_MESSAGE })
  udpDomain?: string[];

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @ArrayMaxSize(200)
  @Matches(DOMAIN_URL, { each: true, message: DOMAIN_MESSAGE })
  tcpDomain?: string[];

  @ApiPropertyOptional({
    enum: ['add', 'set'],
    default: 'add',
    description: 'add: must be among them; set: exactly these',
  })
  @IsOptional()
  @IsIn(['add', 'set'])
  action?: 'add' | 'set';

  @ApiPropertyOptional({ description: 'modify_domain_directly (no platform list) instead of modify_domain' })
  @IsOptional()
  @IsBoolean()
  directly?: boolean;

  @ApiPropertyOptional({ description: "hosts missing from the platform's list are added once at creation" })
  @IsOptional()
  @IsBoolean()
  addToPlatform?: boolean;
}

export class CampaignWebviewDomainsDto {
  @ApiProperty({ type: [String], example: ['https://shop.example.com'] })
  @ArrayMaxSize(100)
  @Matches(/^https:\/\/[a-zA-Z0-9.-]+(:\d{1,5})?$/, {
    each: true,
    message: 'each domain must be https://host',
  })
  domains!: string[];

  @ApiPropertyOptional({ enum: ['add', 'set'], default: 'add' })
  @IsOptional()
  @IsIn(['add', 'set'])
  action?: 'add' | 'set';

  @ApiPropertyOptional({
    description: "hosts missing from the platform's jump-domain list are added once at creation",
  })
  @IsOptional()
  @IsBoolean()
  addToPlatform?: boolean;
}

export class PrivacyOwnerSettingDto {
  @ApiPropertyOptional({ maxLength: 256 }) @IsOptional() @IsString() @MaxLength(256) contactEmail?: string;
  @ApiPropertyOptional({ maxLength: 256 }) @IsOptional() @IsString() @MaxLength(256) contactPhone?: string;
  @ApiPropertyOptional({ maxLength: 256 }) @IsOptional() @IsString() @MaxLength(256) contactQq?: string;
  @ApiPropertyOptional({ maxLength: 256 }) @IsOptional() @IsString() @MaxLength(256) contactWeixin?: string;
  @ApiProperty({ maxLength: 256, description: 'how users are told (required)' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  noticeMethod!: string;
  @ApiPropertyOptional({ maxLength: 256 })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  storeExpireTimestamp?: string;
  @ApiPropertyOptional({ maxLength: 256 }) @IsOptional() @IsString() @MaxLength(256) extFileMediaId?: string;
}

export class PrivacySettingItemDto {
  @ApiProperty({ example: 'Location' }) @IsString() @IsNotEmpty() @MaxLength(64) privacyKey!: string;
  @ApiProperty({ maxLength: 256 }) @IsString() @IsNotEmpty() @MaxLength(256) privacyText!: string;
}

export class CampaignPrivacyDto {
  @ApiPropertyOptional({
    enum: [1, 2],
    default: 2,
    description: '2: the development version; 1: the online one',
  })
  @IsOptional()
  @IsIn([1, 2])
  privacyVer?: 1 | 2;

  @ApiProperty({
    type: PrivacyOwnerSettingDto,
    description: 'needs one contact (email, phone, QQ or Weixin)',
  })
  @ValidateNested()
  @Type(() => PrivacyOwnerSettingDto)
  ownerSetting!: PrivacyOwnerSettingDto;

  @ApiProperty({ type: [PrivacySettingItemDto] })
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => PrivacySettingItemDto)
  settingList!: PrivacySettingItemDto[];
}

/** Settings made on every target before its commit, each read first and skipped when already so. */
export class CampaignPreflightDto {
  @ApiPropertyOptional({
    default: false,
    description:
      'fail a target whose nickname, avatar or intro is not set (86002) before anything is written',
  })
  @IsOptional()
  @IsBoolean()
  profileCheck?: boolean;

  @ApiPropertyOptional({ type: CampaignServerDomainsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => CampaignServerDomainsDto)
  serverDomains?: CampaignServerDomainsDto;

  @ApiPropertyOptional({ type: CampaignWebviewDomainsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => CampaignWebviewDomainsDto)
  webviewDomains?: CampaignWebviewDomainsDto;

  @ApiPropertyOptional({ type: CampaignPrivacyDto, description: 'setprivacysetting' })
  @IsOptional()
  @ValidateNested()
  @Type(() => CampaignPrivacyDto)
  privacy?: CampaignPrivacyDto;
}
