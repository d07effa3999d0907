import { Injectable } from '@nestjs/common';
import { CAMPAIGN_TARGET_CRITERIA, CodeReleaseRpcPatterns, type AuditQuotaReply } from '@wxop/contracts';

import { AuthorizersService } from '../authorizers/authorizers.service';
import { CodeReleaseClient } from '../releases/code-release.client';
import { ReleasesError } from '../releases/releases.errors';

/** How long one component's answer is kept: the dashboard refreshes often, the quota changes slowly. */
export const QUOTA_CACHE_MS = 60_000;

/** Why a component's quota is `null`. */
export type QuotaUnknownReason = 'no_authorized_mini_program' | string;

/**
 * The platform's monthly audit quota of one component. WeChat reads it only with some mini
 * program's token, so `authorizerAppid` names the one that was used; `quota` is null with a
 * `reason` when none is authorized or code-release refused (its error code, e.g. `wechat_rejected`).
 */
export interface QuotaLeft {
  componentAppid: string;
  authorizerAppid: string | null;
  quota: AuditQuotaReply | null;
  reason?: QuotaUnknownReason;
  /** When it was read from code-release (answers are cached for a minute). */
  readAt: string;
}

/**
 * Quota left per component, read with the token of any authorized mini program that granted code
 * management and whose credential works, and cached for a minute.
 */
@Injectable()
export class QuotaLeftService {
  private readonly cache = new Map<string, { until: number; value: QuotaLeft }>();

  constructor(
    private readonly authorizers: AuthorizersService,
    private readonly codeRelease: CodeReleaseClient,
  ) {}

  /** A timeout or an absent service is thrown (the dashboard marks the section unavailable), never cached. */
  async quotaLeft(componentAppid: string, now: Date = new Date()): Promise<QuotaLeft> {
    const cached = this.cache.get(componentAppid);
    if (cached && cached.until > now.getTime()) return cached.value;
    const value = await this.read(componentAppid, now);
    // "No authorized mini program" is not kept: it costs one search to ask again, and the first
    // merchant to authorize would otherwise stay invisible on the dashboard for a minute.
    if (value.authorizerAppid !== null)
      this.cache.set(componentAppid, { until: now.getTime() + QUOTA_CACHE_MS, value });
    return value;
  }

  private async read(componentAppid: string, now: Date): Promise<QuotaLeft> {
    const readAt = now.toISOString();
    const page = await this.authorizers.search({
      componentAppid,
      // WeChat reads the quota only with code management (set 18) and a working token.
      ...CAMPAIGN_TARGET_CRITERIA,
      limit: 1,
      offset: 0,
    });
    const authorizerAppid = page.items[0]?.authorizerAppid;
    if (!authorizerAppid)
      return {
        componentAppid,
        authorizerAppid: null,
        quota: null,
        reason: 'no_authorized_mini_program',
        readAt,
      };
    try {
      const quota = await this.codeRelease.call<AuditQuotaReply>(CodeReleaseRpcPatterns.GetQuota, {
        componentAppid,
        authorizerAppid,
      });
      return { componentAppid, authorizerAppid, quota, readAt };
    } catch (error) {
      if (error instanceof ReleasesError)
        return { componentAppid, authorizerAppid, quota: null, reason: error.code, readAt };
      throw error;
    }
  }
}
