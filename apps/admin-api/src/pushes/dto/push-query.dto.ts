import { ApiPropertyOptional } from '@nestjs/swagger';
import { APPID_PATTERN, UUID_PATTERN } from '@wxop/contracts';
import { Transform, Type } from 'class-transformer';
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

  @ApiPropertyOptional({
    format: 'uuid',
    example: '0b8c6a1e-5f0e-4c47-9a8e-4d1d1c2f9e11',
    description:
      'the envelope `id` (the AMQP messageId, `X-Wxop-Event-Id` of a forwarded event): its push, while the log keeps it (at most one; a replay has its own id)',
  })
  @IsOptional()
  // Ids are lower-case UUIDs; one copied from a log or a tool in capitals still finds its push.
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.trim().toLowerCase() : value,
  )
  @Matches(UUID_PATTERN, { message: 'eventId must be a UUID' })
  eventId?: string;

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
