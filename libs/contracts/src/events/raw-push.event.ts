import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

/**
 * `wechat.component.*` and `wechat.message.*`: every field of the decrypted XML with
 * WeChat's original names and case, plus `raw`, the decrypted XML string.
 */
export class RawPushData {
  [field: string]: unknown;

  @IsString()
  @IsNotEmpty()
  @MaxLength(1024 * 1024)
  raw!: string;
}
