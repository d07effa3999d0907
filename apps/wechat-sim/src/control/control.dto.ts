import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';

import { FaultRule } from '../api/faults.service';

const URL_PATTERN = /^https?:\/\/\S+$/;

export class CreatePlatformDto {
  @IsOptional() @Matches(/^[A-Za-z0-9_-]{1,64}$/) appid?: string;
  @IsOptional() @IsString() @IsNotEmpty() secret?: string;
  @IsOptional() @IsString() @IsNotEmpty() token?: string;
  @IsOptional()
  @Matches(/^[A-Za-z0-9]{43}$/, { message: 'encodingAESKey must be 43 characters of [A-Za-z0-9]' })
  encodingAESKey?: string;
  @IsOptional() @Matches(URL_PATTERN) authEventUrl?: string;
  @IsOptional() @Matches(URL_PATTERN) messageUrl?: string;
  @IsOptional() @IsArray() @IsString({ each: true }) ipAllowList?: string[];
  @IsOptional() @IsBoolean() startTickets?: boolean;
}

export class UpdatePlatformDto {
  @IsOptional() @Matches(URL_PATTERN) authEventUrl?: string;
  @IsOptional() @Matches(URL_PATTERN) messageUrl?: string;
  @IsOptional() @IsArray() @IsString({ each: true }) ipAllowList?: string[];
}

export class CategoryDto {
  @IsString() first_class!: string;
  @IsString() second_class!: string;
  @IsInt() first_id!: number;
  @IsInt() second_id!: number;
}

export class CreateAccountsDto {
  @IsInt() @Min(1) @Max(100_000) count!: number;
  @IsIn(['official_account', 'mini_program']) type!: 'official_account' | 'mini_program';
  @IsOptional() @IsString() namePrefix?: string;
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => CategoryDto)
  categories?: CategoryDto[];
}

export class AuthorizeDto {
  @IsString() @IsNotEmpty() authorizerAppid!: string;
  @IsOptional() @IsArray() @ArrayMaxSize(100) @IsInt({ each: true }) funcInfo?: number[];
}

export class BulkAuthorizeDto {
  /** Accounts to authorize; default: every account of the simulator not yet authorized by this platform. */
  @IsOptional() @IsArray() @ArrayMaxSize(100_000) @IsString({ each: true }) authorizerAppids?: string[];
  /** Mark them exchanged, as if api_query_auth had been called (refresh tokens then appear in api_get_authorizer_list). */
  @IsOptional() @IsBoolean() exchanged?: boolean;
}

export class PushDto {
  /** The account a message push comes from; absent for a component push. */
  @IsOptional() @IsString() authorizerAppid?: string;
  /** Fields of the inner XML after ToUserName/FromUserName/CreateTime (or after AppId/CreateTime/InfoType). */
  @IsOptional() @IsObject() fields?: Record<string, unknown>;
  /** For a component push: the InfoType. */
  @IsOptional() @IsString() infoType?: string;
  /** Arbitrary inner XML instead of fields. */
  @IsOptional() @IsString() xml?: string;
  @IsOptional() @IsString() openid?: string;
}

export class DraftDto {
  @IsString() @IsNotEmpty() userVersion!: string;
  @IsOptional() @IsString() userDesc?: string;
}

export class AuditDecisionDto {
  @IsIn(['success', 'fail', 'delay']) decision!: 'success' | 'fail' | 'delay';
  @IsOptional() @IsString() reason?: string;
}

export class TicketPushesDto {
  @IsBoolean() enabled!: boolean;
}

export class AdvanceClockDto {
  @IsNumber() @Min(0) seconds!: number;
}

export class FaultsDto {
  @IsArray() @ValidateNested({ each: true }) @Type(() => FaultRule) rules!: FaultRule[];
}
