import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

import { NOW, type Executor } from './authorizer-row.util';

/**
 * The credential state columns of `authorizers` (`credential_*`): what the token service last
 * told us about an account's credentials.
 */
@Injectable()
export class AuthorizerCredentialRepository {
  constructor(private readonly dataSource: DataSource) {}

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
}
