import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';

import { AdminApiConfig } from '../config/admin-api.config';
import { ADMIN_ROLES, type AdminRole } from './roles.decorator';

/** The claims of an access token. */
export interface AccessClaims {
  sub: string;
  username: string;
  role: AdminRole;
  sid: string;
}

/**
 * Access tokens: JWT, HS256 only, with `iss`, `aud` and `exp` checked; `alg: none`, any other
 * algorithm, another key or an expired token is refused (verify() answers undefined).
 */
@Injectable()
export class AccessTokensService {
  constructor(
    private readonly jwt: JwtService,
    private readonly config: AdminApiConfig,
  ) {}

  issue(claims: AccessClaims): { accessToken: string; expiresIn: number } {
    const expiresIn = this.config.ADMIN_API_ACCESS_TOKEN_TTL_SECONDS;
    const accessToken = this.jwt.sign(
      { username: claims.username, role: claims.role, sid: claims.sid },
      {
        subject: claims.sub,
        secret: this.config.ADMIN_API_JWT_SECRET,
        algorithm: 'HS256',
        issuer: this.config.ADMIN_API_JWT_ISSUER,
        audience: this.config.ADMIN_API_JWT_AUDIENCE,
        expiresIn,
      },
    );
    return { accessToken, expiresIn };
  }

  verify(token: string): AccessClaims | undefined {
    try {
      const payload = this.jwt.verify<Record<string, unknown>>(token, {
        secret: this.config.ADMIN_API_JWT_SECRET,
        algorithms: ['HS256'],
        issuer: this.config.ADMIN_API_JWT_ISSUER,
        audience: this.config.ADMIN_API_JWT_AUDIENCE,
      });
      const { sub, username, role, sid } = payload;
      if (
        typeof sub !== 'string' ||
        typeof username !== 'string' ||
        typeof sid !== 'string' ||
        !ADMIN_ROLES.includes(role as AdminRole)
      )
        return undefined;
      return { sub, username, role: role as AdminRole, sid };
    } catch {
      return undefined;
    }
  }
}
