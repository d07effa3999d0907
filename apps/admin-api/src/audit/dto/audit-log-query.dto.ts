import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDate, IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';

import { PageQueryDto } from '../../shared/page-query.dto';
import { AUDIT_OUTCOMES, type AuditOutcome } from '../audit-entry';

export const AUDIT_SORTS = ['at', 'action', 'actor'] as const;

/** Search of the audit log; newest first by default. */
export class AuditLogQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: AUDIT_SORTS, default: 'at' })
  @IsOptional()
  @IsIn(AUDIT_SORTS)
  declare sort?: (typeof AUDIT_SORTS)[number];

  @ApiPropertyOptional({ description: 'username of the actor' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  actor?: string;

  @ApiPropertyOptional({ description: 'an action (`users.create`), or a prefix ending in `.` (`users.`)' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  action?: string;

  @ApiPropertyOptional({ description: 'part of the target (`userId=7`, an appid)' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  target?: string;

  @ApiPropertyOptional({ enum: AUDIT_OUTCOMES })
  @IsOptional()
  @IsIn(AUDIT_OUTCOMES)
  outcome?: AuditOutcome;

  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'at or after' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  from?: Date;

  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'before' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  to?: Date;

  @ApiPropertyOptional({ description: 'text anywhere in action, target, actor, error code or details' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  text?: string;
}
