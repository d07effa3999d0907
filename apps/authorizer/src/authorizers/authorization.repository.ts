import { Injectable } from '@nestjs/common';
import type { AuthorizationSource, AuthorizerStatus } from '@wxop/contracts';
import { DataSource } from 'typeorm';

import { AuthorizerCredentialRepository } from './authorizer-credential.repository';
import {
  NOW,
  PROFILE_COLUMNS,
  PROFILE_UPDATE,
  profileValues,
  type AuthorizerRow,
  type Executor,
} from './authorizer-row.util';
import type { AuthorizerProfile } from './profile.util';

export interface AuthorizedState {
  componentAppid: string;
  authorizerAppid: string;
  funcInfo: number[];
  /** Kept as it is when absent (an authorization without a link keeps the previous reference). */
  bizRef?: string;
  authorizedAt: Date;
  authorizedVia: AuthorizationSource;
  /** The `authorization.*` event that announced this authorization. */
  announcedEventId: string;
  profile: AuthorizerProfile;
}

/** What decides how a new authorization of a known account is announced (and what a sync does with it). */
export interface CurrentAuthorization {
  status: AuthorizerStatus;
  authorizedAt?: Date;
  unauthorizedAt?: Date;
  authorizedVia?: AuthorizationSource;
  announcedEventId?: string;
  profileRefreshedAt?: Date;
}

const CURRENT_COLUMNS =
  'status, authorized_at, unauthorized_at, authorized_via, announced_event_id, profile_refreshed_at';
type CurrentRow = Pick<
  AuthorizerRow,
  | 'status'
  | 'authorized_at'
  | 'unauthorized_at'
  | 'authorized_via'
  | 'announced_event_id'
  | 'profile_refreshed_at'
>;

function currentOf(row: CurrentRow): CurrentAuthorization {
  const current: CurrentAuthorization = { status: row.status };
  if (row.authorized_at) current.authorizedAt = row.authorized_at;
  if (row.unauthorized_at) current.unauthorizedAt = row.unauthorized_at;
  if (row.authorized_via) current.authorizedVia = row.authorized_via;
  if (row.announced_event_id) current.announcedEventId = row.announced_event_id;
  if (row.profile_refreshed_at) current.profileRefreshedAt = row.profile_refreshed_at;
  return current;
}

/**
 * The authorization state of each account in `authorizers` (status, permission sets, when and how
 * it was authorized or unauthorized, the event that announced it): written by pushes, the landing
 * page and the full sync.
 */
@Injectable()
export class AuthorizationRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly credentials: AuthorizerCredentialRepository,
  ) {}

  /** The authorizer's current authorization (a plain read, no lock). */
  async current(
    componentAppid: string,
    authorizerAppid: string,
    executor: Executor = this.dataSource,
  ): Promise<CurrentAuthorization | undefined> {
    const [row] = (await executor.query(
      `SELECT ${CURRENT_COLUMNS} FROM authorizers WHERE component_appid = ? AND authorizer_appid = ?`,
      [componentAppid, authorizerAppid],
    )) as CurrentRow[];
    return row ? currentOf(row) : undefined;
  }

  /** The current authorization of many accounts of one component (a sync page), by appid. */
  async currentOfMany(
    componentAppid: string,
    authorizerAppids: string[],
  ): Promise<Map<string, CurrentAuthorization>> {
    if (authorizerAppids.length === 0) return new Map();
    const rows = (await this.dataSource.query(
      `SELECT authorizer_appid, ${CURRENT_COLUMNS} FROM authorizers
       WHERE component_appid = ? AND authorizer_appid IN (?)`,
      [componentAppid, authorizerAppids],
    )) as (CurrentRow & Pick<AuthorizerRow, 'authorizer_appid'>)[];
    return new Map(rows.map((row) => [row.authorizer_appid, currentOf(row)]));
  }

  /**
   * Authorized with this profile and permission sets. An unauthorization recorded as later than
   * this authorization (pushes handled out of order) keeps the row unauthorized.
   */
  async storeAuthorized(executor: Executor, state: AuthorizedState): Promise<void> {
    await executor.query(
      `INSERT INTO authorizers
         (component_appid, authorizer_appid, status, biz_ref, func_info, authorized_at, authorized_via,
          announced_event_id, ${PROFILE_COLUMNS}, profile_refreshed_at, profile_error, credential_status,
          credential_changed_at, created_at, updated_at)
       VALUES (?, ?, 'authorized', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ${NOW}, NULL, 'active', ${NOW},
         ${NOW}, ${NOW})
       ON DUPLICATE KEY UPDATE
         status = IF(unauthorized_at IS NOT NULL AND unauthorized_at > VALUES(authorized_at), status, 'authorized'),
         biz_ref = COALESCE(VALUES(biz_ref), biz_ref), func_info = VALUES(func_info),
         authorized_at = VALUES(authorized_at), authorized_via = VALUES(authorized_via),
         announced_event_id = VALUES(announced_event_id), ${PROFILE_UPDATE},
         profile_refreshed_at = ${NOW}, profile_error = NULL, credential_status = 'active',
         credential_errcode = NULL, credential_changed_at = ${NOW}, updated_at = ${NOW}`,
      [
        state.componentAppid,
        state.authorizerAppid,
        state.bizRef ?? null,
        JSON.stringify(state.funcInfo),
        state.authorizedAt,
        state.authorizedVia,
        state.announcedEventId,
        ...profileValues(state.profile),
      ],
    );
  }

  /**
   * Authorizations a full sync discovered, in one statement: inserted where we had no row, turned
   * back to authorized where our unauthorization is older than WeChat's `auth_time`. Returns the
   * accounts this call changed (the others were recorded concurrently by a push or another sync),
   * which alone may be announced.
   */
  async storeDiscovered(executor: Executor, states: AuthorizedState[]): Promise<Set<string>> {
    if (states.length === 0) return new Set();
    const placeholders = states
      .map(
        () =>
          `(?, ?, 'authorized', NULL, ?, ?, 'sync', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ${NOW}, ${NOW}, ${NOW})`,
      )
      .join(', ');
    await executor.query(
      `INSERT INTO authorizers
         (component_appid, authorizer_appid, status, biz_ref, func_info, authorized_at, authorized_via,
          announced_event_id, ${PROFILE_COLUMNS}, profile_refreshed_at, created_at, updated_at)
       VALUES ${placeholders}
       ON DUPLICATE KEY UPDATE
         announced_event_id = IF(status = 'unauthorized' AND unauthorized_at < VALUES(authorized_at),
           VALUES(announced_event_id), announced_event_id),
         func_info = IF(announced_event_id = VALUES(announced_event_id), VALUES(func_info), func_info),
         authorized_at = IF(announced_event_id = VALUES(announced_event_id), VALUES(authorized_at), authorized_at),
         authorized_via = IF(announced_event_id = VALUES(announced_event_id), 'sync', authorized_via),
         status = IF(announced_event_id = VALUES(announced_event_id), 'authorized', status),
         ${PROFILE_UPDATE}, profile_refreshed_at = ${NOW}, profile_error = NULL, updated_at = ${NOW}`,
      states.flatMap((state) => [
        state.componentAppid,
        state.authorizerAppid,
        JSON.stringify(state.funcInfo),
        state.authorizedAt,
        state.announcedEventId,
        ...profileValues(state.profile),
      ]),
    );
    // MariaDB evaluates ON DUPLICATE KEY UPDATE assignments left to right, so the conditions above
    // after the first see the new announced_event_id: a row is ours exactly when it carries our id.
    const rows = (await executor.query(
      `SELECT authorizer_appid FROM authorizers WHERE component_appid = ? AND announced_event_id IN (?)`,
      [states[0]!.componentAppid, states.map((state) => state.announcedEventId)],
    )) as { authorizer_appid: string }[];
    const ours = rows.map((row) => row.authorizer_appid);
    // Handed over just before: the token service holds working credentials.
    await this.credentials.markCredentialsActive(states[0]!.componentAppid, ours, executor);
    return new Set(ours);
  }

  /**
   * Unauthorized (kept, not deleted); an authorizer we never knew gets a row of its own. The latest
   * unauthorization time is kept, so a late `authorized` push older than it cannot revive the row.
   */
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
       ON DUPLICATE KEY UPDATE status = 'unauthorized',
         unauthorized_at = GREATEST(COALESCE(unauthorized_at, VALUES(unauthorized_at)), VALUES(unauthorized_at)),
         updated_at = ${NOW}`,
      [componentAppid, authorizerAppid, unauthorizedAt],
    );
  }

  /**
   * Authorized accounts of a component authorized before `before`, in appid order after `after`
   * (a sync's search for accounts WeChat no longer lists).
   */
  async authorizedBefore(
    componentAppid: string,
    before: Date,
    after: string,
    limit: number,
  ): Promise<{ authorizerAppid: string; authorizedAt: Date | null }[]> {
    const rows = (await this.dataSource.query(
      `SELECT authorizer_appid, authorized_at FROM authorizers
       WHERE component_appid = ? AND status = 'authorized' AND authorizer_appid > ?
         AND (authorized_at IS NULL OR authorized_at < ?)
       ORDER BY authorizer_appid LIMIT ?`,
      [componentAppid, after, before, limit],
    )) as Pick<AuthorizerRow, 'authorizer_appid' | 'authorized_at'>[];
    return rows.map((row) => ({ authorizerAppid: row.authorizer_appid, authorizedAt: row.authorized_at }));
  }

  /** How many accounts of the component are authorized. */
  async countAuthorized(componentAppid: string): Promise<number> {
    const [row] = (await this.dataSource.query(
      `SELECT COUNT(*) AS n FROM authorizers WHERE component_appid = ? AND status = 'authorized'`,
      [componentAppid],
    )) as { n: string | number }[];
    return Number(row?.n ?? 0);
  }

  /** Every component this service has a record of (authorizers or links). */
  async componentAppids(): Promise<string[]> {
    const rows = (await this.dataSource.query(
      `SELECT DISTINCT component_appid FROM authorizers
       UNION SELECT DISTINCT component_appid FROM authorization_links`,
    )) as { component_appid: string }[];
    return rows.map((row) => row.component_appid);
  }
}
