import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

import { NOW, PROFILE_COLUMNS, profileValues, type AuthorizerRow } from './authorizer-row.util';
import type { AuthorizerProfile } from './profile.util';

/** An authorizer whose profile is due, claimed by this replica for a while. */
export interface ProfileClaim {
  componentAppid: string;
  authorizerAppid: string;
}

/**
 * The profile columns of `authorizers` (nickname, type, principal…) and their refresh schedule
 * (`profile_refreshed_at`, `profile_error`, `profile_lease_until`). Status and permission sets
 * belong to AuthorizationRepository.
 */
@Injectable()
export class AuthorizerProfileRepository {
  constructor(private readonly dataSource: DataSource) {}

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
}
