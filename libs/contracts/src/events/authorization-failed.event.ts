import { IsIn, IsInt, IsOptional, IsString, MaxLength } from 'class-validator';

/** Why an authorization could not be completed (`authorization.failed`'s `reason`). */
export const AuthorizationFailureReasons = {
  /** The auth code's life ran out while WeChat or the token service was unavailable. */
  AuthCodeExpired: 'auth_code_expired',
  /** WeChat refused the auth code (errcode 61009 invalid or used, 61010 expired). */
  AuthCodeRejected: 'auth_code_rejected',
  /** WeChat's authorizer list could not be read to recover the authorization in time. */
  RecoveryUnavailable: 'recovery_unavailable',
} as const;

export type AuthorizationFailureReason =
  (typeof AuthorizationFailureReasons)[keyof typeof AuthorizationFailureReasons];

/**
 * `authorization.failed`: a merchant authorized, but the authorization could not be completed (its
 * code could not be exchanged in time and WeChat's authorizer list held no refresh token for it).
 * The token service holds no credentials for it; the merchant must authorize again.
 */
export class AuthorizationFailedData {
  @IsIn(Object.values(AuthorizationFailureReasons))
  reason!: AuthorizationFailureReason;

  /** WeChat's errcode of the last refusal or failure, when WeChat gave one. */
  @IsOptional()
  @IsInt()
  errcode?: number;

  /** The business reference of the link the merchant came through, if any. */
  @IsOptional()
  @IsString()
  @MaxLength(128)
  bizRef?: string | null;
}
