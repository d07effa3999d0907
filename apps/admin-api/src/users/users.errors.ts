import { AdminApiError } from '../shared/admin-api.errors';

export const UsersErrorCodes = {
  UserNotFound: 'user_not_found',
  UsernameTaken: 'username_taken',
  WeakPassword: 'weak_password',
  WrongPassword: 'wrong_password',
  LastAdmin: 'last_admin',
  OwnAccount: 'own_account',
} as const;
export type UsersErrorCode = (typeof UsersErrorCodes)[keyof typeof UsersErrorCodes];

/** HTTP status per code; exhaustive, so a new code that is not mapped fails the type check. */
export const USERS_ERROR_STATUS: Record<UsersErrorCode, number> = {
  [UsersErrorCodes.UserNotFound]: 404,
  [UsersErrorCodes.UsernameTaken]: 409,
  [UsersErrorCodes.WeakPassword]: 400,
  [UsersErrorCodes.WrongPassword]: 400,
  [UsersErrorCodes.LastAdmin]: 409,
  [UsersErrorCodes.OwnAccount]: 409,
};

export class UsersError extends AdminApiError {
  constructor(code: UsersErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, USERS_ERROR_STATUS[code], message, details);
    this.name = 'UsersError';
  }
}
