import { Injectable, type OnModuleInit } from '@nestjs/common';
import { inTransaction } from '@wxop/database';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';

import { AuditLogService } from '../audit/audit-log.service';
import { AdminApiConfig } from '../config/admin-api.config';
import { PasswordHasher } from '../users/password-hasher.service';
import { UsersRepository } from '../users/users.repository';
import { AccessTokensService } from './access-tokens.service';
import { AuthError, AuthErrorCodes } from './auth.errors';
import { LoginThrottleRepository } from './login-throttle.repository';
import { waitBeforeTry, type ThrottleRules } from './login-throttle.util';
import type { AdminRole } from './roles.decorator';
import { SessionsRepository, type RefreshTokenRow } from './sessions.repository';

export interface SessionTokens {
  accessToken: string;
  expiresIn: number;
  refreshToken: string;
  refreshExpiresIn: number;
  tokenType: 'Bearer';
}

export interface LoginAttempt {
  username: string;
  password: string;
  ip: string;
  userAgent?: string;
}

/** SHA-256 hex of a refresh token: what is stored (the token itself never is). */
export function refreshTokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * Login, refresh and logout (ADR 0016). Refusals of a login say nothing about whether the
 * username exists: the same code, the same throttling (keyed by the name tried), the same argon2
 * work (a dummy hash for unknown users).
 */
@Injectable()
export class AuthService implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AdminApiConfig,
    private readonly users: UsersRepository,
    private readonly sessions: SessionsRepository,
    private readonly throttles: LoginThrottleRepository,
    private readonly hasher: PasswordHasher,
    private readonly accessTokens: AccessTokensService,
    private readonly audit: AuditLogService,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.hasher.warmUp();
  }

  private accountRules(): ThrottleRules {
    return {
      freeAttempts: this.config.ADMIN_API_LOGIN_FREE_ATTEMPTS,
      backoffBaseMs: this.config.ADMIN_API_LOGIN_BACKOFF_BASE_MS,
      maxFailures: this.config.ADMIN_API_LOGIN_MAX_FAILURES,
      windowSeconds: this.config.ADMIN_API_LOGIN_WINDOW_SECONDS,
      lockoutSeconds: this.config.ADMIN_API_LOGIN_LOCKOUT_SECONDS,
    };
  }

  /** Per IP there is no backoff (many operators may share one address), only the lockout. */
  private ipRules(): ThrottleRules {
    return {
      ...this.accountRules(),
      freeAttempts: this.config.ADMIN_API_LOGIN_IP_MAX_FAILURES,
      maxFailures: this.config.ADMIN_API_LOGIN_IP_MAX_FAILURES,
    };
  }

  async login(attempt: LoginAttempt): Promise<SessionTokens> {
    const username = attempt.username.trim().toLowerCase();
    const now = new Date();
    const [account, ip] = await Promise.all([
      this.throttles.read('account', username),
      this.throttles.read('ip', attempt.ip),
    ]);
    const wait = Math.max(
      waitBeforeTry(account, this.accountRules(), now),
      waitBeforeTry(ip, this.ipRules(), now),
    );
    if (wait > 0) {
      await this.recordFailure(username, attempt.ip, now);
      await this.audit.recordQuietly({
        action: 'auth.login',
        target: `username=${username}`,
        outcome: 'failure',
        errorCode: AuthErrorCodes.LoginThrottled,
        actor: { username },
      });
      throw new AuthError(AuthErrorCodes.LoginThrottled, 'too many failed logins: try again later', {
        retryAfterSeconds: Math.ceil(wait / 1000),
      });
    }
    const user = await this.users.findByUsername(username);
    const passwordOk = await this.hasher.verifyOrDummy(user?.passwordHash, attempt.password);
    if (!user || !passwordOk || user.disabled) {
      await this.recordFailure(username, attempt.ip, now);
      await this.audit.recordQuietly({
        action: 'auth.login',
        target: `username=${username}`,
        outcome: 'failure',
        errorCode: AuthErrorCodes.InvalidCredentials,
        actor: { username },
      });
      throw new AuthError(AuthErrorCodes.InvalidCredentials, 'wrong username or password');
    }
    await this.throttles.clear('account', username);
    const sessionId = randomUUID();
    const tokens = await inTransaction(this.dataSource, async (manager) => {
      await this.sessions.createSession(
        {
          id: sessionId,
          userId: user.id,
          expiresAt: new Date(now.getTime() + this.config.ADMIN_API_SESSION_MAX_SECONDS * 1000),
          ip: attempt.ip,
          userAgent: attempt.userAgent,
        },
        manager,
      );
      const refreshToken = await this.newRefreshToken(sessionId, manager);
      return this.tokensFor(user, sessionId, refreshToken);
    });
    await this.users.touchLogin(user.id);
    await this.audit.recordQuietly({
      action: 'auth.login',
      target: `userId=${user.id}`,
      outcome: 'success',
      actor: { userId: user.id, username: user.username, role: user.role },
      details: { sessionId },
    });
    return tokens;
  }

  /**
   * Trades a refresh token for a new pair. Each token works once: presenting a used one again
   * (someone copied it) revokes its whole session, so the thief and the owner both must log in again.
   */
  async refresh(refreshToken: string): Promise<SessionTokens> {
    const hash = refreshTokenHash(refreshToken);
    const now = new Date();
    type Outcome =
      | { tokens: SessionTokens }
      | { refused: typeof AuthErrorCodes.InvalidRefreshToken; row?: RefreshTokenRow }
      | { refused: typeof AuthErrorCodes.RefreshTokenReused; row: RefreshTokenRow };
    const outcome = await inTransaction(this.dataSource, async (manager): Promise<Outcome> => {
      const row = await this.sessions.lockRefreshToken(hash, manager);
      if (!row) return { refused: AuthErrorCodes.InvalidRefreshToken };
      if (row.usedAt) {
        await this.sessions.revokeSession(row.sessionId, 'refresh_reuse', manager);
        return { refused: AuthErrorCodes.RefreshTokenReused, row };
      }
      if (row.sessionRevokedAt || row.expiresAt <= now || row.sessionExpiresAt <= now)
        return { refused: AuthErrorCodes.InvalidRefreshToken, row };
      const user = await this.users.findById(row.userId, manager);
      if (!user || user.disabled) return { refused: AuthErrorCodes.InvalidRefreshToken, row };
      await this.sessions.markUsed(hash, manager);
      await this.sessions.touchSession(row.sessionId, manager);
      const next = await this.newRefreshToken(row.sessionId, manager);
      return { tokens: this.tokensFor(user, row.sessionId, next) };
    });
    if (!('refused' in outcome)) return outcome.tokens;
    if (outcome.refused === AuthErrorCodes.RefreshTokenReused)
      await this.audit.recordQuietly({
        action: 'auth.refresh.reuse',
        target: `userId=${outcome.row.userId}`,
        outcome: 'failure',
        errorCode: outcome.refused,
        actor: { userId: outcome.row.userId },
        details: { sessionId: outcome.row.sessionId, revoked: 'session' },
      });
    throw new AuthError(
      outcome.refused,
      outcome.refused === AuthErrorCodes.RefreshTokenReused
        ? 'this refresh token was already used: its session has been ended, log in again'
        : 'the refresh token is not valid',
    );
  }

  async logout(sessionId: string): Promise<void> {
    await this.sessions.revokeSession(sessionId, 'logout');
  }

  private async newRefreshToken(
    sessionId: string,
    manager: Parameters<SessionsRepository['markUsed']>[1],
  ): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    await this.sessions.insertRefreshToken(
      {
        hash: refreshTokenHash(token),
        sessionId,
        expiresAt: new Date(Date.now() + this.config.ADMIN_API_REFRESH_TOKEN_TTL_SECONDS * 1000),
      },
      manager,
    );
    return token;
  }

  private tokensFor(
    user: { id: number; username: string; role: AdminRole },
    sessionId: string,
    refreshToken: string,
  ): SessionTokens {
    const access = this.accessTokens.issue({
      sub: String(user.id),
      username: user.username,
      role: user.role,
      sid: sessionId,
    });
    return {
      accessToken: access.accessToken,
      expiresIn: access.expiresIn,
      refreshToken,
      refreshExpiresIn: this.config.ADMIN_API_REFRESH_TOKEN_TTL_SECONDS,
      tokenType: 'Bearer',
    };
  }

  private async recordFailure(username: string, ip: string, now: Date): Promise<void> {
    await this.throttles.recordFailure('account', username, this.accountRules(), now);
    await this.throttles.recordFailure('ip', ip, this.ipRules(), now);
  }
}
