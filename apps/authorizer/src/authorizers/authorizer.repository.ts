import { Injectable } from '@nestjs/common';
import type {
  AuthorizationSource,
  AuthorizerDetail,
  AuthorizerHistoryEntry,
  AuthorizerStatus,
  AuthorizerSummary,
  MiniProgramProfile,
} from '@wxop/contracts';
import { DataSource, type EntityManager } from 'typeorm';

import type { AuthorizerProfile } from './profile.util';

export type GrantRecorder = 'push' | 'landing' | 'fast_registration' | 'recovery';

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

export interface HistoryEntry {
  componentAppid: string;
  authorizerAppid: string;
  status: AuthorizerHistoryEntry['status'];
  source: AuthorizationSource;
  funcInfo?: number[];
  bizRef?: string | null;
  eventId?: string;
  occurredAt: Date;
}

export interface AuthorizerFilter {
  componentAppid: string;
  authorizerType?: string;
  status?: string;
  bizRef?: string;
  name?: string;
  offset: number;
  limit: number;
}

/** An authorizer whose profile is due, claimed by this replica for a while. */
export interface ProfileClaim {
  componentAppid: string;
  authorizerAppid: string;
}

interface AuthorizerRow {
  component_appid: string;
  authorizer_appid: string;
  status: AuthorizerStatus;
  biz_ref: string | null;
  func_info: string;
  authorizer_type: 'official_account' | 'mini_program' | null;
  nick_name: string | null;
  user_name: string | null;
  authorized_at: Date | null;
  unauthorized_at: Date | null;
  authorized_via: AuthorizationSource | null;
  announced_event_id: string | null;
  head_img: string | null;
  alias: string | null;
  principal_name: string | null;
  signature: string | null;
  qrcode_url: string | null;
  service_type: number | null;
  verify_type: number | null;
  account_status: number | null;
  mini_program: string | null;
  profile_refreshed_at: Date | null;
  profile_error: string | null;
  credential_status: 'active' | 'invalid' | null;
  credential_errcode: number | null;
}

interface HistoryRow {
  status: AuthorizerHistoryEntry['status'];
  source: AuthorizationSource;
  func_info: string | null;
  biz_ref: string | null;
  event_id: string | null;
  occurred_at: Date;
}

const PROFILE_COLUMNS = `authorizer_type, nick_name, user_name, head_img, alias, principal_name, signature,
  qrcode_url, service_type, verify_type, account_status, mini_program`;

function profileValues(profile: AuthorizerProfile): unknown[] {
  return [
    profile.authorizerType,
    profile.nickName,
    profile.userName,
    profile.headImg,
    profile.alias,
    profile.principalName,
    profile.signature,
    profile.qrcodeUrl,
    profile.serviceType,
    profile.verifyType,
    profile.accountStatus,
    profile.miniProgram ? JSON.stringify(profile.miniProgram) : null,
  ];
}

const iso = (value: Date | null): string | null => (value ? value.toISOString() : null);

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
const PROFILE_UPDATE = PROFILE_COLUMNS.split(',')
  .map((column) => `${column.trim()} = VALUES(${column.trim()})`)
  .join(', ');
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
    await this.markCredentialsActive(states[0]!.componentAppid, ours, executor);
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

  /** A fast registration's result, once per push. */
  async insertFastRegistration(
    executor: Executor,
    row: {
      pushEventId: string;
      componentAppid: string;
      status: number;
      msg?: string;
      authorizerAppid?: string;
      name?: string;
      info?: Record<string, unknown>;
      registeredAt: Date;
    },
  ): Promise<void> {
    await executor.query(
      `INSERT IGNORE INTO fast_registrations
         (push_event_id, component_appid, status, msg, authorizer_appid, name, info, registered_at, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ${NOW})`,
      [
        row.pushEventId,
        row.componentAppid,
        row.status,
        row.msg?.slice(0, 255) ?? null,
        row.authorizerAppid ?? null,
        row.name?.slice(0, 255) ?? null,
        row.info ? JSON.stringify(row.info) : null,
        row.registeredAt,
      ],
    );
  }

  /** Appends to the authorizers' status history (one statement). */
  async addHistory(executor: Executor, entries: HistoryEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await executor.query(
      `INSERT INTO authorizer_history
         (component_appid, authorizer_appid, status, source, func_info, biz_ref, event_id, occurred_at, created_at)
       VALUES ${entries.map(() => `(?, ?, ?, ?, ?, ?, ?, ?, ${NOW})`).join(', ')}`,
      entries.flatMap((entry) => [
        entry.componentAppid,
        entry.authorizerAppid,
        entry.status,
        entry.source,
        entry.funcInfo ? JSON.stringify(entry.funcInfo) : null,
        entry.bizRef ?? null,
        entry.eventId ?? null,
        entry.occurredAt,
      ]),
    );
  }

  /** A profile read from WeChat: the profile columns only (status and permission sets belong to authorizations). */
  async storeProfile(
    componentAppid: string,
    authorizerAppid: string,
    profile: AuthorizerProfile,
  ): Promise<void> {
    await this.dataSource.query(
      `UPDATE authorizers SET ${PROFILE_COLUMNS.split(',')
        .map((column) => `${column.trim()} = ?`)
        .join(', ')}, profile_refreshed_at = ${NOW}, profile_error = NULL, profile_lease_until = NULL,
         updated_at = ${NOW}
       WHERE component_appid = ? AND authorizer_appid = ?`,
      [...profileValues(profile), componentAppid, authorizerAppid],
    );
  }

  /**
   * A profile read that WeChat refused: remembered for operators, and counted as an attempt so the
   * scheduler does not ask again before the next period.
   */
  async storeProfileError(componentAppid: string, authorizerAppid: string, error: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE authorizers SET profile_error = ?, profile_refreshed_at = ${NOW}, profile_lease_until = NULL
       WHERE component_appid = ? AND authorizer_appid = ?`,
      [error.slice(0, 255), componentAppid, authorizerAppid],
    );
  }

  /** Lets a claimed profile come due again at once (a transient failure). */
  async releaseProfileClaim(componentAppid: string, authorizerAppid: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE authorizers SET profile_lease_until = NULL WHERE component_appid = ? AND authorizer_appid = ?`,
      [componentAppid, authorizerAppid],
    );
  }

  /**
   * Claims up to `limit` authorized accounts whose profile is older than `maxAgeSeconds` (or was
   * never read): rows another replica is claiming are skipped (SKIP LOCKED) and a claimed row is
   * leased for `leaseSeconds`, so replicas share the work and a crashed one's claims come back.
   */
  async claimProfilesDue(
    limit: number,
    maxAgeSeconds: number,
    leaseSeconds: number,
  ): Promise<ProfileClaim[]> {
    return this.dataSource.transaction('READ COMMITTED', async (manager) => {
      const rows = (await manager.query(
        `SELECT component_appid, authorizer_appid FROM authorizers
         WHERE status = 'authorized'
           AND (profile_refreshed_at IS NULL OR profile_refreshed_at < ${NOW} - INTERVAL ? SECOND)
           AND (profile_lease_until IS NULL OR profile_lease_until < ${NOW})
         ORDER BY profile_refreshed_at LIMIT ? FOR UPDATE SKIP LOCKED`,
        [maxAgeSeconds, limit],
      )) as Pick<AuthorizerRow, 'component_appid' | 'authorizer_appid'>[];
      if (rows.length === 0) return [];
      await manager.query(
        `UPDATE authorizers SET profile_lease_until = ${NOW} + INTERVAL ? SECOND
         WHERE (component_appid, authorizer_appid) IN (?)`,
        [leaseSeconds, rows.map((row) => [row.component_appid, row.authorizer_appid])],
      );
      return rows.map((row) => ({
        componentAppid: row.component_appid,
        authorizerAppid: row.authorizer_appid,
      }));
    });
  }

  /**
   * The token service found the credentials dead (`token.authorizer.invalid`). Events may arrive out
   * of order: one older than the stored credential state changes nothing. True when stored.
   */
  async storeCredentialsInvalid(
    componentAppid: string,
    authorizerAppid: string,
    errcode: number | null,
    at: Date,
  ): Promise<boolean> {
    const outcome = (await this.dataSource.query(
      `UPDATE authorizers SET credential_status = 'invalid', credential_errcode = ?, credential_changed_at = ?,
         updated_at = ${NOW}
       WHERE component_appid = ? AND authorizer_appid = ?
         AND (credential_changed_at IS NULL OR credential_changed_at <= ?)`,
      [errcode, at, componentAppid, authorizerAppid, at],
    )) as { affectedRows: number };
    return outcome.affectedRows > 0;
  }

  /** Credentials working (handed over by a sync, new or revived). */
  async markCredentialsActive(
    componentAppid: string,
    authorizerAppids: string[],
    executor: Executor = this.dataSource,
  ): Promise<void> {
    if (authorizerAppids.length === 0) return;
    await executor.query(
      `UPDATE authorizers SET credential_status = 'active', credential_errcode = NULL,
         credential_changed_at = ${NOW}, updated_at = ${NOW}
       WHERE component_appid = ? AND authorizer_appid IN (?)`,
      [componentAppid, authorizerAppids],
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

  /** A page of authorizers matching the filter, newest authorization first; from our tables only. */
  async search(filter: AuthorizerFilter): Promise<{ total: number; items: AuthorizerSummary[] }> {
    const where = ['component_appid = ?'];
    const params: unknown[] = [filter.componentAppid];
    if (filter.authorizerType) {
      where.push('authorizer_type = ?');
      params.push(filter.authorizerType);
    }
    if (filter.status) {
      where.push('status = ?');
      params.push(filter.status);
    }
    if (filter.bizRef !== undefined) {
      where.push('biz_ref = ?');
      params.push(filter.bizRef);
    }
    if (filter.name) {
      const like = `%${filter.name.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      where.push('(nick_name LIKE ? OR user_name LIKE ? OR authorizer_appid LIKE ?)');
      params.push(like, like, like);
    }
    const clause = where.join(' AND ');
    const [count] = (await this.dataSource.query(
      `SELECT COUNT(*) AS n FROM authorizers WHERE ${clause}`,
      params,
    )) as { n: string | number }[];
    const rows = (await this.dataSource.query(
      `SELECT * FROM authorizers WHERE ${clause}
       ORDER BY COALESCE(authorized_at, created_at) DESC, authorizer_appid LIMIT ? OFFSET ?`,
      [...params, filter.limit, filter.offset],
    )) as AuthorizerRow[];
    return { total: Number(count?.n ?? 0), items: rows.map(summaryOf) };
  }

  /** One authorizer with its profile and its latest history entries. */
  async detail(componentAppid: string, authorizerAppid: string): Promise<AuthorizerDetail | undefined> {
    const [row] = (await this.dataSource.query(
      `SELECT * FROM authorizers WHERE component_appid = ? AND authorizer_appid = ?`,
      [componentAppid, authorizerAppid],
    )) as AuthorizerRow[];
    if (!row) return undefined;
    const history = (await this.dataSource.query(
      `SELECT status, source, func_info, biz_ref, event_id, occurred_at FROM authorizer_history
       WHERE component_appid = ? AND authorizer_appid = ? ORDER BY id DESC LIMIT 50`,
      [componentAppid, authorizerAppid],
    )) as HistoryRow[];
    return {
      ...summaryOf(row),
      alias: row.alias,
      signature: row.signature,
      qrcodeUrl: row.qrcode_url,
      serviceType: row.service_type,
      verifyType: row.verify_type,
      miniProgram: row.mini_program ? (JSON.parse(row.mini_program) as MiniProgramProfile) : null,
      credentialErrcode: row.credential_errcode,
      profileError: row.profile_error,
      history: history.map((entry) => ({
        status: entry.status,
        source: entry.source,
        funcInfo: entry.func_info ? (JSON.parse(entry.func_info) as number[]) : null,
        bizRef: entry.biz_ref,
        eventId: entry.event_id,
        occurredAt: entry.occurred_at.toISOString(),
      })),
    };
  }
}

function summaryOf(row: AuthorizerRow): AuthorizerSummary {
  return {
    componentAppid: row.component_appid,
    authorizerAppid: row.authorizer_appid,
    status: row.status,
    authorizerType: row.authorizer_type,
    nickName: row.nick_name,
    userName: row.user_name,
    headImg: row.head_img,
    principalName: row.principal_name,
    bizRef: row.biz_ref,
    funcInfo: JSON.parse(row.func_info) as number[],
    accountStatus: row.account_status,
    credentialStatus: row.credential_status,
    authorizedAt: iso(row.authorized_at),
    unauthorizedAt: iso(row.unauthorized_at),
    profileRefreshedAt: iso(row.profile_refreshed_at),
  };
}
