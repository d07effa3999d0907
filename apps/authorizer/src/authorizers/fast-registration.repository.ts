import { Injectable } from '@nestjs/common';

import { NOW, type Executor } from './authorizer-row.util';

export interface FastRegistrationRow {
  pushEventId: string;
  componentAppid: string;
  status: number;
  msg?: string;
  authorizerAppid?: string;
  name?: string;
  info?: Record<string, unknown>;
  registeredAt: Date;
}

/** The only code touching `fast_registrations`. */
@Injectable()
export class FastRegistrationRepository {
  /** A fast registration's result, once per push. */
  async insertFastRegistration(executor: Executor, row: FastRegistrationRow): Promise<void> {
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
}
