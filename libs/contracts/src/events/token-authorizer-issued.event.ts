import { ArrayMaxSize, IsArray, IsIn, IsInt } from 'class-validator';

export const TOKEN_ISSUE_SOURCES = ['auth_code', 'sync'] as const;
export type TokenIssueSource = (typeof TOKEN_ISSUE_SOURCES)[number];

/** `token.authorizer.issued`: the token service now holds working credentials (never carried here). */
export class TokenAuthorizerIssuedData {
  @IsArray()
  @ArrayMaxSize(500)
  @IsInt({ each: true })
  funcInfo!: number[];

  @IsIn(TOKEN_ISSUE_SOURCES)
  source!: TokenIssueSource;
}
