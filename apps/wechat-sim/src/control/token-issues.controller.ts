import { Controller, Get, Query } from '@nestjs/common';

import { SimState } from '../sim/sim-state';

/** One authorizer's access tokens as the simulator issued them, oldest first (simulated clock, ms). */
export interface AuthorizerTokenIssues {
  platformAppid: string;
  authorizerAppid: string;
  issuedAt: number[];
}

/**
 * `GET /sim/token-issues`: when each authorizer access token was issued (api_query_auth or
 * api_authorizer_token), per authorizer. Counters say how many refreshes an authorizer had; this
 * says when, so a test can tell a refresh per lifetime from two refreshes racing in one cycle.
 * Token values are left out. Tokens the simulator has forgotten (dead ones, pruned once it holds
 * 50,000) are missing, so read it within a test's own run.
 */
@Controller('sim')
export class TokenIssuesController {
  constructor(private readonly state: SimState) {}

  @Get('token-issues')
  list(
    @Query('platformAppid') platformAppid?: string,
    @Query('authorizerAppid') authorizerAppid?: string,
  ): AuthorizerTokenIssues[] {
    const byAuthorizer = new Map<string, AuthorizerTokenIssues>();
    for (const token of this.state.tokens.values()) {
      if (token.kind !== 'authorizer' || !token.authorizerAppid) continue;
      if (platformAppid && token.platformAppid !== platformAppid) continue;
      if (authorizerAppid && token.authorizerAppid !== authorizerAppid) continue;
      const key = `${token.platformAppid}|${token.authorizerAppid}`;
      let entry = byAuthorizer.get(key);
      if (!entry) {
        entry = {
          platformAppid: token.platformAppid,
          authorizerAppid: token.authorizerAppid,
          issuedAt: [],
        };
        byAuthorizer.set(key, entry);
      }
      entry.issuedAt.push(token.issuedAt);
    }
    for (const entry of byAuthorizer.values()) entry.issuedAt.sort((a, b) => a - b);
    return [...byAuthorizer.values()];
  }
}
