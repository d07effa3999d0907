import { Injectable } from '@nestjs/common';
import type { AuthorizationLinkKind, AuthorizationLinkState } from '@wxop/contracts';
import { DataSource } from 'typeorm';

/** One authorization link. */
export interface LinkRecord {
  id: string;
  componentAppid: string;
  kind: AuthorizationLinkKind;
  authType?: number;
  bizAppid?: string;
  categoryIdList?: number[];
  bizRef?: string;
  wechatUrl: string;
  expiresAt: Date;
  createdAt: Date;
  /** The database's clock when the row was read. */
  now: Date;
}

export interface NewLink {
  id: string;
  componentAppid: string;
  kind: AuthorizationLinkKind;
  authType?: number;
  bizAppid?: string;
  categoryIdList?: number[];
  bizRef?: string;
  preAuthCodeHash: string;
  wechatUrl: string;
  expiresAt: Date;
}

interface LinkRow {
  id: string;
  component_appid: string;
  kind: AuthorizationLinkKind;
  auth_type: number | null;
  biz_appid: string | null;
  category_id_list: string | null;
  biz_ref: string | null;
  wechat_url: string;
  expires_at: Date;
  created_at: Date;
  db_now: Date;
}

const NOW = 'UTC_TIMESTAMP(3)';
const COLUMNS = `id, component_appid, kind, auth_type, biz_appid, category_id_list, biz_ref, wechat_url,
  expires_at, created_at, ${NOW} AS db_now`;

export interface LinkFilter {
  componentAppid: string;
  bizRef?: string;
  state?: AuthorizationLinkState;
  offset: number;
  limit: number;
}

export interface ListedLink extends LinkRecord {
  state: AuthorizationLinkState;
  /** The account that authorized through it (the first grant recorded). */
  authorizerAppid?: string;
}

const USED = `EXISTS (SELECT 1 FROM authorization_grants g WHERE g.link_id = l.id)`;
const STATE_CONDITION: Record<AuthorizationLinkState, string> = {
  used: USED,
  expired: `NOT ${USED} AND l.expires_at <= ${NOW}`,
  open: `NOT ${USED} AND l.expires_at > ${NOW}`,
};

/** The only code touching `authorization_links`. */
@Injectable()
export class LinkRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(link: NewLink): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO authorization_links
         (id, component_appid, kind, auth_type, biz_appid, category_id_list, biz_ref, pre_auth_code_hash,
          wechat_url, expires_at, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ${NOW})`,
      [
        link.id,
        link.componentAppid,
        link.kind,
        link.authType ?? null,
        link.bizAppid ?? null,
        link.categoryIdList ? JSON.stringify(link.categoryIdList) : null,
        link.bizRef ?? null,
        link.preAuthCodeHash,
        link.wechatUrl,
        link.expiresAt,
      ],
    );
  }

  async find(id: string): Promise<LinkRecord | undefined> {
    const [row] = (await this.dataSource.query(`SELECT ${COLUMNS} FROM authorization_links WHERE id = ?`, [
      id,
    ])) as LinkRow[];
    return row ? toRecord(row) : undefined;
  }

  /** The link a pre-auth code was created for (the `PreAuthCode` of an `authorized` push). */
  async findByPreAuthCodeHash(componentAppid: string, hash: string): Promise<LinkRecord | undefined> {
    const [row] = (await this.dataSource.query(
      `SELECT ${COLUMNS} FROM authorization_links WHERE pre_auth_code_hash = ? AND component_appid = ?`,
      [hash, componentAppid],
    )) as LinkRow[];
    return row ? toRecord(row) : undefined;
  }

  /** A component's links, newest first, with their state (used, else expired or open by the database's clock). */
  async list(filter: LinkFilter): Promise<{ total: number; items: ListedLink[] }> {
    const conditions = ['l.component_appid = ?'];
    const parameters: unknown[] = [filter.componentAppid];
    if (filter.bizRef !== undefined) {
      conditions.push('l.biz_ref = ?');
      parameters.push(filter.bizRef);
    }
    if (filter.state) conditions.push(STATE_CONDITION[filter.state]);
    const where = conditions.join(' AND ');
    const [count] = (await this.dataSource.query(
      `SELECT COUNT(*) AS total FROM authorization_links l WHERE ${where}`,
      parameters,
    )) as { total: string | number }[];
    const rows = (await this.dataSource.query(
      `SELECT l.id, l.component_appid, l.kind, l.auth_type, l.biz_appid, l.category_id_list, l.biz_ref,
              l.wechat_url, l.expires_at, l.created_at, ${NOW} AS db_now,
              (SELECT g.authorizer_appid FROM authorization_grants g WHERE g.link_id = l.id
                ORDER BY g.created_at LIMIT 1) AS used_by
         FROM authorization_links l WHERE ${where}
        ORDER BY l.created_at DESC, l.id DESC LIMIT ? OFFSET ?`,
      [...parameters, filter.limit, filter.offset],
    )) as (LinkRow & { used_by: string | null })[];
    return { total: Number(count?.total ?? 0), items: rows.map(toListed) };
  }
}

function toListed(row: LinkRow & { used_by: string | null }): ListedLink {
  const record = toRecord(row);
  const state: AuthorizationLinkState =
    row.used_by !== null ? 'used' : record.expiresAt <= record.now ? 'expired' : 'open';
  return { ...record, state, ...(row.used_by !== null ? { authorizerAppid: row.used_by } : {}) };
}

function toRecord(row: LinkRow): LinkRecord {
  const record: LinkRecord = {
    id: row.id,
    componentAppid: row.component_appid,
    kind: row.kind,
    wechatUrl: row.wechat_url,
    expiresAt: row.expires_at,
    createdAt: row.created_at,
    now: row.db_now,
  };
  if (row.auth_type !== null) record.authType = row.auth_type;
  if (row.biz_appid !== null) record.bizAppid = row.biz_appid;
  if (row.category_id_list !== null) record.categoryIdList = JSON.parse(row.category_id_list) as number[];
  if (row.biz_ref !== null) record.bizRef = row.biz_ref;
  return record;
}
