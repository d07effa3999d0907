import { inTransaction } from '@wxop/database';
import { Injectable } from '@nestjs/common';
import type { AuthorizerCredentialStatus } from '@wxop/contracts';
import { SecretBox } from '@wxop/secrets';
import { DataSource, type EntityManager } from 'typeorm';

/** An authorizer's credentials, decrypted. */
export interface AuthorizerRecord {
  componentAppid: string;
  authorizerAppid: string;
  status: AuthorizerCredentialStatus;
  funcInfo: number[];
  refreshToken?: string;
  accessToken?: string;
  accessTokenExpiresAt?: Date;
  refreshDueAt?: Date;
  invalidErrcode?: number;
  lastRefreshedAt?: Date;
  failures: number;
  leaseOwner?: string;
  leaseUntil?: Date;
  statusChangedAt: Date;
  /** The database's clock when the row was read. */
  now: Date;
}

/** A due authorizer claimed by one replica for one refresh. */
export interface ClaimedAuthorizer {
  componentAppid: string;
  authorizerAppid: string;
  refreshToken: string;
  /** The replica whose expired lease this claim replaced, if any (a takeover). */
  previousOwner?: string;
}

export interface IssuedCredentials {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  /** Seconds from now when the next refresh is due. */
  refreshInSeconds: number;
}

/** One refresh's result, to be stored under the lease of the replica that made it. */
export interface CompletedRefresh {
  componentAppid: string;
  authorizerAppid: string;
  credentials: IssuedCredentials;
}

interface AuthorizerRow {
  component_appid: string;
  authorizer_appid: string;
  status: AuthorizerCredentialStatus;
  func_info: string;
  refresh_token: string | null;
  access_token: string | null;
  access_token_expires_at: Date | null;
  refresh_due_at: Date | null;
  invalid_errcode: number | null;
  last_refreshed_at: Date | null;
  failures: number;
  lease_owner: string | null;
  lease_until: Date | null;
  status_changed_at: Date;
  db_now: Date;
}

const NOW = 'UTC_TIMESTAMP(3)';
type Executor = Pick<EntityManager, 'query'>;

/** The only code touching `token_authorizers`. Tokens are sealed per authorizer and column. */
@Injectable()
export class AuthorizerRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly box: SecretBox,
  ) {}

  async find(componentAppid: string, authorizerAppid: string): Promise<AuthorizerRecord | undefined> {
    const [row] = (await this.dataSource.query(
      `SELECT *, ${NOW} AS db_now FROM token_authorizers WHERE component_appid = ? AND authorizer_appid = ?`,
      [componentAppid, authorizerAppid],
    )) as AuthorizerRow[];
    return row ? this.toRecord(row) : undefined;
  }

  /**
   * Stores credentials fresh from WeChat (auth code exchange): active again whatever it was,
   * any lease dropped.
   */
  async storeExchanged(
    executor: Executor,
    componentAppid: string,
    authorizerAppid: string,
    funcInfo: number[],
    credentials: IssuedCredentials,
  ): Promise<void> {
    await executor.query(
      `INSERT INTO token_authorizers
         (component_appid, authorizer_appid, status, func_info, refresh_token, access_token,
          access_token_expires_at, refresh_due_at, last_refreshed_at, status_changed_at, created_at, updated_at)
       VALUES (?, ?, 'active', ?, ?, ?, ${NOW} + INTERVAL ? SECOND, ${NOW} + INTERVAL ? SECOND, ${NOW}, ${NOW}, ${NOW}, ${NOW})
       ON DUPLICATE KEY UPDATE
         status_changed_at = IF(status = 'active', status_changed_at, ${NOW}),
         status = 'active', func_info = VALUES(func_info), refresh_token = VALUES(refresh_token),
         access_token = VALUES(access_token), access_token_expires_at = VALUES(access_token_expires_at),
         refresh_due_at = VALUES(refresh_due_at), last_refreshed_at = ${NOW}, invalid_errcode = NULL,
         failures = 0, last_error = NULL, lease_owner = NULL, lease_until = NULL, updated_at = ${NOW}`,
      [
        componentAppid,
        authorizerAppid,
        JSON.stringify(funcInfo),
        this.seal(componentAppid, authorizerAppid, 'refresh_token', credentials.refreshToken),
        this.seal(componentAppid, authorizerAppid, 'access_token', credentials.accessToken),
        credentials.expiresIn,
        credentials.refreshInSeconds,
      ],
    );
  }

  /**
   * Refresh tokens found by a full sync (one, or a page), in few statements: one locking read of the
   * rows that exist, one insert of all new ones (their first refresh due within
   * `firstRefreshInSeconds()`; a reader before then gets a token on demand), an update per existing
   * row that changes (see `importOver`). Appids must be distinct.
   */
  async importRefreshTokens(
    executor: Executor,
    componentAppid: string,
    entries: { authorizerAppid: string; refreshToken: string; funcInfo?: number[]; authTime?: number }[],
    firstRefreshInSeconds: () => number,
  ): Promise<
    {
      authorizerAppid: string;
      result: 'created' | 'reactivated' | 'updated' | 'unchanged';
      funcInfo: number[];
    }[]
  > {
    const rows = (await executor.query(
      `SELECT authorizer_appid, status, refresh_token, func_info, status_changed_at FROM token_authorizers
       WHERE component_appid = ? AND authorizer_appid IN (?) FOR UPDATE`,
      [componentAppid, entries.map((entry) => entry.authorizerAppid)],
    )) as Pick<
      AuthorizerRow,
      'authorizer_appid' | 'status' | 'refresh_token' | 'func_info' | 'status_changed_at'
    >[];
    const existing = new Map(rows.map((row) => [row.authorizer_appid, row]));
    const inserts: unknown[][] = [];
    const outcomes: Awaited<ReturnType<AuthorizerRepository['importRefreshTokens']>> = [];
    for (const entry of entries) {
      const row = existing.get(entry.authorizerAppid);
      if (!row) {
        inserts.push([
          componentAppid,
          entry.authorizerAppid,
          JSON.stringify(entry.funcInfo ?? []),
          this.seal(componentAppid, entry.authorizerAppid, 'refresh_token', entry.refreshToken),
          firstRefreshInSeconds(),
        ]);
        outcomes.push({
          authorizerAppid: entry.authorizerAppid,
          result: 'created',
          funcInfo: entry.funcInfo ?? [],
        });
        continue;
      }
      const outcome = await this.importOver(
        executor,
        componentAppid,
        entry.authorizerAppid,
        row,
        entry.refreshToken,
        entry.funcInfo,
        firstRefreshInSeconds(),
        entry.authTime,
      );
      outcomes.push({ authorizerAppid: entry.authorizerAppid, ...outcome });
    }
    if (inserts.length > 0) {
      await executor.query(
        `INSERT INTO token_authorizers
           (component_appid, authorizer_appid, status, func_info, refresh_token, refresh_due_at,
            status_changed_at, created_at, updated_at)
         VALUES ${inserts.map(() => `(?, ?, 'active', ?, ?, ${NOW} + INTERVAL ? SECOND, ${NOW}, ${NOW}, ${NOW})`).join(', ')}`,
        inserts.flat(),
      );
    }
    return outcomes;
  }

  /**
   * An imported refresh token over an existing (locked) row:
   * - active: ours is kept. Only this service rotates an active authorizer's refresh token, so ours
   *   is never older than a listed one, and a list read before our last refresh would otherwise
   *   put back a token WeChat retires after its grace period.
   * - revoked (an `unauthorized` push): revived only by an authorization newer than the revocation
   *   (`authTime`, when the caller knows it), so a list read just before the push cannot bring a
   *   dead account back.
   * - invalid (61023): revived; the listed token may work where ours did not.
   */
  private async importOver(
    executor: Executor,
    componentAppid: string,
    authorizerAppid: string,
    row: Pick<AuthorizerRow, 'status' | 'refresh_token' | 'func_info' | 'status_changed_at'>,
    refreshToken: string,
    funcInfo: number[] | undefined,
    firstRefreshInSeconds: number,
    authTime?: number,
  ): Promise<{ result: 'reactivated' | 'unchanged'; funcInfo: number[] }> {
    const storedFuncInfo = funcInfo ?? (JSON.parse(row.func_info) as number[]);
    if (row.status === 'active')
      return { result: 'unchanged', funcInfo: JSON.parse(row.func_info) as number[] };
    if (
      row.status === 'revoked' &&
      authTime !== undefined &&
      authTime * 1000 <= row.status_changed_at.getTime()
    ) {
      return { result: 'unchanged', funcInfo: JSON.parse(row.func_info) as number[] };
    }
    await executor.query(
      `UPDATE token_authorizers SET refresh_token = ?, func_info = COALESCE(?, func_info),
         status_changed_at = ${NOW}, refresh_due_at = ${NOW} + INTERVAL ? SECOND,
         status = 'active', invalid_errcode = NULL, failures = 0, updated_at = ${NOW}
       WHERE component_appid = ? AND authorizer_appid = ?`,
      [
        this.seal(componentAppid, authorizerAppid, 'refresh_token', refreshToken),
        funcInfo ? JSON.stringify(funcInfo) : null,
        firstRefreshInSeconds,
        componentAppid,
        authorizerAppid,
      ],
    );
    return { result: 'reactivated', funcInfo: storedFuncInfo };
  }

  /**
   * Claims up to `limit` due authorizers for this replica: rows another replica is claiming right
   * now are skipped (SKIP LOCKED), rows under a live lease are not due for us, and an expired
   * lease (a crashed replica) is taken over. Two statements in one short transaction.
   */
  async claimDue(owner: string, limit: number, leaseSeconds: number): Promise<ClaimedAuthorizer[]> {
    return inTransaction(this.dataSource, async (manager) => {
      const rows = (await manager.query(
        `SELECT component_appid, authorizer_appid, refresh_token, lease_owner FROM token_authorizers
         WHERE status = 'active' AND refresh_due_at <= ${NOW} AND (lease_until IS NULL OR lease_until < ${NOW})
         ORDER BY refresh_due_at LIMIT ? FOR UPDATE SKIP LOCKED`,
        [limit],
      )) as Pick<AuthorizerRow, 'component_appid' | 'authorizer_appid' | 'refresh_token' | 'lease_owner'>[];
      if (rows.length === 0) return [];
      await manager.query(
        `UPDATE token_authorizers SET lease_owner = ?, lease_until = ${NOW} + INTERVAL ? SECOND
         WHERE (component_appid, authorizer_appid) IN (?)`,
        [owner, leaseSeconds, rows.map((row) => [row.component_appid, row.authorizer_appid])],
      );
      return rows
        .filter((row) => row.refresh_token)
        .map((row) => ({
          componentAppid: row.component_appid,
          authorizerAppid: row.authorizer_appid,
          refreshToken: this.open(
            row.component_appid,
            row.authorizer_appid,
            'refresh_token',
            row.refresh_token!,
          ),
          previousOwner: row.lease_owner && row.lease_owner !== owner ? row.lease_owner : undefined,
        }));
    });
  }

  /**
   * Takes one authorizer's lease for a forced refresh; false while anyone holds a live one, this
   * replica's scheduler included (two calls with one refresh token would throw a rotated one away).
   */
  async tryLease(
    componentAppid: string,
    authorizerAppid: string,
    owner: string,
    seconds: number,
  ): Promise<boolean> {
    const outcome = (await this.dataSource.query(
      `UPDATE token_authorizers SET lease_owner = ?, lease_until = ${NOW} + INTERVAL ? SECOND
       WHERE component_appid = ? AND authorizer_appid = ? AND status = 'active'
         AND (lease_until IS NULL OR lease_until < ${NOW})`,
      [owner, seconds, componentAppid, authorizerAppid],
    )) as { affectedRows: number };
    return outcome.affectedRows > 0;
  }

  /** Stores a refresh's result under the lease (fenced); always keeps the refresh token WeChat returned. */
  async completeRefresh(
    componentAppid: string,
    authorizerAppid: string,
    owner: string,
    credentials: IssuedCredentials,
  ): Promise<boolean> {
    const outcome = (await this.dataSource.query(
      `UPDATE token_authorizers SET access_token = ?, refresh_token = ?,
         access_token_expires_at = ${NOW} + INTERVAL ? SECOND, refresh_due_at = ${NOW} + INTERVAL ? SECOND,
         last_refreshed_at = ${NOW}, failures = 0, last_error = NULL, lease_owner = NULL, lease_until = NULL,
         updated_at = ${NOW}
       WHERE component_appid = ? AND authorizer_appid = ? AND lease_owner = ? AND status = 'active'`,
      [
        this.seal(componentAppid, authorizerAppid, 'access_token', credentials.accessToken),
        this.seal(componentAppid, authorizerAppid, 'refresh_token', credentials.refreshToken),
        credentials.expiresIn,
        credentials.refreshInSeconds,
        componentAppid,
        authorizerAppid,
        owner,
      ],
    )) as { affectedRows: number };
    return outcome.affectedRows > 0;
  }

  /**
   * `completeRefresh` for many authorizers in one statement (a group commit of the refreshes that
   * finished together), each row fenced by `owner`'s lease as there. Answers, per entry in order,
   * whether it was stored.
   */
  async completeRefreshes(owner: string, completed: CompletedRefresh[]): Promise<boolean[]> {
    const distinct = new Set(completed.map((entry) => `${entry.componentAppid}|${entry.authorizerAppid}`));
    if (completed.length === 1 || distinct.size < completed.length) {
      // One row, or one authorizer twice (a lease that lapsed and was claimed again): one by one.
      const results: boolean[] = [];
      for (const entry of completed) {
        results.push(
          await this.completeRefresh(entry.componentAppid, entry.authorizerAppid, owner, entry.credentials),
        );
      }
      return results;
    }
    const sealed = completed.map(({ componentAppid, authorizerAppid, credentials }) => ({
      componentAppid,
      authorizerAppid,
      accessToken: this.seal(componentAppid, authorizerAppid, 'access_token', credentials.accessToken),
      refreshToken: this.seal(componentAppid, authorizerAppid, 'refresh_token', credentials.refreshToken),
      expiresIn: credentials.expiresIn,
      refreshInSeconds: credentials.refreshInSeconds,
    }));
    // The new values as a derived table joined on the primary key: one lookup per row, one commit.
    const values = sealed
      .map((_, i) =>
        i === 0
          ? 'SELECT ? AS c, ? AS a, ? AS access_token, ? AS refresh_token, ? AS expires_in, ? AS refresh_in'
          : 'SELECT ?, ?, ?, ?, ?, ?',
      )
      .join(' UNION ALL ');
    const outcome = (await this.dataSource.query(
      `UPDATE token_authorizers t JOIN (${values}) v ON t.component_appid = v.c AND t.authorizer_appid = v.a
       SET t.access_token = v.access_token, t.refresh_token = v.refresh_token,
         t.access_token_expires_at = ${NOW} + INTERVAL v.expires_in SECOND,
         t.refresh_due_at = ${NOW} + INTERVAL v.refresh_in SECOND,
         t.last_refreshed_at = ${NOW}, t.failures = 0, t.last_error = NULL, t.lease_owner = NULL,
         t.lease_until = NULL, t.updated_at = ${NOW}
       WHERE t.lease_owner = ? AND t.status = 'active'`,
      [
        ...sealed.flatMap((row) => [
          row.componentAppid,
          row.authorizerAppid,
          row.accessToken,
          row.refreshToken,
          row.expiresIn,
          row.refreshInSeconds,
        ]),
        owner,
      ],
    )) as { affectedRows: number };
    if (outcome.affectedRows === completed.length) return completed.map(() => true);
    // Some lease was lost meanwhile. A row is ours exactly when it holds the access token sealed
    // just now (a fresh random IV makes each ciphertext unique).
    const rows = (await this.dataSource.query(
      `SELECT component_appid, authorizer_appid, access_token FROM token_authorizers
       WHERE (component_appid, authorizer_appid) IN (?)`,
      [sealed.map((row) => [row.componentAppid, row.authorizerAppid])],
    )) as Pick<AuthorizerRow, 'component_appid' | 'authorizer_appid' | 'access_token'>[];
    const current = new Map(
      rows.map((row) => [`${row.component_appid}|${row.authorizer_appid}`, row.access_token]),
    );
    return sealed.map(
      (row) => current.get(`${row.componentAppid}|${row.authorizerAppid}`) === row.accessToken,
    );
  }

  /** Authorizers per component and credential status (one component, or all when omitted). */
  async countByStatus(
    componentAppid?: string,
  ): Promise<Map<string, Record<AuthorizerCredentialStatus, number>>> {
    const rows = (await this.dataSource.query(
      `SELECT component_appid, status, COUNT(*) AS n FROM token_authorizers
       ${componentAppid === undefined ? '' : 'WHERE component_appid = ?'}
       GROUP BY component_appid, status`,
      componentAppid === undefined ? [] : [componentAppid],
    )) as { component_appid: string; status: AuthorizerCredentialStatus; n: number | string }[];
    const counts = new Map<string, Record<AuthorizerCredentialStatus, number>>();
    for (const row of rows) {
      const byState = counts.get(row.component_appid) ?? { active: 0, invalid: 0, revoked: 0 };
      byState[row.status] = Number(row.n);
      counts.set(row.component_appid, byState);
    }
    return counts;
  }

  async releaseLease(componentAppid: string, authorizerAppid: string, owner: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE token_authorizers SET lease_owner = NULL, lease_until = NULL
       WHERE component_appid = ? AND authorizer_appid = ? AND lease_owner = ?`,
      [componentAppid, authorizerAppid, owner],
    );
  }

  /** A failed refresh: released, due again after `retryInSeconds`, the current token kept while it lives. */
  async failRefresh(
    componentAppid: string,
    authorizerAppid: string,
    owner: string,
    error: string,
    retryInSeconds: number,
  ): Promise<void> {
    await this.dataSource.query(
      `UPDATE token_authorizers SET failures = failures + 1, last_error = ?,
         refresh_due_at = ${NOW} + INTERVAL ? SECOND, lease_owner = NULL, lease_until = NULL, updated_at = ${NOW}
       WHERE component_appid = ? AND authorizer_appid = ? AND lease_owner = ?`,
      [error.slice(0, 255), retryInSeconds, componentAppid, authorizerAppid, owner],
    );
  }

  /**
   * Ends an active authorizer's credentials: `invalid` (WeChat refused the refresh token) or
   * `revoked` (unauthorized). Tokens are erased. True only for the call that changed the status,
   * so the event it announces is recorded once.
   */
  async deactivate(
    executor: Executor,
    componentAppid: string,
    authorizerAppid: string,
    status: 'invalid' | 'revoked',
    errcode?: number,
  ): Promise<boolean> {
    const outcome = (await executor.query(
      `UPDATE token_authorizers SET status = ?, invalid_errcode = ?, access_token = NULL, refresh_token = NULL,
         access_token_expires_at = NULL, refresh_due_at = NULL, lease_owner = NULL, lease_until = NULL,
         status_changed_at = ${NOW}, updated_at = ${NOW}
       WHERE component_appid = ? AND authorizer_appid = ? AND status = 'active'`,
      [status, errcode ?? null, componentAppid, authorizerAppid],
    )) as { affectedRows: number };
    return outcome.affectedRows > 0;
  }

  /** Marks a revoked authorizer that was never known (unauthorized before we held anything): kept for history. */
  async recordRevokedUnknown(
    executor: Executor,
    componentAppid: string,
    authorizerAppid: string,
  ): Promise<void> {
    await executor.query(
      `INSERT IGNORE INTO token_authorizers
         (component_appid, authorizer_appid, status, status_changed_at, created_at, updated_at)
       VALUES (?, ?, 'revoked', ${NOW}, ${NOW}, ${NOW})`,
      [componentAppid, authorizerAppid],
    );
  }

  /** Smallest remaining lifetime of an active token, and counts by status, for metrics. */
  async stats(): Promise<{ minRemainingSeconds?: number; byStatus: Record<string, number> }> {
    const rows = (await this.dataSource.query(
      `SELECT status, COUNT(*) AS n,
              MIN(TIMESTAMPDIFF(MICROSECOND, ${NOW}, access_token_expires_at)) AS min_remaining
       FROM token_authorizers GROUP BY status`,
    )) as { status: string; n: string | number; min_remaining: string | number | null }[];
    const byStatus: Record<string, number> = {};
    let minRemainingSeconds: number | undefined;
    for (const row of rows) {
      byStatus[row.status] = Number(row.n);
      if (row.status === 'active' && row.min_remaining !== null)
        minRemainingSeconds = Number(row.min_remaining) / 1e6;
    }
    return { minRemainingSeconds, byStatus };
  }

  private seal(componentAppid: string, authorizerAppid: string, column: string, value: string): string {
    return this.box.encrypt(value, `token_authorizers:${componentAppid}:${authorizerAppid}:${column}`);
  }

  private open(componentAppid: string, authorizerAppid: string, column: string, value: string): string {
    return this.box.decrypt(value, `token_authorizers:${componentAppid}:${authorizerAppid}:${column}`);
  }

  private toRecord(row: AuthorizerRow): AuthorizerRecord {
    const { component_appid: c, authorizer_appid: a } = row;
    return {
      componentAppid: c,
      authorizerAppid: a,
      status: row.status,
      funcInfo: JSON.parse(row.func_info) as number[],
      refreshToken: row.refresh_token ? this.open(c, a, 'refresh_token', row.refresh_token) : undefined,
      accessToken: row.access_token ? this.open(c, a, 'access_token', row.access_token) : undefined,
      accessTokenExpiresAt: row.access_token_expires_at ?? undefined,
      refreshDueAt: row.refresh_due_at ?? undefined,
      invalidErrcode: row.invalid_errcode ?? undefined,
      lastRefreshedAt: row.last_refreshed_at ?? undefined,
      failures: row.failures,
      leaseOwner: row.lease_owner ?? undefined,
      leaseUntil: row.lease_until ?? undefined,
      statusChangedAt: row.status_changed_at,
      now: row.db_now,
    };
  }
}
