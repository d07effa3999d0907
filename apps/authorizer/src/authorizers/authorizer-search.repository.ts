import { Injectable } from '@nestjs/common';
import type { AuthorizerDetail, AuthorizerSummary, MiniProgramProfile } from '@wxop/contracts';
import { DataSource } from 'typeorm';

import { AuthorizerHistoryRepository } from './authorizer-history.repository';
import type { AuthorizerRow } from './authorizer-row.util';

/** How many history entries an authorizer's detail carries. */
const DETAIL_HISTORY_LIMIT = 50;

export interface AuthorizerFilter {
  componentAppid: string;
  authorizerType?: string;
  status?: string;
  bizRef?: string;
  name?: string;
  offset: number;
  limit: number;
}

const iso = (value: Date | null): string | null => (value ? value.toISOString() : null);

/** The operators' reads of `authorizers` (search and detail over RPC): our tables only, never WeChat. */
@Injectable()
export class AuthorizerSearchRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly history: AuthorizerHistoryRepository,
  ) {}

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
    const history = await this.history.latest(componentAppid, authorizerAppid, DETAIL_HISTORY_LIMIT);
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
      history,
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
