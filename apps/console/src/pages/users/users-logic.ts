import type { SchemaChangePasswordDto, SchemaCreateUserDto, SchemaUserDto } from '../../api/schema';

export type Role = SchemaUserDto['role'];
export const ROLES: readonly Role[] = ['admin', 'operator', 'viewer'];
/** admin-api's password policy (password-policy.util.ts): the API also refuses common passwords. */
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;
export const USERNAME = /^[A-Za-z0-9_.@-]{3,64}$/;
export const USERS_PAGE_SIZE = 20;

/** What is wrong with a new password (a message key), or undefined; the API has the last word. */
export function passwordProblem(
  password: string | undefined,
  username: string | undefined,
): 'passwordShort' | 'passwordLong' | 'passwordHasUsername' | 'passwordRepeats' | undefined {
  const value = password ?? '';
  if (value.length < PASSWORD_MIN_LENGTH) return 'passwordShort';
  if (value.length > PASSWORD_MAX_LENGTH) return 'passwordLong';
  const name = (username ?? '').trim().toLowerCase();
  if (name.length > 0 && value.toLowerCase().includes(name)) return 'passwordHasUsername';
  if (/^(.)\1*$/.test(value)) return 'passwordRepeats';
  return undefined;
}

export interface CreateUserValues {
  username?: string;
  password?: string;
  role?: Role;
}

export function createUserBody(values: CreateUserValues): SchemaCreateUserDto {
  return {
    username: (values.username ?? '').trim(),
    password: values.password ?? '',
    role: values.role ?? 'viewer',
  };
}

export interface ChangePasswordValues {
  currentPassword?: string;
  newPassword?: string;
  confirmPassword?: string;
}

/** The body of POST /me/password; the confirmation stays here. */
export function changePasswordBody(values: ChangePasswordValues): SchemaChangePasswordDto {
  return { currentPassword: values.currentPassword ?? '', newPassword: values.newPassword ?? '' };
}

/**
 * What an admin may change of `user`: the API refuses changing one's own role or state and
 * deleting oneself (own_account), so the console does not offer it.
 */
export function editableBy(user: Pick<SchemaUserDto, 'id'>, me: Pick<SchemaUserDto, 'id'> | undefined) {
  const own = me !== undefined && me.id === user.id;
  return { role: !own, disabled: !own, delete: !own, password: true };
}

// ---- The list's filters, kept in the URL.

export interface UserFilters {
  username?: string;
  role?: Role;
  disabled?: boolean;
  page: number;
}

export function userFiltersFromParams(params: URLSearchParams): UserFilters {
  const username = params.get('username')?.trim().slice(0, 64);
  const role = params.get('role');
  const disabled = params.get('disabled');
  const page = Number(params.get('page'));
  return {
    username: username || undefined,
    role: (ROLES as readonly string[]).includes(role ?? '') ? (role as Role) : undefined,
    disabled: disabled === 'true' ? true : disabled === 'false' ? false : undefined,
    page: Number.isInteger(page) && page >= 1 ? page : 1,
  };
}

export function userFiltersToParams(filters: UserFilters): URLSearchParams {
  const params = new URLSearchParams();
  if (filters.username) params.set('username', filters.username);
  if (filters.role) params.set('role', filters.role);
  if (filters.disabled !== undefined) params.set('disabled', String(filters.disabled));
  if (filters.page > 1) params.set('page', String(filters.page));
  return params;
}

export function usersQuery(filters: UserFilters, pageSize = USERS_PAGE_SIZE) {
  return {
    username: filters.username,
    role: filters.role,
    disabled: filters.disabled,
    limit: pageSize,
    offset: (filters.page - 1) * pageSize,
  };
}
