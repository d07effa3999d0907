import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { AUTHORIZER_STATUSES, type AuthorizerStatus } from '@wxop/contracts';
import { IsIn, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';

import { PageQueryDto } from '../../shared/page-query.dto';

/**
 * Search of a component's authorizers (the authorizer service's filters). The service answers
 * them newest authorization first; it offers no other order, so `sort` accepts that one only.
 */
export class AuthorizerQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ['official_account', 'mini_program'] })
  @IsOptional()
  @IsIn(['official_account', 'mini_program'])
  authorizerType?: 'official_account' | 'mini_program';

  @ApiPropertyOptional({ enum: AUTHORIZER_STATUSES })
  @IsOptional()
  @IsIn(AUTHORIZER_STATUSES)
  status?: AuthorizerStatus;

  @ApiPropertyOptional({ description: 'exact match' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  bizRef?: string;

  @ApiPropertyOptional({ description: 'part of the nick name, the original id (gh_…) or the appid' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  name?: string;

  @ApiPropertyOptional({ enum: ['authorizedAt'], default: 'authorizedAt' })
  @IsOptional()
  @IsIn(['authorizedAt'])
  declare sort?: string;

  @ApiPropertyOptional({ enum: ['desc'], default: 'desc' })
  @IsOptional()
  @IsIn(['desc'])
  declare order: 'asc' | 'desc';
}

/** The bizRef prefix of a campaign's `targetFilter`, to count what it would take. */
export class CampaignTargetCountQueryDto {
  @ApiProperty({
    maxLength: 128,
    example: 'shop-',
    description: 'business references starting with this (taken literally)',
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  bizRefPrefix!: string;
}

export class CampaignTargetCountDto {
  @ApiProperty({
    example: 42,
    description:
      'authorized mini programs with code management (set 18) and a working credential whose bizRef starts with the prefix: the targets a campaign created now with this targetFilter takes',
  })
  count!: number;
}

export class AuthorizerSummaryDto {
  @ApiProperty() componentAppid!: string;
  @ApiProperty() authorizerAppid!: string;
  @ApiProperty({ enum: AUTHORIZER_STATUSES }) status!: string;
  @ApiProperty({ enum: ['official_account', 'mini_program'], nullable: true }) authorizerType!: string | null;
  @ApiProperty({ type: String, nullable: true }) nickName!: string | null;
  @ApiProperty({ type: String, nullable: true }) userName!: string | null;
  @ApiProperty({ type: String, nullable: true }) headImg!: string | null;
  @ApiProperty({ type: String, nullable: true }) principalName!: string | null;
  @ApiProperty({ type: String, nullable: true }) bizRef!: string | null;
  @ApiProperty({ type: [Number] }) funcInfo!: number[];
  @ApiProperty({ type: Number, nullable: true }) accountStatus!: number | null;
  @ApiProperty({ enum: ['active', 'invalid'], nullable: true }) credentialStatus!: string | null;
  @ApiProperty({ type: String, nullable: true }) authorizedAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) unauthorizedAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) profileRefreshedAt!: string | null;
}

export class AuthorizerPageDto {
  @ApiProperty({ type: [AuthorizerSummaryDto] }) items!: AuthorizerSummaryDto[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}

export class AuthorizerHistoryEntryDto {
  @ApiProperty({ enum: ['authorized', 'updated', 'unauthorized'] }) status!: string;
  @ApiProperty() source!: string;
  @ApiProperty({ type: [Number], nullable: true }) funcInfo!: number[] | null;
  @ApiProperty({ type: String, nullable: true }) bizRef!: string | null;
  @ApiProperty({ type: String, nullable: true }) eventId!: string | null;
  @ApiProperty() occurredAt!: string;
}

/** A mini program's server and business domains (api_get_authorizer_info's MiniProgramInfo.network). */
export class MiniProgramNetworkDto {
  @ApiProperty({ type: [String], example: ['https://api.example.com'] }) requestDomain!: string[];
  @ApiProperty({ type: [String], example: ['wss://ws.example.com'] }) wsRequestDomain!: string[];
  @ApiProperty({ type: [String] }) uploadDomain!: string[];
  @ApiProperty({ type: [String] }) downloadDomain!: string[];
  @ApiProperty({ type: [String] }) udpDomain!: string[];
  @ApiProperty({ type: [String] }) tcpDomain!: string[];
  @ApiProperty({ type: [String], description: 'web-view (业务域名) domains' }) bizDomain!: string[];
}

export class MiniProgramCategoryDto {
  @ApiProperty({ example: '工具' }) first!: string;
  @ApiProperty({ example: '效率', description: 'empty when WeChat gave none' }) second!: string;
}

/** What the authorizer service keeps of a mini program's settings (from api_get_authorizer_info). */
export class MiniProgramProfileDto {
  @ApiProperty({ type: MiniProgramNetworkDto }) network!: MiniProgramNetworkDto;
  @ApiProperty({ type: [MiniProgramCategoryDto] }) categories!: MiniProgramCategoryDto[];
  @ApiProperty({
    type: Number,
    nullable: true,
    description: '0 open; other values: closed or paused by WeChat; null when WeChat did not say',
  })
  visitStatus!: number | null;
}

export class AuthorizerDetailDto extends AuthorizerSummaryDto {
  @ApiProperty({ type: String, nullable: true }) alias!: string | null;
  @ApiProperty({ type: String, nullable: true }) signature!: string | null;
  @ApiProperty({ type: String, nullable: true }) qrcodeUrl!: string | null;
  @ApiProperty({ type: Number, nullable: true }) serviceType!: number | null;
  @ApiProperty({ type: Number, nullable: true }) verifyType!: number | null;
  @ApiProperty({
    type: MiniProgramProfileDto,
    nullable: true,
    description:
      'network domains, categories, visit status; null for an official account or before its profile is read',
  })
  miniProgram!: MiniProgramProfileDto | null;
  @ApiProperty({ type: Number, nullable: true }) credentialErrcode!: number | null;
  @ApiProperty({ type: String, nullable: true }) profileError!: string | null;
  @ApiProperty({ type: [AuthorizerHistoryEntryDto] }) history!: AuthorizerHistoryEntryDto[];
}

export class SyncRunDto {
  @ApiProperty() syncId!: string;
  @ApiProperty() componentAppid!: string;
  @ApiProperty({ enum: ['start', 'schedule', 'operator'] }) trigger!: string;
  @ApiProperty({ enum: ['running', 'succeeded', 'partial', 'failed'] }) status!: string;
  @ApiProperty() complete!: boolean;
  @ApiProperty({ type: Number, nullable: true }) totalCount!: number | null;
  @ApiProperty() listed!: number;
  @ApiProperty() discovered!: number;
  @ApiProperty() handedOver!: number;
  @ApiProperty() profilesRefreshed!: number;
  @ApiProperty() markedUnauthorized!: number;
  @ApiProperty() withoutRefreshToken!: number;
  @ApiProperty() failed!: number;
  @ApiProperty() listCalls!: number;
  @ApiProperty() infoCalls!: number;
  @ApiProperty({ type: String, nullable: true }) error!: string | null;
  @ApiProperty() startedAt!: string;
  @ApiProperty({ type: String, nullable: true }) finishedAt!: string | null;
}
