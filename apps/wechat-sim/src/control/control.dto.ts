import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
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
  ValidateIf,
  ValidateNested,
} from 'class-validator';

import { FaultRule } from '../api/faults.service';

const URL_PATTERN = /^https?:\/\/\S+$/;
/** An image URL, or empty as WeChat answers for an account without one. */
const OPTIONAL_URL_PATTERN = /^(https?:\/\/\S+)?$/;

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

/** WeChat's appid shape, which the simulator also generates: `wx` + 16 lower-case hex characters. */
export const APPID_PATTERN = /^wx[0-9a-f]{16}$/;

export class CreateAccountsDto {
  /** Required unless `appids` is given; then it may be omitted or must equal their number. */
  @ValidateIf((dto: CreateAccountsDto) => dto.appids === undefined || dto.count !== undefined)
  @IsInt()
  @Min(1)
  @Max(100_000)
  count?: number;
  /** Explicit appids (e.g. WeChat's fixed 全网发布 test accounts) instead of generated ones. */
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100_000)
  @ArrayUnique()
  @Matches(APPID_PATTERN, { each: true, message: 'each value in appids must match wx + 16 hex characters' })
  appids?: string[];
  @IsIn(['official_account', 'mini_program']) type!: 'official_account' | 'mini_program';
  @IsOptional() @IsString() namePrefix?: string;
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => CategoryDto)
  categories?: CategoryDto[];
}

/** The profile api_get_authorizer_info answers (§3.5); any subset. */
export class UpdateAccountDto {
  @IsOptional() @IsString() @IsNotEmpty() nickName?: string;
  @IsOptional() @Matches(OPTIONAL_URL_PATTERN) headImg?: string;
  @IsOptional() @IsString() signature?: string;
  @IsOptional() @IsString() @IsNotEmpty() principalName?: string;
  @IsOptional() @Matches(OPTIONAL_URL_PATTERN) qrcodeUrl?: string;
  /** 1 正常, 14 已注销, 16 已封禁, 18 已告警, 19 已冻结 */
  @IsOptional() @IsIn([1, 14, 16, 18, 19]) accountStatus?: number;
  /** −1 未认证, 0 微信认证, 1–5 other verifications */
  @IsOptional() @IsInt() @Min(-1) @Max(5) verifyTypeId?: number;
  /** Official accounts 0 订阅号, 1 upgraded 订阅号, 2 服务号; mini programs 0 普通, 4 小游戏, 12 试用 … */
  @IsOptional() @IsInt() @Min(0) serviceTypeId?: number;
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

/** Fast registration of a mini program (fastregisterweapp), decided at once; `info` of the push from these fields. */
export class FastRegistrationDto {
  @IsOptional() @IsIn(['success', 'failure']) outcome?: 'success' | 'failure';
  @IsOptional() @IsIn(['enterprise', 'personal']) kind?: 'enterprise' | 'personal';
  /** Enterprise name; also the new mini program's nick name. */
  @IsOptional() @IsString() @IsNotEmpty() name?: string;
  @IsOptional() @IsString() @IsNotEmpty() code?: string;
  /** 1 统一社会信用代码, 2 组织机构代码, 3 营业执照注册号 */
  @IsOptional() @IsIn([1, 2, 3]) codeType?: 1 | 2 | 3;
  @IsOptional() @IsString() @IsNotEmpty() legalPersonaWechat?: string;
  @IsOptional() @IsString() @IsNotEmpty() legalPersonaName?: string;
  @IsOptional() @IsString() @IsNotEmpty() wxuser?: string;
  @IsOptional() @IsString() @IsNotEmpty() idname?: string;
  @IsOptional() @IsString() @IsNotEmpty() componentPhone?: string;
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
