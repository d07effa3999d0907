import type { AuthorizationSource, AuthorizerStatus } from '@wxop/contracts';
import type { EntityManager } from 'typeorm';

import type { AuthorizerProfile } from './profile.util';

/** The database clock, in the precision of every timestamp column of this service. */
export const NOW = 'UTC_TIMESTAMP(3)';

/** A data source or the manager of a running transaction. */
export type Executor = Pick<EntityManager, 'query'>;

/** A row of `authorizers`, shared by the repositories that each own some of its columns. */
export interface AuthorizerRow {
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

/** The profile columns, in the order of `profileValues`. */
export const PROFILE_COLUMNS = `authorizer_type, nick_name, user_name, head_img, alias, principal_name, signature,
  qrcode_url, service_type, verify_type, account_status, mini_program`;

/** `column = VALUES(column)` for every profile column (ON DUPLICATE KEY UPDATE). */
export const PROFILE_UPDATE = PROFILE_COLUMNS.split(',')
  .map((column) => `${column.trim()} = VALUES(${column.trim()})`)
  .join(', ');

export function profileValues(profile: AuthorizerProfile): unknown[] {
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
