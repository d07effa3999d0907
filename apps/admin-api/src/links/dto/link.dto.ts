import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  AUTHORIZATION_LINK_STATES,
  type AuthorizationLinkKind,
  type AuthorizationLinkState,
} from '@wxop/contracts';

import { PageQueryDto } from '../../shared/page-query.dto';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  Min,
} from 'class-validator';

export class CreateLinkDto {
  @ApiProperty({ enum: ['pc', 'h5'], description: 'pc: the QR-code page; h5: the page inside WeChat' })
  @IsIn(['pc', 'h5'])
  kind!: AuthorizationLinkKind;

  @ApiPropertyOptional({ maxLength: 128, description: 'carried by authorization.authorized' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  bizRef?: string;

  @ApiPropertyOptional({ enum: [1, 2, 3], description: '1 official accounts, 2 mini programs, 3 both' })
  @IsOptional()
  @IsIn([1, 2, 3])
  authType?: 1 | 2 | 3;

  @ApiPropertyOptional({ description: 'the one account that may authorize (excludes authType)' })
  @IsOptional()
  @IsString()
  @Matches(/^[0-9A-Za-z_-]{1,64}$/)
  bizAppid?: string;

  @ApiPropertyOptional({
    type: [Number],
    description: "permission-set ids offered (WeChat's category_id_list)",
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsInt({ each: true })
  @Min(1, { each: true })
  categoryIdList?: number[];

  @ApiPropertyOptional({ enum: ['png', 'svg'], default: 'png' })
  @IsOptional()
  @IsIn(['png', 'svg'])
  qrCodeFormat?: 'png' | 'svg';
}

export class AuthorizationLinkDto {
  @ApiProperty() linkId!: string;
  @ApiProperty({ description: 'our start page, to hand to the merchant' }) url!: string;
  @ApiProperty({ description: "ISO-8601: the pre-auth code's expiry" }) expiresAt!: string;
  @ApiPropertyOptional({ description: 'PNG of a QR code of url, base64' }) qrCodePng?: string;
  @ApiPropertyOptional({ description: 'SVG of a QR code of url' }) qrCodeSvg?: string;
}

/** A component's links; newest first (the one order the authorizer service offers). */
export class LinkQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'exact match' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  bizRef?: string;

  @ApiPropertyOptional({ enum: AUTHORIZATION_LINK_STATES })
  @IsOptional()
  @IsIn(AUTHORIZATION_LINK_STATES)
  state?: AuthorizationLinkState;

  @ApiPropertyOptional({ enum: ['createdAt'], default: 'createdAt' })
  @IsOptional()
  @IsIn(['createdAt'])
  declare sort?: string;

  @ApiPropertyOptional({ enum: ['desc'], default: 'desc' })
  @IsOptional()
  @IsIn(['desc'])
  declare order: 'asc' | 'desc';
}

export class AuthorizationLinkSummaryDto {
  @ApiProperty() linkId!: string;
  @ApiProperty() componentAppid!: string;
  @ApiProperty({ enum: ['pc', 'h5'] }) kind!: string;
  @ApiProperty({ type: Number, nullable: true }) authType!: number | null;
  @ApiProperty({ type: String, nullable: true }) bizAppid!: string | null;
  @ApiProperty({ type: String, nullable: true }) bizRef!: string | null;
  @ApiProperty() startUrl!: string;
  @ApiProperty({ enum: AUTHORIZATION_LINK_STATES }) state!: string;
  @ApiProperty({ type: String, nullable: true, description: 'the account that authorized through it' })
  authorizerAppid!: string | null;
  @ApiProperty() expiresAt!: string;
  @ApiProperty() createdAt!: string;
}

export class AuthorizationLinkPageDto {
  @ApiProperty({ type: [AuthorizationLinkSummaryDto] }) items!: AuthorizationLinkSummaryDto[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}
