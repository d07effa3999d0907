import { ArrayMaxSize, IsArray, IsIn, IsInt, IsOptional, IsString, MaxLength } from 'class-validator';

export const AUTHORIZER_TYPES = ['official_account', 'mini_program'] as const;
export type AuthorizerType = (typeof AUTHORIZER_TYPES)[number];

/** `authorization.authorized`: a merchant authorized an account; the token service already holds its credentials. */
export class AuthorizationAuthorizedData {
  /** Permission-set ids (func_info[].funcscope_category.id). */
  @IsArray()
  @ArrayMaxSize(500)
  @IsInt({ each: true })
  funcInfo!: number[];

  @IsIn(AUTHORIZER_TYPES)
  authorizerType!: AuthorizerType;

  @IsString()
  @MaxLength(255)
  nickName!: string;

  /** The original id, `gh_…`. */
  @IsString()
  @MaxLength(64)
  userName!: string;

  /** The operator's business reference attached to the authorization link, if any. */
  @IsOptional()
  @IsString()
  @MaxLength(255)
  bizRef?: string | null;
}
