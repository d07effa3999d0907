import { Injectable } from '@nestjs/common';
import type { AuthorizerType } from '@wxop/contracts';
import { DataSource, type EntityManager } from 'typeorm';

export type AuthorizerStatus = 'authorized' | 'unauthorized';
export type GrantRecorder = 'push' | 'landing';

/** One exchanged auth code, as first recorded by the push or the landing page. */
export interface GrantRecord {
  componentAppid: string;
  authorizerAppid: string;
  linkId?: string;
  bizRef?: string;
  funcInfo: number[];
  eventType: string;
  eventId: string;
  recordedBy: GrantRecorder;
}

export interface NewGrant extends GrantRecord {
  codeHash: string;
}

/** An authorizer's profile as `api_get_authorizer_info` gave it. */
export interface AuthorizerProfile {
  authorizerType: AuthorizerType;
  nickName: string;
  userName: string;
}

export interface AuthorizedState extends AuthorizerProfile {
  componentAppid: string;
  authorizerAppid: string;
  funcInfo: number[];
  /** Kept as it is when absent (an authorization without a link keeps the previous reference). */
  bizRef?: string;
  authorizedAt: Date;
}

interface GrantRow {
  component_appid: string;
  authorizer_appid: string;
  link_id: string | null;
  biz_ref: string | null;
  func_info: string;
  event_type: string;
  event_id: string;
  recorded_by: GrantRecorder;
}

const NOW = 'UTC_TIMESTAMP(3)';
type Executor = Pick<EntityManager, 'query'>;

/** The only code touching `authorizers` and `authorization_grants`. */
@Injectable()
export class AuthorizerRepository {
  constructor(private readonly dataSource: DataSource) {}

  async findGrant(codeHash: string, executor: Executor = this.dataSource): Promise<GrantRecord | undefined> {
    const [row] = (await executor.query(
      `SELECT component_appid, authorizer_appid, link_id, biz_ref, func_info, event_type, event_id, recorded_by
       FROM authorization_grants WHERE code_hash = ?`,
      [codeHash],
    )) as GrantRow[];
    if (!row) return undefined;
    const grant: GrantRecord = {
      componentAppid: row.component_appid,
      authorizerAppid: row.authorizer_appid,
      funcInfo: JSON.parse(row.func_info) as number[],
      eventType: row.event_type,
      eventId: row.event_id,
      recordedBy: row.recorded_by,
    };
    if (row.link_id !== null) grant.linkId = row.link_id;
    if (row.biz_ref !== null) grant.bizRef = row.biz_ref;
    return grant;
  }

  /** True once an authorization came through the link (its pre-auth code is spent). */
  async linkUsed(linkId: string): Promise<boolean> {
    const rows = (await this.dataSource.query(
      `SELECT 1 FROM authorization_grants WHERE link_id = ? LIMIT 1`,
      [linkId],
    )) as unknown[];
    return rows.length > 0;
  }

  /**
   * Records a grant once per code: true for the caller that inserted it. A concurrent caller with
   * the same code waits on the row lock, then gets false (and must not announce anything).
   */
  async insertGrant(executor: Executor, grant: NewGrant): Promise<boolean> {
    const outcome = (await executor.query(
      `INSERT IGNORE INTO authorization_grants
         (code_hash, component_appid, authorizer_appid, link_id, biz_ref, func_info, event_type, event_id,
          recorded_by, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ${NOW})`,
      [
        grant.codeHash,
        grant.componentAppid,
        grant.authorizerAppid,
        grant.linkId ?? null,
        grant.bizRef ?? null,
        JSON.stringify(grant.funcInfo),
        grant.eventType,
        grant.eventId,
        grant.recordedBy,
      ],
    )) as { affectedRows: number };
    return outcome.affectedRows > 0;
  }

  /** The authorizer's current status (a plain read, no lock). */
  async status(
    executor: Executor,
    componentAppid: string,
    authorizerAppid: string,
  ): Promise<AuthorizerStatus | undefined> {
    const [row] = (await executor.query(
      `SELECT status FROM authorizers WHERE component_appid = ? AND authorizer_appid = ?`,
      [componentAppid, authorizerAppid],
    )) as { status: AuthorizerStatus }[];
    return row?.status;
  }

  /**
   * Authorized with this profile and permission sets. An unauthorization recorded as later than
   * this authorization (pushes handled out of order) keeps the row unauthorized.
   */
  async storeAuthorized(executor: Executor, state: AuthorizedState): Promise<void> {
    await executor.query(
      `INSERT INTO authorizers
         (component_appid, authorizer_appid, status, biz_ref, func_info, authorizer_type, nick_name, user_name,
          authorized_at, created_at, updated_at)
       VALUES (?, ?, 'authorized', ?, ?, ?, ?, ?, ?, ${NOW}, ${NOW})
       ON DUPLICATE KEY UPDATE
         status = IF(unauthorized_at IS NOT NULL AND unauthorized_at > VALUES(authorized_at), status, 'authorized'),
         biz_ref = COALESCE(VALUES(biz_ref), biz_ref), func_info = VALUES(func_info),
         authorizer_type = VALUES(authorizer_type), nick_name = VALUES(nick_name), user_name = VALUES(user_name),
         authorized_at = VALUES(authorized_at), updated_at = ${NOW}`,
      [
        state.componentAppid,
        state.authorizerAppid,
        state.bizRef ?? null,
        JSON.stringify(state.funcInfo),
        state.authorizerType,
        state.nickName,
        state.userName,
        state.authorizedAt,
      ],
    );
  }

  /** Unauthorized (kept, not deleted); an authorizer we never knew gets a row of its own. */
  async storeUnauthorized(
    executor: Executor,
    componentAppid: string,
    authorizerAppid: string,
    unauthorizedAt: Date,
  ): Promise<void> {
    await executor.query(
      `INSERT INTO authorizers
         (component_appid, authorizer_appid, status, unauthorized_at, created_at, updated_at)
       VALUES (?, ?, 'unauthorized', ?, ${NOW}, ${NOW})
       ON DUPLICATE KEY UPDATE status = 'unauthorized', unauthorized_at = VALUES(unauthorized_at),
         updated_at = ${NOW}`,
      [componentAppid, authorizerAppid, unauthorizedAt],
    );
  }
}
