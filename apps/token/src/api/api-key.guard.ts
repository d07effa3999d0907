import { Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { createHash, timingSafeEqual } from 'node:crypto';

import { TokenConfig } from '../config/token.config';

/**
 * `Authorization: Bearer <key>` with one of TOKEN_API_KEYS. Keys are compared as SHA-256 digests
 * with timingSafeEqual, every key every time, so neither a key's length nor which one matched leaks
 * through timing.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly digests: Buffer[];

  constructor(config: TokenConfig) {
    this.digests = config.TOKEN_API_KEYS.map(digest);
  }

  canActivate(context: ExecutionContext): boolean {
    const header = context.switchToHttp().getRequest<FastifyRequest>().headers.authorization;
    if (!this.allows(header)) throw new UnauthorizedException('a valid bearer key is required');
    return true;
  }

  /** True for `Bearer <one of TOKEN_API_KEYS>`. */
  allows(header: string | undefined): boolean {
    const presented =
      typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7).trim() : '';
    const candidate = digest(presented);
    let matched = false;
    for (const key of this.digests) matched = timingSafeEqual(key, candidate) || matched;
    return presented.length > 0 && matched;
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
