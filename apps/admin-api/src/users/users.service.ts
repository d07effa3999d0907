import { Injectable, Logger } from '@nestjs/common';
import { inTransaction } from '@wxop/database';
import { DataSource } from 'typeorm';

import { SessionsRepository } from '../auth/sessions.repository';
import type { AdminRole } from '../auth/roles.decorator';
import { PasswordHasher } from './password-hasher.service';
import { passwordProblem } from './password-policy.util';
import type { AdminUser } from './user';
import { UsersError, UsersErrorCodes } from './users.errors';
import { UsersRepository, type UserSearch } from './users.repository';

export const USERNAME_PATTERN = /^[a-z0-9_.@-]{3,64}$/;

/** Usernames are compared and stored in lower case. */
export function normalizeUsername(username: string): string {
  return username.trim().toLowerCase();
}

function withoutHash<T extends { passwordHash?: string }>(user: T): Omit<T, 'passwordHash'> {
  const { passwordHash: _hash, ...rest } = user;
  return rest;
}

/**
 * Operators: created with a password that meets the policy, changed by admins, never left without
 * an enabled admin. Every change to a user's role, state or password ends that user's sessions.
 */
@Injectable()
export class UsersService {
  private readonly logger = new Logger(UsersService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly users: UsersRepository,
    private readonly sessions: SessionsRepository,
    private readonly hasher: PasswordHasher,
  ) {}

  private checkPassword(password: string, username: string): void {
    const problem = passwordProblem(password, username);
    if (problem)
      throw new UsersError(UsersErrorCodes.WeakPassword, `the password is too weak: ${problem}`, { problem });
  }

  async create(input: { username: string; password: string; role: AdminRole }): Promise<AdminUser> {
    const username = normalizeUsername(input.username);
    this.checkPassword(input.password, username);
    const id = await this.users.insert({
      username,
      passwordHash: await this.hasher.hash(input.password),
      role: input.role,
    });
    if (id === undefined)
      throw new UsersError(UsersErrorCodes.UsernameTaken, `the username ${username} is taken`);
    return this.get(id);
  }

  /**
   * The first admin from ADMIN_API_BOOTSTRAP_USERNAME/PASSWORD: only while no user exists (two
   * replicas starting together: the unique username makes one of them win).
   */
  async bootstrap(
    username: string | undefined,
    password: string | undefined,
  ): Promise<'created' | 'skipped' | 'unset'> {
    if (!username || !password) return 'unset';
    if ((await this.users.count()) > 0) {
      this.logger.warn({ msg: 'ADMIN_API_BOOTSTRAP_* ignored: users exist already; remove the variables' });
      return 'skipped';
    }
    try {
      await this.create({ username, password, role: 'admin' });
    } catch (error) {
      if (error instanceof UsersError && error.code === UsersErrorCodes.UsernameTaken) return 'skipped';
      throw error;
    }
    this.logger.warn({
      msg: 'first admin created from ADMIN_API_BOOTSTRAP_*; remove the variables now',
      username,
    });
    return 'created';
  }

  async get(id: number): Promise<AdminUser> {
    const user = await this.users.findById(id);
    if (!user) throw new UsersError(UsersErrorCodes.UserNotFound, `no user ${id}`);
    return withoutHash(user);
  }

  search(search: UserSearch): Promise<{ items: AdminUser[]; total: number }> {
    return this.users.search(search);
  }

  /** An admin changes someone's role, state or password (own role and state excepted). */
  async update(
    actorId: number,
    id: number,
    changes: { role?: AdminRole; disabled?: boolean; password?: string },
  ): Promise<AdminUser> {
    const user = await this.users.findById(id);
    if (!user) throw new UsersError(UsersErrorCodes.UserNotFound, `no user ${id}`);
    if (id === actorId && (changes.role !== undefined || changes.disabled !== undefined))
      throw new UsersError(UsersErrorCodes.OwnAccount, 'you cannot change your own role or state');
    if (changes.password !== undefined) this.checkPassword(changes.password, user.username);
    const passwordHash =
      changes.password !== undefined ? await this.hasher.hash(changes.password) : undefined;
    await inTransaction(this.dataSource, async (manager) => {
      const losesAdmin =
        user.role === 'admin' && ((changes.role && changes.role !== 'admin') || changes.disabled === true);
      if (losesAdmin) {
        const admins = await this.users.lockEnabledAdmins(manager);
        if (admins.filter((adminId) => adminId !== id).length === 0)
          throw new UsersError(UsersErrorCodes.LastAdmin, 'this is the last enabled admin');
      }
      await this.users.update(id, { role: changes.role, disabled: changes.disabled, passwordHash }, manager);
      await this.sessions.revokeUserSessions(
        id,
        changes.password !== undefined ? 'password_change' : 'user_changed',
        manager,
      );
    });
    return this.get(id);
  }

  async delete(actorId: number, id: number): Promise<void> {
    if (id === actorId)
      throw new UsersError(UsersErrorCodes.OwnAccount, 'you cannot delete your own account');
    await inTransaction(this.dataSource, async (manager) => {
      const user = await this.users.findById(id, manager);
      if (!user) throw new UsersError(UsersErrorCodes.UserNotFound, `no user ${id}`);
      if (user.role === 'admin' && !user.disabled) {
        const admins = await this.users.lockEnabledAdmins(manager);
        if (admins.filter((adminId) => adminId !== id).length === 0)
          throw new UsersError(UsersErrorCodes.LastAdmin, 'this is the last enabled admin');
      }
      // Sessions and refresh tokens go with the row (ON DELETE CASCADE); audit entries keep the name.
      await this.users.delete(id, manager);
    });
  }

  /** The caller changes their own password (the current one is required); every session of theirs ends. */
  async changeOwnPassword(id: number, currentPassword: string, newPassword: string): Promise<void> {
    const user = await this.users.findById(id);
    if (!user) throw new UsersError(UsersErrorCodes.UserNotFound, `no user ${id}`);
    if (!(await this.hasher.verify(user.passwordHash, currentPassword)))
      throw new UsersError(UsersErrorCodes.WrongPassword, 'the current password is wrong');
    this.checkPassword(newPassword, user.username);
    if (currentPassword === newPassword)
      throw new UsersError(UsersErrorCodes.WeakPassword, 'the new password is the old one');
    const passwordHash = await this.hasher.hash(newPassword);
    await inTransaction(this.dataSource, async (manager) => {
      await this.users.update(id, { passwordHash }, manager);
      await this.sessions.revokeUserSessions(id, 'password_change', manager);
    });
  }
}
