import { ApiPropertyOptional } from '@nestjs/swagger';
import { APPID_PATTERN } from '@wxop/contracts';
import { Type } from 'class-transformer';
import {
  IsDate,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';

import { PAGE_LIMIT_DEFAULT, PAGE_LIMIT_MAX } from '../../shared/page-query.dto';

/**
 * Search of the push log. Always newest first with keyset paging (`cursor` = the previous page's
 * `nextCursor`): the log is too large for `offset` and `total` (ADR 0017), so there is no `sort`.
 */
export class PushQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: PAGE_LIMIT_MAX, default: PAGE_LIMIT_DEFAULT })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(PAGE_LIMIT_MAX)
  limit: number = PAGE_LIMIT_DEFAULT;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  cursor?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(APPID_PATTERN)
  componentAppid?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(APPID_PATTERN)
  authorizerAppid?: string;

  @ApiPropertyOptional({
    description: 'a type (`wechat.message.text`), or a prefix ending in `*` (`wechat.message.*`)',
  })
  @IsOptional()
  @Matches(/^[a-z0-9_.]+\*?$/, { message: 'type must be a routing key, or a prefix ending in *' })
  @MaxLength(255)
  type?: string;

  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'received at or after' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  from?: Date;

  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'received before' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  to?: Date;

  @ApiPropertyOptional({ description: 'part of a field value (Chinese included), case-insensitive' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  text?: string;
}
