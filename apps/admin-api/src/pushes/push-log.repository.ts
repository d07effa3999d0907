import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** A push as the push log stores it (secrets already hashed). */
export interface PushRecord {
  eventId: string;
  type: string;
  componentAppid: string;
  authorizerAppid: string | null;
  occurredAt: Date;
  receivedAt: Date;
  replayOf: string | null;
  secretsHashed: boolean;
  fields: Record<string, unknown>;
  rawXml: string | null;
}

export interface StoredPush extends PushRecord {
  id: number;
}

export interface PushSearch {
  /** The envelope id: at most one push (the column is unique). */
  eventId?: string;
  componentAppid?: string;
  authorizerAppid?: string;
  /** Exact type, or a prefix when it ends with `*` (`wechat.message.*`). */
  type?: string;
  from?: Date;
  to?: Date;
  /** Substring of the push's field values (Chinese included). */
  text?: string;
  /** Keyset cursor: only pushes with a smaller id (older). */
  beforeId?: number;
  limit: number;
  /**
   * With `text`: examine at most this many pushes (by id, newest first, below the cursor) for this
   * page (ADR 0017). Omitted: no bound.
   */
  textScanRows?: number;
}

/** A page of a search: the rows (limit + 1 at most), and where a bounded text scan stopped. */
export interface PushSearchResult {
  rows: StoredPush[];
  /**
   * Set when a bounded text scan ended at this id before filling the page while older pushes
   * exist: the next page continues below it (`beforeId` = this).
   */
  scanStoppedAt?: number;
}

interface Row {
  id: string | number;
  event_id: string;
  type: string;
  component_appid: string;
  authorizer_appid: string | null;
  occurred_at: Date;
  received_at: Date;
  replay_of: string | null;
  secrets_hashed: number;
  fields: string;
  raw_xml?: string | null;
}

const TABLE = 'admin_push_log';
const LIST_COLUMNS =
  'id, event_id, type, component_appid, authorizer_appid, occurred_at, received_at, replay_of, secrets_hashed, fields';
const INSERT_COLUMNS =
  '(event_id, type, component_appid, authorizer_appid, occurred_at, received_at, replay_of, secrets_hashed, fields, raw_xml, search_text)';

/** The only file touching `admin_push_log`. */
@Injectable()
export class PushLogRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * One multi-row `INSERT IGNORE` (a push already stored under its envelope id is skipped, so a
   * redelivery is harmless). Returns how many rows were new.
   */
  async insertMany(records: PushRecord[]): Promise<number> {
    if (records.length === 0) return 0;
    const placeholders = records.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ');
    const values = records.flatMap((record) => [
      record.eventId,
      record.type,
      record.componentAppid,
      record.authorizerAppid,
      record.occurredAt,
      record.receivedAt,
      record.replayOf,
      record.secretsHashed ? 1 : 0,
      JSON.stringify(record.fields),
      record.rawXml,
      searchTextOf(record),
    ]);
    const outcome = (await this.dataSource.query(
      `INSERT IGNORE INTO ${TABLE} ${INSERT_COLUMNS} VALUES ${placeholders}`,
      values,
    )) as { affectedRows: number };
    return outcome.affectedRows;
  }

  /** Newest first; `limit + 1` rows are read so the caller knows whether a next page exists. */
  async search(query: PushSearch): Promise<PushSearchResult> {
    const where: string[] = [];
    const params: unknown[] = [];
    // By event id the unique index finds the one row: there is no scan for the window to bound.
    const window =
      query.text && query.textScanRows && !query.eventId ? await this.scanWindow(query) : undefined;
    if (window) {
      where.push('id >= ?');
      params.push(window.lowest);
    }
    if (query.eventId) {
      where.push('event_id = ?');
      params.push(query.eventId);
    }
    if (query.componentAppid) {
      where.push('component_appid = ?');
      params.push(query.componentAppid);
    }
    if (query.authorizerAppid) {
      where.push('authorizer_appid = ?');
      params.push(query.authorizerAppid);
    }
    if (query.type) {
      if (query.type.endsWith('*')) {
        where.push('type LIKE ?');
        params.push(`${escapeLike(query.type.slice(0, -1))}%`);
      } else {
        where.push('type = ?');
        params.push(query.type);
      }
    }
    if (query.from) {
      where.push('received_at >= ?');
      params.push(query.from);
    }
    if (query.to) {
      where.push('received_at < ?');
      params.push(query.to);
    }
    if (query.text) {
      // ADR 0017: a substring match; MariaDB has no ngram parser for Chinese FULLTEXT.
      where.push('search_text LIKE ?');
      params.push(`%${escapeLike(query.text.toLowerCase())}%`);
    }
    if (query.beforeId !== undefined) {
      where.push('id < ?');
      params.push(query.beforeId);
    }
    const rows = (await this.dataSource.query(
      `SELECT ${LIST_COLUMNS} FROM ${TABLE} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY id DESC LIMIT ?`,
      [...params, query.limit + 1],
    )) as Row[];
    const result: PushSearchResult = { rows: rows.map(toStored) };
    if (window && rows.length <= query.limit && window.lowest > 0 && (await this.anyBelow(window.lowest))) {
      result.scanStoppedAt = window.lowest;
    }
    return result;
  }

  /** The ids a bounded text scan covers: the `textScanRows` ids below the cursor (or the newest). */
  private async scanWindow(query: PushSearch): Promise<{ lowest: number }> {
    let upper = query.beforeId;
    if (upper === undefined) {
      const [row] = (await this.dataSource.query(`SELECT MAX(id) AS id FROM ${TABLE}`)) as {
        id: string | number | null;
      }[];
      upper = Number(row?.id ?? 0) + 1;
    }
    return { lowest: Math.max(0, upper - query.textScanRows!) };
  }

  private async anyBelow(id: number): Promise<boolean> {
    const rows = (await this.dataSource.query(`SELECT 1 FROM ${TABLE} WHERE id < ? LIMIT 1`, [
      id,
    ])) as unknown[];
    return rows.length > 0;
  }

  async findById(id: number): Promise<StoredPush | undefined> {
    const rows = (await this.dataSource.query(`SELECT ${LIST_COLUMNS}, raw_xml FROM ${TABLE} WHERE id = ?`, [
      id,
    ])) as Row[];
    return rows[0] ? toStored(rows[0]) : undefined;
  }

  /**
   * Deletes up to `batchSize` pushes received before `cutoff`, oldest first; returns how many.
   * Replicas may run it at once: each DELETE takes its own rows, and a row deleted twice is not.
   */
  async purgeBatch(cutoff: Date, batchSize: number): Promise<number> {
    const outcome = (await this.dataSource.query(
      `DELETE FROM ${TABLE} WHERE received_at < ? ORDER BY received_at LIMIT ?`,
      [cutoff, batchSize],
    )) as { affectedRows: number };
    return outcome.affectedRows;
  }

  /** Pushes per minute and type since `since` (minute as `YYYY-MM-DDTHH:MM:00.000Z`, UTC). */
  async countPerMinuteByType(since: Date): Promise<{ minute: string; type: string; count: number }[]> {
    const rows = (await this.dataSource.query(
      `SELECT DATE_FORMAT(received_at, '%Y-%m-%dT%H:%i:00.000Z') AS minute, type, COUNT(*) AS count
       FROM ${TABLE} WHERE received_at >= ? GROUP BY minute, type ORDER BY minute, type`,
      [since],
    )) as { minute: string; type: string; count: string | number }[];
    return rows.map((row) => ({ minute: row.minute, type: row.type, count: Number(row.count) }));
  }
}

/** Lower-cased field values, appids and type: what a text search matches. */
export function searchTextOf(
  record: Pick<PushRecord, 'type' | 'componentAppid' | 'authorizerAppid' | 'fields'>,
): string {
  const values: string[] = [record.type, record.componentAppid, record.authorizerAppid ?? ''];
  const visit = (value: unknown): void => {
    if (value === null || value === undefined) return;
    if (typeof value === 'object') Object.values(value).forEach(visit);
    else values.push(String(value));
  };
  visit(record.fields);
  return values.join(' ').toLowerCase().slice(0, 16_000);
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (character) => `\\${character}`);
}

function toStored(row: Row): StoredPush {
  return {
    id: Number(row.id),
    eventId: row.event_id,
    type: row.type,
    componentAppid: row.component_appid,
    authorizerAppid: row.authorizer_appid,
    occurredAt: row.occurred_at,
    receivedAt: row.received_at,
    replayOf: row.replay_of,
    secretsHashed: Number(row.secrets_hashed) === 1,
    fields: JSON.parse(row.fields) as Record<string, unknown>,
    rawXml: row.raw_xml ?? null,
  };
}
