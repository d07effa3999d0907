import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';

export const APPID_PATTERN = /^[0-9A-Za-z_-]{1,64}$/;

export class ComponentAppidParam {
  @ApiProperty({ example: 'wx1234567890abcdef' })
  @IsString()
  @Matches(APPID_PATTERN, { message: 'componentAppid must be 1–64 letters, digits, _ or -' })
  componentAppid!: string;
}

export class AuthorizerAppidParam extends ComponentAppidParam {
  @ApiProperty({ example: 'wxabcdef1234567890' })
  @IsString()
  @Matches(APPID_PATTERN, { message: 'authorizerAppid must be 1–64 letters, digits, _ or -' })
  authorizerAppid!: string;
}
