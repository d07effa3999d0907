import { inTransaction } from '@wxop/database';
import { Injectable } from '@nestjs/common';
import { SecretBox } from '@wxop/secrets';
import { DataSource, type EntityManager } from 'typeorm';

/** A component app with its secrets decrypted (never logged, never returned over the token API). */
export interface ComponentRecord {
  componentAppid: string;
  secret: string;
  messageToken: string;
  encodingAESKey: string;
  ticket?: string;
  /** The ticket column as stored (sealed): a version stamp to change refusal only if the ticket is still this one. */
  sealedTicket?: string;
  ticketReceivedAt?: Date;
  /** WeChat refused this ticket (61005/61006) at ticketRefusedAt; the next ticket clears both. */
  ticketRefusedErrcode?: number;
  ticketRefusedAt?: Date;
  /** Consecutive failed refreshes other than a refused ticket, and the earliest next call. */
  refreshFailures: number;
  refreshRetryAt?: Date;
  /** The last failed refresh (message without secrets, errcode when WeChat answered one, when); cleared by a success. */
  lastError?: { message: string; errcode?: number; at?: Date };
  accessToken?: string;
  accessTokenExpiresAt?: Date;
  refreshDueAt?: Date;
  startPushRequestedAt?: Date;
  leaseOwner?: string;
  leaseUntil?: Date;
  /** The database's clock when the row was read (leases and due times are judged by it). */
  now: Date;
  createdAt: Date;
  updatedAt: Date;
}

export interface ComponentKeysInput {
  secret?: string;
  messageToken?: string;
  encodingAESKey?: string;
}

interface ComponentRow {
  component_appid: string;
  secret: string;
  message_token: string;
  encoding_aes_key: string;
  ticket: string | null;
  ticket_received_at: Date | null;
  ticket_refused_errcode: number | null;
  ticket_refused_at: Date | null;
  refresh_failures: number;
  refresh_retry_at: Date | null;
  last_error: string | null;
  last_error_errcode: number | null;
  last_error_at: Date | null;
  access_token: string | null;
  access_token_expires_at: Date | null;
  refresh_due_at: Date | null;
  start_push_requested_at: Date | null;
  lease_owner: string | null;
  lease_until: Date | null;
  db_now: Date;
  created_at: Date;
  updated_at: Date;
}

const NOW = 'UTC_TIMESTAMP(3)';

/** The only code touching `token_components`. Secrets are sealed per row and column (libs/secrets context). */
@Injectable()
export class ComponentRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly box: SecretBox,
  ) {}

  async find(componentAppid: string): Promise<ComponentRecord | undefined> {
    const [row] = (await this.dataSource.query(
      `SELECT *, ${NOW} AS db_now FROM token_components WHERE component_appid = ?`,
      [componentAppid],
    )) as ComponentRow[];
    return row ? this.toRecord(row) : undefined;
  }

  async findAll(): Promise<ComponentRecord[]> {
    const rows = (await this.dataSource.query(
      `SELECT *, ${NOW} AS db_now FROM token_components ORDER BY component_appid`,
    )) as ComponentRow[];
    return rows.map((row) => this.toRecord(row));
  }

  async listAppids(): Promise<string[]> {
    const rows = (await this.dataSource.query(
      'SELECT component_appid FROM token_components ORDER BY component_appid',
    )) as { component_appid: string }[];
    return rows.map((row) => row.component_appid);
  }

  /**
   * Creates the component or replaces its keys (inside the caller's transaction). Changed keys end
   * a refresh backoff: a wrong secret (40125) fixed by the operator is tried at once.
   */
  async upsertKeys(
    executor: Pick<EntityManager, 'query'>,
    componentAppid: string,
    keys: Required<ComponentKeysInput>,
  ): Promise<void> {
    await executor.query(
      `INSERT INTO token_components
         (component_appid, secret, message_token, encoding_aes_key, created_at, updated_at)
       VALUES (?, ?, ?, ?, ${NOW}, ${NOW})
       ON DUPLICATE KEY UPDATE secret = VALUES(secret), message_token = VALUES(message_token),
         encoding_aes_key = VALUES(encoding_aes_key), refresh_failures = 0, refresh_retry_at = NULL,
         updated_at = ${NOW}`,
      [
        componentAppid,
        this.seal(componentAppid, 'secret', keys.secret),
        this.seal(componentAppid, 'message_token', keys.messageToken),
        this.seal(componentAppid, 'encoding_aes_key', keys.encodingAESKey),
      ],
    );
  }

  /**
   * Keeps the newest ticket only: a late, older push (WeChat retries) does not replace a newer one.
   * A new ticket lifts a refusal and the backoff; the refused ticket pushed again (`sameTicket`)
   * stays refused.
   */
  async storeTicket(
    componentAppid: string,
    ticket: string,
    createTime: number,
    sameTicket = false,
  ): Promise<boolean> {
    const outcome = (await this.dataSource.query(
      `UPDATE token_components SET ticket = ?, ticket_create_time = ?, ticket_received_at = ${NOW},
         ticket_refused_errcode = IF(?, ticket_refused_errcode, NULL), ticket_refused_at = IF(?, ticket_refused_at, NULL),
         refresh_failures = 0, refresh_retry_at = NULL, updated_at = ${NOW}
       WHERE component_appid = ? AND (ticket_create_time IS NULL OR ticket_create_time <= ?)`,
      [
        this.seal(componentAppid, 'ticket', ticket),
        createTime,
        sameTicket,
        sameTicket,
        componentAppid,
        createTime,
      ],
    )) as { affectedRows: number };
    return outcome.affectedRows > 0;
  }

  /**
   * WeChat refused the ticket (61005/61006): never sent again. Only if the stored ticket is still
   * the one refused (a newer push meanwhile is left alone); releases the lease either way.
   */
  async markTicketRefused(
    componentAppid: string,
    owner: string,
    sealedTicket: string,
    errcode: number,
    error: string,
  ): Promise<boolean> {
    const outcome = (await this.dataSource.query(
      `UPDATE token_components SET ticket_refused_errcode = ?, ticket_refused_at = ${NOW}
       WHERE component_appid = ? AND ticket = ?`,
      [errcode, componentAppid, sealedTicket],
    )) as { affectedRows: number };
    await this.releaseLease(componentAppid, owner, error, errcode);
    return outcome.affectedRows > 0;
  }

  /** A failed refresh (not the ticket's fault): no call before `retryInSeconds`; releases the lease. */
  async recordRefreshFailure(
    componentAppid: string,
    owner: string,
    error: string,
    retryInSeconds: number,
    errcode?: number,
  ): Promise<void> {
    await this.dataSource.query(
      `UPDATE token_components SET refresh_failures = refresh_failures + 1,
         refresh_retry_at = ${NOW} + INTERVAL ? SECOND, last_error = ?, last_error_errcode = ?,
         last_error_at = ${NOW}, lease_owner = NULL, lease_until = NULL
       WHERE component_appid = ? AND lease_owner = ?`,
      [retryInSeconds, error.slice(0, 255), errcode ?? null, componentAppid, owner],
    );
  }

  /**
   * Takes the component's refresh lease unless another replica holds a live one.
   * Returns the previous holder when an expired lease was taken over, '' when it was free, undefined when refused.
   */
  async tryLease(componentAppid: string, owner: string, seconds: number): Promise<string | undefined> {
    return inTransaction(this.dataSource, async (manager) => {
      const [row] = (await manager.query(
        `SELECT lease_owner, lease_until < ${NOW} AS expired FROM token_components WHERE component_appid = ? FOR UPDATE`,
        [componentAppid],
      )) as { lease_owner: string | null; expired: number | null }[];
      if (!row) return undefined;
      if (row.lease_owner && row.lease_owner !== owner && !row.expired) return undefined;
      await manager.query(
        `UPDATE token_components SET lease_owner = ?, lease_until = ${NOW} + INTERVAL ? SECOND WHERE component_appid = ?`,
        [owner, seconds, componentAppid],
      );
      return row.lease_owner && row.lease_owner !== owner ? row.lease_owner : '';
    });
  }

  /** Stores a new token under the lease (fenced: a replica whose lease was taken over stores nothing). */
  async storeAccessToken(
    componentAppid: string,
    owner: string,
    token: { accessToken: string; expiresIn: number; refreshInSeconds: number },
  ): Promise<boolean> {
    const outcome = (await this.dataSource.query(
      `UPDATE token_components SET access_token = ?, access_token_expires_at = ${NOW} + INTERVAL ? SECOND,
         refresh_due_at = ${NOW} + INTERVAL ? SECOND, last_error = NULL, last_error_errcode = NULL,
         last_error_at = NULL, lease_owner = NULL, lease_until = NULL,
         refresh_failures = 0, refresh_retry_at = NULL, updated_at = ${NOW}
       WHERE component_appid = ? AND lease_owner = ?`,
      [
        this.seal(componentAppid, 'access_token', token.accessToken),
        token.expiresIn,
        token.refreshInSeconds,
        componentAppid,
        owner,
      ],
    )) as { affectedRows: number };
    return outcome.affectedRows > 0;
  }

  async releaseLease(componentAppid: string, owner: string, error?: string, errcode?: number): Promise<void> {
    const failed = error !== undefined;
    await this.dataSource.query(
      `UPDATE token_components SET lease_owner = NULL, lease_until = NULL,
         last_error = IF(?, ?, last_error), last_error_errcode = IF(?, ?, last_error_errcode),
         last_error_at = IF(?, ${NOW}, last_error_at)
       WHERE component_appid = ? AND lease_owner = ?`,
      [failed, error?.slice(0, 255) ?? null, failed, errcode ?? null, failed, componentAppid, owner],
    );
  }

  /** Compare-and-set: forgets the token only if it is still the one that failed; true when it did. */
  async dropAccessTokenIf(componentAppid: string, failedToken: string): Promise<boolean> {
    return inTransaction(this.dataSource, async (manager) => {
      const [row] = (await manager.query(
        'SELECT access_token FROM token_components WHERE component_appid = ? FOR UPDATE',
        [componentAppid],
      )) as { access_token: string | null }[];
      if (!row?.access_token || this.open(componentAppid, 'access_token', row.access_token) !== failedToken) {
        return false;
      }
      await manager.query(
        `UPDATE token_components SET access_token = NULL, access_token_expires_at = NULL, refresh_due_at = ${NOW}
         WHERE component_appid = ?`,
        [componentAppid],
      );
      return true;
    });
  }

  /** Rate limit shared by every replica: true at most once per `minIntervalSeconds`. */
  async claimStartPush(componentAppid: string, minIntervalSeconds: number): Promise<boolean> {
    const outcome = (await this.dataSource.query(
      `UPDATE token_components SET start_push_requested_at = ${NOW}
       WHERE component_appid = ?
         AND (start_push_requested_at IS NULL OR start_push_requested_at < ${NOW} - INTERVAL ? SECOND)`,
      [componentAppid, minIntervalSeconds],
    )) as { affectedRows: number };
    return outcome.affectedRows > 0;
  }

  private seal(componentAppid: string, column: string, value: string): string {
    return this.box.encrypt(value, `token_components:${componentAppid}:${column}`);
  }

  private open(componentAppid: string, column: string, value: string): string {
    return this.box.decrypt(value, `token_components:${componentAppid}:${column}`);
  }

  private toRecord(row: ComponentRow): ComponentRecord {
    const appid = row.component_appid;
    return {
      componentAppid: appid,
      secret: this.open(appid, 'secret', row.secret),
      messageToken: this.open(appid, 'message_token', row.message_token),
      encodingAESKey: this.open(appid, 'encoding_aes_key', row.encoding_aes_key),
      ticket: row.ticket ? this.open(appid, 'ticket', row.ticket) : undefined,
      sealedTicket: row.ticket ?? undefined,
      ticketReceivedAt: row.ticket_received_at ?? undefined,
      ticketRefusedErrcode: row.ticket_refused_errcode ?? undefined,
      ticketRefusedAt: row.ticket_refused_at ?? undefined,
      refreshFailures: Number(row.refresh_failures),
      refreshRetryAt: row.refresh_retry_at ?? undefined,
      lastError: row.last_error
        ? {
            message: row.last_error,
            errcode: row.last_error_errcode ?? undefined,
            at: row.last_error_at ?? undefined,
          }
        : undefined,
      accessToken: row.access_token ? this.open(appid, 'access_token', row.access_token) : undefined,
      accessTokenExpiresAt: row.access_token_expires_at ?? undefined,
      refreshDueAt: row.refresh_due_at ?? undefined,
      startPushRequestedAt: row.start_push_requested_at ?? undefined,
      leaseOwner: row.lease_owner ?? undefined,
      leaseUntil: row.lease_until ?? undefined,
      now: row.db_now,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
  }
}
