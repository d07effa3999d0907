import { Injectable } from '@nestjs/common';
import type { AuthorizationLinkKind } from '@wxop/contracts';
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
