import { AdminApiError } from '../shared/admin-api.errors';

export const AuthErrorCodes = {
  Unauthenticated: 'unauthenticated',
  Forbidden: 'forbidden',
  InvalidCredentials: 'invalid_credentials',
  LoginThrottled: 'login_throttled',
  InvalidRefreshToken: 'invalid_refresh_token',
  RefreshTokenReused: 'refresh_token_reused',
  RouteWithoutRoles: 'route_without_roles',
} as const;
export type AuthErrorCode = (typeof AuthErrorCodes)[keyof typeof AuthErrorCodes];

/** HTTP status per code; exhaustive, so a new code that is not mapped fails the type check. */
export const AUTH_ERROR_STATUS: Record<AuthErrorCode, number> = {
  [AuthErrorCodes.Unauthenticated]: 401,
  [AuthErrorCodes.Forbidden]: 403,
  [AuthErrorCodes.InvalidCredentials]: 401,
  [AuthErrorCodes.LoginThrottled]: 429,
  [AuthErrorCodes.InvalidRefreshToken]: 401,
  [AuthErrorCodes.RefreshTokenReused]: 401,
  [AuthErrorCodes.RouteWithoutRoles]: 500,
};

export class AuthError extends AdminApiError {
  constructor(code: AuthErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, AUTH_ERROR_STATUS[code], message, details);
    this.name = 'AuthError';
  }

  static unauthenticated(): AuthError {
    return new AuthError(AuthErrorCodes.Unauthenticated, 'a valid access token is required');
  }
}
