import { Injectable } from '@nestjs/common';
import type { AccessTokenReply } from '@wxop/contracts';

import { TokenConfig } from '../config/token.config';

interface CachedToken {
  accessToken: string;
  expiresAt: number;
  readUntil: number;
}

/**
 * The access tokens this process handed out or was issued, kept for TOKEN_READ_CACHE_MS so that
 * reads are answered from memory. The database stays the truth: every service that changes an
 * authorizer's credentials forgets or replaces its entry here.
 */
@Injectable()
export class AuthorizerTokenCacheService {
  private readonly cache = new Map<string, CachedToken>();

  constructor(private readonly config: TokenConfig) {}

  /** The remembered token while it is fresh and still long enough to hand out, else undefined. */
  get(componentAppid: string, authorizerAppid: string): AccessTokenReply | undefined {
    const now = Date.now();
    const cached = this.cache.get(cacheKey(componentAppid, authorizerAppid));
    if (
      cached &&
      cached.readUntil > now &&
      cached.expiresAt - this.config.TOKEN_MIN_HANDOUT_SECONDS * 1000 > now
    ) {
      return { accessToken: cached.accessToken, expiresAt: new Date(cached.expiresAt).toISOString() };
    }
    return undefined;
  }

  remember(componentAppid: string, authorizerAppid: string, accessToken: string, expiresAt: number): void {
    this.cache.set(cacheKey(componentAppid, authorizerAppid), {
      accessToken,
      expiresAt,
      readUntil: Date.now() + this.config.TOKEN_READ_CACHE_MS,
    });
  }

  forget(componentAppid: string, authorizerAppid: string): void {
    this.cache.delete(cacheKey(componentAppid, authorizerAppid));
  }
}

function cacheKey(componentAppid: string, authorizerAppid: string): string {
  return `${componentAppid}|${authorizerAppid}`;
}
