import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

import type { AdminRole } from '../auth/roles.decorator';
import type { AdminUser, AdminUserWithHash } from './user';

interface UserRow {
  id: string | number;
  username: string;
  password_hash: string;
  role: AdminRole;
  disabled: number;
  password_changed_at: Date;
  last_login_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export interface UserSearch {
  username?: string;
  role?: AdminRole;
  disabled?: boolean;
  sort: 'username' | 'createdAt' | 'lastLoginAt';
  order: 'asc' | 'desc';
  limit: number;
  offset: number;
}

const SORT_COLUMNS: Record<UserSearch['sort'], string> = {
  username: 'username',
  createdAt: 'created_at',
  lastLoginAt: 'last_login_at',
};

function toUser(row: UserRow): AdminUserWithHash {
  return {
    id: Number(row.id),
    username: row.username,
    passwordHash: row.password_hash,
    role: row.role,
    disabled: Boolean(row.disabled),
    passwordChangedAt: row.password_changed_at,
    lastLoginAt: row.last_login_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** admin_users. */
@Injectable()
export class UsersRepository {
  constructor(private readonly dataSource: DataSource) {}

  async findByUsername(username: string): Promise<AdminUserWithHash | undefined> {
    const rows: UserRow[] = await this.dataSource.query(`SELECT * FROM admin_users WHERE username = ?`, [
      username,
    ]);
    return rows[0] ? toUser(rows[0]) : undefined;
  }

  async findById(id: number, manager?: EntityManager): Promise<AdminUserWithHash | undefined> {
    const rows: UserRow[] = await (manager ?? this.dataSource).query(
      `SELECT * FROM admin_users WHERE id = ?`,
      [id],
    );
    return rows[0] ? toUser(rows[0]) : undefined;
  }

  async count(): Promise<number> {
    const [row]: { n: string | number }[] = await this.dataSource.query(
      `SELECT COUNT(*) AS n FROM admin_users`,
    );
    return Number(row?.n ?? 0);
  }

  /** Enabled admins, with the rows locked (so two demotions cannot both leave none). */
  async lockEnabledAdmins(manager: EntityManager): Promise<number[]> {
    const rows: { id: string | number }[] = await manager.query(
      `SELECT id FROM admin_users WHERE role = 'admin' AND disabled = 0 FOR UPDATE`,
    );
    return rows.map((row) => Number(row.id));
  }

  /** Inserts a user; answers its id, or undefined when the username is taken. */
  async insert(
    user: { username: string; passwordHash: string; role: AdminRole },
    manager?: EntityManager,
  ): Promise<number | undefined> {
    const now = new Date();
    try {
      const result: { insertId: number } = await (manager ?? this.dataSource).query(
        `INSERT INTO admin_users (username, password_hash, role, disabled, password_changed_at, created_at, updated_at)
         VALUES (?, ?, ?, 0, ?, ?, ?)`,
        [user.username, user.passwordHash, user.role, now, now, now],
      );
      return Number(result.insertId);
    } catch (error) {
      if ((error as { code?: string; driverError?: { code?: string } }).driverError?.code === 'ER_DUP_ENTRY')
        return undefined;
      if ((error as { code?: string }).code === 'ER_DUP_ENTRY') return undefined;
      throw error;
    }
  }

  async update(
    id: number,
    changes: { role?: AdminRole; disabled?: boolean; passwordHash?: string },
    manager?: EntityManager,
  ): Promise<void> {
    const sets: string[] = ['updated_at = ?'];
    const now = new Date();
    const params: unknown[] = [now];
    if (changes.role !== undefined) {
      sets.push('role = ?');
      params.push(changes.role);
    }
    if (changes.disabled !== undefined) {
      sets.push('disabled = ?');
      params.push(changes.disabled ? 1 : 0);
    }
    if (changes.passwordHash !== undefined) {
      sets.push('password_hash = ?', 'password_changed_at = ?');
      params.push(changes.passwordHash, now);
    }
    await (manager ?? this.dataSource).query(`UPDATE admin_users SET ${sets.join(', ')} WHERE id = ?`, [
      ...params,
      id,
    ]);
  }

  async touchLogin(id: number): Promise<void> {
    await this.dataSource.query(`UPDATE admin_users SET last_login_at = ? WHERE id = ?`, [new Date(), id]);
  }

  async delete(id: number, manager: EntityManager): Promise<void> {
    await manager.query(`DELETE FROM admin_users WHERE id = ?`, [id]);
  }

  async search(search: UserSearch): Promise<{ items: AdminUser[]; total: number }> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (search.username !== undefined) {
      where.push('username LIKE ?');
      params.push(`%${search.username.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    }
    if (search.role !== undefined) {
      where.push('role = ?');
      params.push(search.role);
    }
    if (search.disabled !== undefined) {
      where.push('disabled = ?');
      params.push(search.disabled ? 1 : 0);
    }
    const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    const order = search.order === 'asc' ? 'ASC' : 'DESC';
    const rows: UserRow[] = await this.dataSource.query(
      `SELECT * FROM admin_users ${clause} ORDER BY ${SORT_COLUMNS[search.sort]} ${order}, id ${order} LIMIT ? OFFSET ?`,
      [...params, search.limit, search.offset],
    );
    const [count]: { n: string | number }[] = await this.dataSource.query(
      `SELECT COUNT(*) AS n FROM admin_users ${clause}`,
      params,
    );
    return {
      items: rows.map((row) => {
        const { passwordHash: _hash, ...user } = toUser(row);
        return user;
      }),
      total: Number(count?.n ?? 0),
    };
  }
}
