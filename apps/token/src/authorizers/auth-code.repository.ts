import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';

/** A code's stored outcome: the authorizer it granted, or WeChat's refusal. */
export interface AuthCodeOutcome {
  authorizerAppid?: string;
  funcInfo?: number[];
  errcode?: number;
}

/**
 * The only code touching `token_auth_codes`: one row per exchanged code, keyed by the code's
 * SHA-256 (the code itself is a credential and is not kept).
 */
@Injectable()
export class AuthCodeRepository {
  static hash(authCode: string): string {
    return createHash('sha256').update(authCode, 'utf8').digest('hex');
  }

  /**
   * Takes the code's row lock inside the caller's transaction, creating the row if needed, and
   * returns what an earlier exchange stored. Concurrent exchanges of one code, on any replica,
   * queue here until the first commits or rolls back.
   */
  async lock(manager: EntityManager, componentAppid: string, codeHash: string): Promise<AuthCodeOutcome> {
    // ON DUPLICATE KEY UPDATE takes the existing row's exclusive lock at once; INSERT IGNORE would take a
    // shared one, and two waiters upgrading to FOR UPDATE deadlock each other.
    await manager.query(
      `INSERT INTO token_auth_codes (component_appid, code_hash, created_at) VALUES (?, ?, UTC_TIMESTAMP(3))
       ON DUPLICATE KEY UPDATE code_hash = code_hash`,
      [componentAppid, codeHash],
    );
    const [row] = (await manager.query(
      'SELECT authorizer_appid, func_info, errcode FROM token_auth_codes WHERE component_appid = ? AND code_hash = ? FOR UPDATE',
      [componentAppid, codeHash],
    )) as { authorizer_appid: string | null; func_info: string | null; errcode: number | null }[];
    return {
      authorizerAppid: row?.authorizer_appid ?? undefined,
      funcInfo: row?.func_info ? (JSON.parse(row.func_info) as number[]) : undefined,
      errcode: row?.errcode ?? undefined,
    };
  }

  async record(
    manager: EntityManager,
    componentAppid: string,
    codeHash: string,
    outcome: AuthCodeOutcome,
  ): Promise<void> {
    await manager.query(
      'UPDATE token_auth_codes SET authorizer_appid = ?, func_info = ?, errcode = ? WHERE component_appid = ? AND code_hash = ?',
      [
        outcome.authorizerAppid ?? null,
        outcome.funcInfo ? JSON.stringify(outcome.funcInfo) : null,
        outcome.errcode ?? null,
        componentAppid,
        codeHash,
      ],
    );
  }
}
