import type { CurrentAuthorization } from '../authorizers/authorization.repository';

/** One row of api_get_authorizer_list (wechat-protocol.md §3.6). */
export interface ListedAuthorizer {
  authorizerAppid: string;
  /** Absent when the authorization's code was never exchanged. */
  refreshToken?: string;
  /** Unix seconds. */
  authTime?: number;
}

/** What a sync does with one page of the list. */
export interface SyncPagePlan {
  /** Authorizations we did not know of: profile read, refresh token handed over, recorded, announced. */
  discover: ListedAuthorizer[];
  /** Known as authorized: refresh token handed over (the token service keeps it if unchanged). */
  handOver: ListedAuthorizer[];
  /** Known as authorized with a profile older than the maximum age: profile read again. */
  refreshProfile: ListedAuthorizer[];
  /** New to us but listed without a refresh token: nothing can be handed over. */
  withoutRefreshToken: ListedAuthorizer[];
  /** Listed, but our unauthorization is newer than WeChat's auth_time (the list is behind a push): left alone. */
  stale: ListedAuthorizer[];
  /** New to us but authorized moments ago: left to its push or landing page (which carry the link's bizRef). */
  recent: ListedAuthorizer[];
}

export interface SyncPlanOptions {
  /** A known profile older than this is read again. */
  profileMaxAgeMs: number;
  /** An authorization newer than this is not discovered by the sync. */
  recentMs: number;
}

/**
 * Sorts a page of the list against what we know. An account we hold as unauthorized counts as
 * newly authorized only when WeChat's `auth_time` is later than our unauthorization, so a list read
 * just before an `unauthorized` push cannot bring the account (and its dead refresh token) back.
 * A very recent authorization is left to its push or redirect, which know the link (and bizRef) it
 * came through; if both were truly lost, the next sync finds it.
 */
export function planSyncPage(
  listed: ListedAuthorizer[],
  known: ReadonlyMap<string, CurrentAuthorization>,
  now: Date,
  options: SyncPlanOptions,
): SyncPagePlan {
  const plan: SyncPagePlan = {
    discover: [],
    handOver: [],
    refreshProfile: [],
    withoutRefreshToken: [],
    stale: [],
    recent: [],
  };
  for (const entry of listed) {
    const current = known.get(entry.authorizerAppid);
    if (current?.status === 'authorized') {
      if (entry.refreshToken) plan.handOver.push(entry);
      const refreshedAt = current.profileRefreshedAt?.getTime();
      if (refreshedAt === undefined || now.getTime() - refreshedAt > options.profileMaxAgeMs)
        plan.refreshProfile.push(entry);
      continue;
    }
    if (current?.status === 'unauthorized' && !authorizedAfter(entry, current.unauthorizedAt)) {
      plan.stale.push(entry);
      continue;
    }
    if (entry.authTime !== undefined && entry.authTime * 1000 > now.getTime() - options.recentMs) {
      plan.recent.push(entry);
      continue;
    }
    if (entry.refreshToken) plan.discover.push(entry);
    else plan.withoutRefreshToken.push(entry);
  }
  return plan;
}

function authorizedAfter(entry: ListedAuthorizer, unauthorizedAt: Date | undefined): boolean {
  if (!unauthorizedAt) return true;
  return entry.authTime !== undefined && entry.authTime * 1000 > unauthorizedAt.getTime();
}
