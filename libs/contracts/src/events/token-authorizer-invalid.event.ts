import { IsInt } from 'class-validator';

/** `token.authorizer.invalid`: the refresh token stopped working (e.g. 61023); the merchant must re-authorize. */
export class TokenAuthorizerInvalidData {
  @IsInt()
  errcode!: number;
}
