import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, MaxLength } from 'class-validator';

import { PageQueryDto } from '../../shared/page-query.dto';

export const TEMPLATE_SORTS = ['templateId', 'createdAt', 'userVersion'] as const;
export const DRAFT_SORTS = ['draftId', 'createdAt', 'userVersion'] as const;

/** Templates of the library (≤ 200 at WeChat), filtered and sorted here. Default: newest first. */
export class TemplateQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: TEMPLATE_SORTS, default: 'createdAt' })
  @IsOptional()
  @IsIn(TEMPLATE_SORTS)
  declare sort?: (typeof TEMPLATE_SORTS)[number];

  @ApiPropertyOptional({ enum: [0, 1], description: '0 normal (普通模板), 1 standard (标准模板)' })
  @IsOptional()
  @Type(() => Number)
  @IsIn([0, 1])
  templateType?: 0 | 1;

  @ApiPropertyOptional({ description: 'part of the version or description' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  q?: string;
}

export class DraftQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: DRAFT_SORTS, default: 'createdAt' })
  @IsOptional()
  @IsIn(DRAFT_SORTS)
  declare sort?: (typeof DRAFT_SORTS)[number];

  @ApiPropertyOptional({ description: 'part of the version or description' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  q?: string;
}

export class AddDraftDto {
  @ApiPropertyOptional({
    enum: [0, 1],
    default: 0,
    description: '0 normal (普通模板), 1 standard (标准模板)',
  })
  @IsOptional()
  @IsInt()
  @IsIn([0, 1])
  templateType?: 0 | 1;
}

export class DraftDto {
  @ApiProperty() draftId!: number;
  @ApiProperty() userVersion!: string;
  @ApiProperty() userDesc!: string;
  @ApiProperty({ type: String, nullable: true }) sourceMiniprogramAppid!: string | null;
  @ApiProperty({ type: String, nullable: true }) sourceMiniprogram!: string | null;
  @ApiProperty({ type: String, nullable: true }) developer!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class TemplateDto {
  @ApiProperty() templateId!: number;
  @ApiProperty({ type: Number, nullable: true }) draftId!: number | null;
  @ApiProperty({ enum: [0, 1] }) templateType!: 0 | 1;
  @ApiProperty() userVersion!: string;
  @ApiProperty() userDesc!: string;
  @ApiProperty({ type: String, nullable: true }) sourceMiniprogramAppid!: string | null;
  @ApiProperty({ type: String, nullable: true }) sourceMiniprogram!: string | null;
  @ApiProperty({ type: String, nullable: true }) developer!: string | null;
  @ApiProperty({ type: 'array', items: { type: 'object' } }) categoryList!: unknown[];
  @ApiProperty({ type: Number, nullable: true }) auditScene!: number | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    description:
      'standard templates: 0 not submitted, 1 auditing, 2 rejected, 3 approved, 4 submitting, 5 failed',
  })
  auditStatus!: number | null;
  @ApiProperty({ type: String, nullable: true }) reason!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class TemplateLibraryDto {
  @ApiProperty() componentAppid!: string;
  @ApiProperty({ type: [DraftDto] }) drafts!: DraftDto[];
  @ApiProperty({ type: [TemplateDto] }) templates!: TemplateDto[];
  @ApiProperty({
    type: String,
    nullable: true,
    format: 'date-time',
    description: 'null before the first sync',
  })
  syncedAt!: string | null;
}

const SYNCED_AT = {
  type: String,
  nullable: true,
  format: 'date-time',
  description: 'when the stored library (these items) was last read from WeChat; null before the first sync',
} as const;

export class TemplatePageDto {
  @ApiProperty({ type: [TemplateDto] }) items!: TemplateDto[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
  @ApiProperty(SYNCED_AT) syncedAt!: string | null;
}

export class DraftPageDto {
  @ApiProperty({ type: [DraftDto] }) items!: DraftDto[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
  @ApiProperty(SYNCED_AT) syncedAt!: string | null;
}
