import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { ComponentHealth, ComponentSummary } from '@wxop/contracts';
import { IsIn, IsOptional, IsString, Length, Matches, MaxLength, MinLength } from 'class-validator';

import { PageQueryDto } from '../../shared/page-query.dto';
import { APPID_PATTERN } from './component-appid.param';
const AES_KEY = /^[0-9a-zA-Z]{43}$/;
const MESSAGE_TOKEN = /^[0-9a-zA-Z]{1,128}$/;

/** Secrets of a component app: write-only, never in an answer. */
export class UpdateComponentDto {
  @ApiPropertyOptional({ description: 'AppSecret (write-only)', writeOnly: true })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  secret?: string;

  @ApiPropertyOptional({
    description: '消息校验Token, 1–128 letters or digits (write-only)',
    writeOnly: true,
  })
  @IsOptional()
  @IsString()
  @Matches(MESSAGE_TOKEN, { message: 'token must be 1–128 letters or digits' })
  token?: string;

  @ApiPropertyOptional({ description: '消息加解密Key, 43 letters or digits (write-only)', writeOnly: true })
  @IsOptional()
  @IsString()
  @Matches(AES_KEY, { message: 'encodingAESKey must be 43 letters or digits' })
  encodingAESKey?: string;
}

export class CreateComponentDto {
  @ApiProperty({ example: 'wx1234567890abcdef' })
  @IsString()
  @Matches(APPID_PATTERN, { message: 'componentAppid must be 1–64 letters, digits, _ or -' })
  componentAppid!: string;

  @ApiProperty({ description: 'AppSecret (write-only)', writeOnly: true })
  @IsString()
  @Length(1, 128)
  secret!: string;

  @ApiProperty({ description: '消息校验Token (write-only)', writeOnly: true })
  @IsString()
  @Matches(MESSAGE_TOKEN, { message: 'token must be 1–128 letters or digits' })
  token!: string;

  @ApiProperty({ description: '消息加解密Key (write-only)', writeOnly: true })
  @IsString()
  @Matches(AES_KEY, { message: 'encodingAESKey must be 43 letters or digits' })
  encodingAESKey!: string;
}

/** A component app as operators see it: which secrets are set, never their values. */
export class ComponentDto {
  @ApiProperty() componentAppid!: string;
  @ApiProperty({ description: 'always true once created: the secret is write-only' }) secretSet!: boolean;
  @ApiProperty() tokenSet!: boolean;
  @ApiProperty() encodingAESKeySet!: boolean;
  @ApiPropertyOptional({ description: 'ISO-8601, absent before the first ticket' }) ticketReceivedAt?: string;
  @ApiPropertyOptional() ticketAgeSeconds?: number;
  @ApiPropertyOptional({ description: 'expiry of the current component access token' })
  accessTokenExpiresAt?: string;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;

  static ofSummary(summary: ComponentSummary): ComponentDto {
    return {
      componentAppid: summary.componentAppid,
      secretSet: true,
      tokenSet: true,
      encodingAESKeySet: true,
      ...(summary.ticketReceivedAt ? { ticketReceivedAt: summary.ticketReceivedAt } : {}),
      ...(summary.accessTokenExpiresAt ? { accessTokenExpiresAt: summary.accessTokenExpiresAt } : {}),
      createdAt: summary.createdAt,
      updatedAt: summary.updatedAt,
    };
  }

  static ofHealth(health: ComponentHealth): ComponentDto {
    return {
      componentAppid: health.componentAppid,
      secretSet: true,
      tokenSet: true,
      encodingAESKeySet: true,
      ...(health.ticket.receivedAt ? { ticketReceivedAt: health.ticket.receivedAt } : {}),
      ...(health.ticket.ageSeconds !== undefined ? { ticketAgeSeconds: health.ticket.ageSeconds } : {}),
      ...(health.componentToken.expiresAt ? { accessTokenExpiresAt: health.componentToken.expiresAt } : {}),
      createdAt: health.createdAt,
      updatedAt: health.updatedAt,
    };
  }
}

export const COMPONENT_SORT_FIELDS = [
  'componentAppid',
  'createdAt',
  'updatedAt',
  'ticketReceivedAt',
] as const;

export class ComponentQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: COMPONENT_SORT_FIELDS, default: 'componentAppid' })
  @IsOptional()
  @IsIn(COMPONENT_SORT_FIELDS)
  declare sort?: (typeof COMPONENT_SORT_FIELDS)[number];
}

export class ComponentListDto {
  @ApiProperty({ type: [ComponentDto] }) items!: ComponentDto[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}
