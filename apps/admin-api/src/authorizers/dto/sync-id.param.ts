import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';

import { ComponentAppidParam } from '../../components/dto/component-appid.param';

export class SyncIdParam extends ComponentAppidParam {
  @ApiProperty()
  @IsString()
  @Matches(/^[0-9A-Za-z_-]{1,64}$/, { message: 'syncId must be 1–64 letters, digits, _ or -' })
  syncId!: string;
}
