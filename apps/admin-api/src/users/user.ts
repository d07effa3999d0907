import type { AdminRole } from '../auth/roles.decorator';

/** An operator as stored, without the hash. */
export interface AdminUser {
  id: number;
  username: string;
  role: AdminRole;
  disabled: boolean;
  passwordChangedAt: Date;
  lastLoginAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface AdminUserWithHash extends AdminUser {
  passwordHash: string;
}
