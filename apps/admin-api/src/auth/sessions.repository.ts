import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

import type { AdminRole } from './roles.decorator';

export type RevokeReason = 'logout' | 'password_change' | 'refresh_reuse' | 'user_changed';

/** A live session's user, as the guard needs it on each request. */
export interface SessionUser {
  userId: number;
  username: string;
  role: AdminRole;
}

export interface RefreshTokenRow {
  sessionId: string;
  userId: number;
  expiresAt: Date;
  usedAt: Date | null;
  sessionExpiresAt: Date;
  sessionRevokedAt: Date | null;
}

/** admin_sessions (one per login: a family of refresh tokens) and admin_refresh_tokens (SHA-256 hashes only). */
@Injectable()
export class SessionsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async createSession(
    session: { id: string; userId: number; expiresAt: Date; ip?: string; userAgent?: string },
    manager?: EntityManager,
  ): Promise<void> {
    const now = new Date();
    await (manager ?? this.dataSource).query(
      `INSERT INTO admin_sessions (id, user_id, created_at, expires_at, last_refreshed_at, ip, user_agent)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
      [
        session.id,
        session.userId,
        now,
        session.expiresAt,
        now,
        session.ip?.slice(0, 64) ?? null,
        session.userAgent?.slice(0, 512) ?? null,
      ],
    );
  }

  async insertRefreshToken(
    token: { hash: string; sessionId: string; expiresAt: Date },
    manager?: EntityManager,
  ): Promise<void> {
    await (manager ?? this.dataSource).query(
      `INSERT INTO admin_refresh_tokens (token_hash, session_id, issued_at, expires_at) VALUES (?, ?, ?, ?)`,
      [token.hash, token.sessionId, new Date(), token.expiresAt],
    );
  }

  /** The refresh token with its session, locked for the rest of the transaction. */
  async lockRefreshToken(hash: string, manager: EntityManager): Promise<RefreshTokenRow | undefined> {
    const rows: {
      session_id: string;
      user_id: string | number;
      expires_at: Date;
      used_at: Date | null;
      session_expires_at: Date;
      revoked_at: Date | null;
    }[] = await manager.query(
      `SELECT t.session_id, s.user_id, t.expires_at, t.used_at, s.expires_at AS session_expires_at, s.revoked_at
         FROM admin_refresh_tokens t JOIN admin_sessions s ON s.id = t.session_id
        WHERE t.token_hash = ? FOR UPDATE`,
      [hash],
    );
    const row = rows[0];
    if (!row) return undefined;
    return {
      sessionId: row.session_id,
      userId: Number(row.user_id),
      expiresAt: row.expires_at,
      usedAt: row.used_at,
      sessionExpiresAt: row.session_expires_at,
      sessionRevokedAt: row.revoked_at,
    };
  }

  async markUsed(hash: string, manager: EntityManager): Promise<void> {
    const now = new Date();
    await manager.query(`UPDATE admin_refresh_tokens SET used_at = ? WHERE token_hash = ?`, [now, hash]);
  }

  async touchSession(sessionId: string, manager: EntityManager): Promise<void> {
    await manager.query(`UPDATE admin_sessions SET last_refreshed_at = ? WHERE id = ?`, [
      new Date(),
      sessionId,
    ]);
  }

  async revokeSession(sessionId: string, reason: RevokeReason, manager?: EntityManager): Promise<void> {
    await (manager ?? this.dataSource).query(
      `UPDATE admin_sessions SET revoked_at = ?, revoked_reason = ? WHERE id = ? AND revoked_at IS NULL`,
      [new Date(), reason, sessionId],
    );
  }

  /** Ends every live session of a user; answers how many. */
  async revokeUserSessions(userId: number, reason: RevokeReason, manager?: EntityManager): Promise<number> {
    const result: { affectedRows?: number } = await (manager ?? this.dataSource).query(
      `UPDATE admin_sessions SET revoked_at = ?, revoked_reason = ? WHERE user_id = ? AND revoked_at IS NULL`,
      [new Date(), reason, userId],
    );
    return Number(result.affectedRows ?? 0);
  }

  /** The user of a session that is live now (not revoked, not expired, user enabled). */
  async liveSessionUser(sessionId: string): Promise<SessionUser | undefined> {
    const rows: { user_id: string | number; username: string; role: AdminRole }[] =
      await this.dataSource.query(
        `SELECT u.id AS user_id, u.username, u.role
         FROM admin_sessions s JOIN admin_users u ON u.id = s.user_id
        WHERE s.id = ? AND s.revoked_at IS NULL AND s.expires_at > ? AND u.disabled = 0`,
        [sessionId, new Date()],
      );
    const row = rows[0];
    return row ? { userId: Number(row.user_id), username: row.username, role: row.role } : undefined;
  }

  async revokedReason(sessionId: string): Promise<RevokeReason | null | undefined> {
    const rows: { revoked_reason: RevokeReason | null }[] = await this.dataSource.query(
      `SELECT revoked_reason FROM admin_sessions WHERE id = ?`,
      [sessionId],
    );
    return rows[0]?.revoked_reason;
  }

  /**
   * Deletes up to `batch` sessions that ended (expired or revoked) before `before`, with their
   * refresh tokens (ON DELETE CASCADE), and refresh tokens that expired before it; answers how many rows went.
   */
  async purgeEnded(before: Date, batch: number): Promise<number> {
    const sessions: { affectedRows?: number } = await this.dataSource.query(
      `DELETE FROM admin_sessions WHERE expires_at < ? OR revoked_at < ? LIMIT ?`,
      [before, before, batch],
    );
    const tokens: { affectedRows?: number } = await this.dataSource.query(
      `DELETE FROM admin_refresh_tokens WHERE expires_at < ? LIMIT ?`,
      [before, batch],
    );
    return Number(sessions.affectedRows ?? 0) + Number(tokens.affectedRows ?? 0);
  }
}
