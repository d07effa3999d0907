import { Injectable } from '@nestjs/common';

import { CountersService } from '../api/counters.service';
import { WechatApiError } from '../api/wechat-api.errors';
import { PushService } from '../pushes/push.service';
import { opaque } from '../sim/random.util';
import { SimClock } from '../sim/sim-clock';
import { SimSettings } from '../sim/sim-settings';
import {
  DEFAULT_FUNC_INFO,
  SimState,
  type Account,
  type Authorization,
  type Platform,
  type TokenRecord,
} from '../sim/sim-state';

/**
 * Credential semantics of wechat-protocol.md §3 and §6.1: issuing a token supersedes the previous
 * one (usable for the grace window, then 40001), tokens expire (42001), tickets live 12 h (61005)
 * or are unknown (61006), codes are single use and expire, refresh tokens optionally rotate.
 */
@Injectable()
export class CredentialsService {
  private issuedSincePrune = 0;

  constructor(
    private readonly state: SimState,
    private readonly clock: SimClock,
    private readonly settings: SimSettings,
    private readonly counters: CountersService,
    private readonly pushes: PushService,
  ) {}

  platform(appid: unknown): Platform {
    const platform = typeof appid === 'string' ? this.state.platforms.get(appid) : undefined;
    if (!platform) throw new WechatApiError(61011);
    return platform;
  }

  account(appid: unknown): Account {
    const account = typeof appid === 'string' ? this.state.accounts.get(appid) : undefined;
    if (!account) throw new WechatApiError(40013);
    return account;
  }

  /** api_component_token */
  componentToken(platform: Platform, secret: unknown, ticket: unknown): TokenRecord {
    if (secret === undefined || secret === '') throw new WechatApiError(41004);
    if (secret !== platform.secret) throw new WechatApiError(40125);
    const known = platform.tickets.find((t) => t.value === ticket);
    if (!known) throw new WechatApiError(61006);
    if (this.clock.now() >= known.issuedAt + this.settings.ticketTtlSeconds * 1000)
      throw new WechatApiError(61005);
    const record = this.issue('component', platform.appid);
    if (platform.latestComponentToken) platform.latestComponentToken.supersededAt = this.clock.now();
    platform.latestComponentToken = record;
    this.counters.increment('cgi-bin/component/api_component_token', platform.appid, 'tokensIssued');
    return record;
  }

  /** api_create_preauthcode */
  preAuthCode(platform: Platform): { code: string; expiresIn: number } {
    const code = `preauthcode@@@${opaque(64)}`;
    const expiresIn = this.settings.preAuthCodeTtlSeconds;
    this.state.preAuthCodes.set(code, {
      value: code,
      platformAppid: platform.appid,
      expiresAt: this.clock.now() + expiresIn * 1000,
      used: false,
    });
    return { code, expiresIn };
  }

  /** Validates and consumes a pre-auth code on the authorization page. */
  consumePreAuthCode(platform: Platform, value: unknown): void {
    const code = typeof value === 'string' ? this.state.preAuthCodes.get(value) : undefined;
    if (!code || code.platformAppid !== platform.appid || code.used)
      throw new WechatApiError(61009, 'pre_auth_code is invalid or used');
    if (this.clock.now() >= code.expiresAt) throw new WechatApiError(61010, 'pre_auth_code is expired');
    code.used = true;
  }

  /**
   * A merchant confirmed (page or control API): the authorization exists, an auth code is issued,
   * and the `authorized` (or `updateauthorized`) push is sent. Returns the code for the redirect.
   */
  authorize(
    platform: Platform,
    account: Account,
    funcInfo?: number[],
    preAuthCode?: string,
  ): { authCode: string; expiresIn: number; push: Promise<unknown> } {
    const existing = this.state.authorization(platform.appid, account.appid);
    const wasAuthorized = existing?.status === 'authorized';
    const authorization: Authorization = {
      platformAppid: platform.appid,
      authorizerAppid: account.appid,
      status: 'authorized',
      funcInfo: funcInfo?.length ? [...funcInfo] : [...DEFAULT_FUNC_INFO[account.type]],
      authTime: this.clock.seconds(),
      exchanged: existing?.exchanged ?? false,
      // Re-authorizing after a revocation yields a new refresh token (§3.4).
      refreshToken: wasAuthorized && existing ? existing.refreshToken : `refreshtoken@@@${opaque(43)}`,
      oldRefreshTokens: wasAuthorized && existing ? existing.oldRefreshTokens : [],
      latestToken: wasAuthorized ? existing?.latestToken : undefined,
    };
    this.state.setAuthorization(authorization);
    const { authCode, expiresIn } = this.issueAuthCode(platform, account);
    const push = this.pushes.pushComponent(platform, wasAuthorized ? 'updateauthorized' : 'authorized', {
      AuthorizerAppid: account.appid,
      AuthorizationCode: authCode,
      // UNCONFIRMED whether absolute or a duration (§2.1, §9.1): sent as an absolute Unix time.
      AuthorizationCodeExpiredTime: this.clock.seconds() + expiresIn,
      PreAuthCode: preAuthCode ?? '',
    });
    return { authCode, expiresIn, push };
  }

  /** A single-use code for api_query_auth, expiring after authCodeTtlSeconds (authorization and fast registration). */
  issueAuthCode(platform: Platform, account: Account): { authCode: string; expiresIn: number } {
    const expiresIn = this.settings.authCodeTtlSeconds;
    const authCode = `queryauthcode@@@${opaque(64)}`;
    this.state.authCodes.set(authCode, {
      value: authCode,
      platformAppid: platform.appid,
      authorizerAppid: account.appid,
      expiresAt: this.clock.now() + expiresIn * 1000,
      used: false,
    });
    return { authCode, expiresIn };
  }

  /** Authorizes without a code or a push: many at once (control API, large tests, benchmarks) or at fast registration. */
  authorizeSilently(platform: Platform, account: Account, exchanged: boolean): Authorization {
    const authorization: Authorization = {
      platformAppid: platform.appid,
      authorizerAppid: account.appid,
      status: 'authorized',
      funcInfo: [...DEFAULT_FUNC_INFO[account.type]],
      authTime: this.clock.seconds(),
      exchanged,
      refreshToken: `refreshtoken@@@${opaque(43)}`,
      oldRefreshTokens: [],
    };
    this.state.setAuthorization(authorization);
    return authorization;
  }

  /** The merchant revoked: every credential of the authorization stops working, and the push is sent. */
  unauthorize(platform: Platform, account: Account): Promise<unknown> {
    const authorization = this.state.authorization(platform.appid, account.appid);
    if (!authorization || authorization.status !== 'authorized') throw new WechatApiError(61003);
    authorization.status = 'unauthorized';
    authorization.exchanged = false;
    // Its access tokens stay known so that using one answers 61003 (not a bare 40001).
    authorization.latestToken = undefined;
    return this.pushes.pushComponent(platform, 'unauthorized', { AuthorizerAppid: account.appid });
  }

  /** api_query_auth */
  queryAuth(platform: Platform, codeValue: unknown): { authorization: Authorization; token: TokenRecord } {
    const code = typeof codeValue === 'string' ? this.state.authCodes.get(codeValue) : undefined;
    if (!code || code.platformAppid !== platform.appid) throw new WechatApiError(61009);
    if (code.used && this.settings.authCodeSingleUse) throw new WechatApiError(61009);
    if (this.clock.now() >= code.expiresAt) throw new WechatApiError(61010);
    const authorization = this.state.authorization(platform.appid, code.authorizerAppid!);
    if (!authorization || authorization.status !== 'authorized') throw new WechatApiError(61003);
    code.used = true;
    authorization.exchanged = true;
    const token = this.issueAuthorizerToken(authorization);
    this.counters.increment(
      'cgi-bin/component/api_query_auth',
      authorization.authorizerAppid,
      'tokensIssued',
    );
    return { authorization, token };
  }

  /** api_authorizer_token */
  refreshAuthorizerToken(
    platform: Platform,
    authorizerAppid: unknown,
    refreshToken: unknown,
  ): { token: TokenRecord; refreshToken: string } {
    const account = this.account(authorizerAppid);
    const authorization = this.state.authorization(platform.appid, account.appid);
    if (!authorization || authorization.status !== 'authorized') throw new WechatApiError(61023);
    const now = this.clock.now();
    const current = refreshToken === authorization.refreshToken;
    const oldButValid = authorization.oldRefreshTokens.some(
      (old) => old.value === refreshToken && now < old.validUntil,
    );
    if (!current && !oldButValid) throw new WechatApiError(61023);
    if (this.settings.refreshTokenRotation) {
      authorization.oldRefreshTokens = authorization.oldRefreshTokens.filter((old) => now < old.validUntil);
      authorization.oldRefreshTokens.push({
        value: authorization.refreshToken,
        validUntil: now + this.settings.refreshTokenGraceSeconds * 1000,
      });
      authorization.refreshToken = `refreshtoken@@@${opaque(43)}`;
    }
    const token = this.issueAuthorizerToken(authorization);
    this.counters.increment('cgi-bin/component/api_authorizer_token', account.appid, 'tokensIssued');
    return { token, refreshToken: authorization.refreshToken };
  }

  /** cgi-bin/clear_quota: resets the platform's daily counters, 10 times a month (48006 after). */
  clearQuota(platform: Platform): void {
    const month = this.clock.monthKey();
    if (platform.clearQuotaUses.month !== month) platform.clearQuotaUses = { month, count: 0 };
    if (platform.clearQuotaUses.count >= this.settings.clearQuotaMonthlyLimit)
      throw new WechatApiError(48006);
    platform.clearQuotaUses.count++;
    for (const key of [...this.state.dailyCalls.keys()]) {
      if (key.startsWith(`${platform.appid}|`)) this.state.dailyCalls.delete(key);
    }
  }

  dailyLimit(): number {
    return this.settings.dailyQuota;
  }

  ticketOf(platform: Platform): string | undefined {
    return platform.tickets[platform.tickets.length - 1]?.value;
  }

  private issueAuthorizerToken(authorization: Authorization): TokenRecord {
    const record = this.issue('authorizer', authorization.platformAppid, authorization.authorizerAppid);
    if (authorization.latestToken) authorization.latestToken.supersededAt = this.clock.now();
    authorization.latestToken = record;
    return record;
  }

  private issue(kind: TokenRecord['kind'], platformAppid: string, authorizerAppid?: string): TokenRecord {
    const now = this.clock.now();
    const record: TokenRecord = {
      value: `${kind === 'component' ? 'ct' : 'at'}_${opaque(100)}`,
      kind,
      platformAppid,
      authorizerAppid,
      issuedAt: now,
      expiresAt: now + this.settings.tokenTtlSeconds * 1000,
    };
    this.state.tokens.set(record.value, record);
    this.pruneTokens(now);
    return record;
  }

  /** Forgets tokens that are dead anyway, so a long run does not grow without bound. */
  private pruneTokens(now: number): void {
    // A full scan every 5 000 issues keeps the cost per call constant under sustained load.
    if (++this.issuedSincePrune < 5000 || this.state.tokens.size < 50_000) return;
    this.issuedSincePrune = 0;
    const grace = this.settings.tokenGraceSeconds * 1000;
    for (const [value, record] of this.state.tokens) {
      if (
        now >= record.expiresAt ||
        (record.supersededAt !== undefined && now >= record.supersededAt + grace)
      ) {
        this.state.tokens.delete(value);
      }
    }
  }
}
