import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsString, Matches, Max, Min } from 'class-validator';

const APPID = /^[0-9A-Za-z_-]{1,64}$/;

export class ComponentParams {
  @ApiProperty({ example: 'wx1234567890abcdef' })
  @IsString()
  @Matches(APPID, { message: 'componentAppid must be 1–64 letters, digits, _ or -' })
  componentAppid!: string;
}

export class MiniProgramParams extends ComponentParams {
  @ApiProperty({ example: 'wxabcdef1234567890', description: 'the mini program (authorizer appid)' })
  @IsString()
  @Matches(APPID, { message: 'authorizerAppid must be 1–64 letters, digits, _ or -' })
  authorizerAppid!: string;
}

export class DraftParams extends ComponentParams {
  @ApiProperty({ example: 12 })
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  draftId!: number;
}

export class TemplateParams extends ComponentParams {
  @ApiProperty({ example: 7 })
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  templateId!: number;
}
