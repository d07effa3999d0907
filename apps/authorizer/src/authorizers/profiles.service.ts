import { Injectable, Logger } from '@nestjs/common';
import { AuthorizerRpcErrorCodes } from '@wxop/contracts';
import { WechatApiClient, WechatApiError, isTransientWechatFailure } from '@wxop/wechat-api';

import { AuthorizerConfig } from '../config/authorizer.config';
import { AuthorizerError } from '../shared/authorizer.errors';
import { ConcurrencyLimit } from '../shared/concurrency.util';
import { TokenClient } from '../shared/token.client';
import { AuthorizationRepository } from './authorization.repository';
import { AuthorizerProfileRepository } from './authorizer-profile.repository';
import { parseAuthorizerInfo, type AuthorizerProfile } from './profile.util';

/** What api_get_authorizer_info says of one authorizer. */
export interface AuthorizerReading {
  profile: AuthorizerProfile;
  funcInfo: number[];
  /** Present once the authorization's code was exchanged. */
  refreshToken?: string;
}

/**
 * Profiles (api_get_authorizer_info with the component token): read when an authorization is
 * recorded, on an operator's demand, and on a schedule (`refreshDue`) so that listings are served
 * from our tables and never call WeChat per row.
 */
@Injectable()
export class ProfilesService {
  private readonly logger = new Logger(ProfilesService.name);
  private stopping = false;

  constructor(
    private readonly authorizers: AuthorizationRepository,
    private readonly profileStore: AuthorizerProfileRepository,
    private readonly token: TokenClient,
    private readonly wechat: WechatApiClient,
    private readonly config: AuthorizerConfig,
  ) {}

  /**
   * Reads one authorizer's profile. Outages and a superseded component token (40001/42001: the token
   * service replaces it) are UNAVAILABLE, worth retrying; other refusals WECHAT_REJECTED with the errcode.
   */
  async read(
    componentAppid: string,
    authorizerAppid: string,
    componentToken?: string,
  ): Promise<AuthorizerReading> {
    const accessToken = componentToken ?? (await this.token.componentAccessToken(componentAppid)).accessToken;
    try {
      const { authorizerInfo, funcInfo, refreshToken } = await this.wechat.getAuthorizerInfo(
        accessToken,
        componentAppid,
        authorizerAppid,
      );
      const reading: AuthorizerReading = { profile: parseAuthorizerInfo(authorizerInfo), funcInfo };
      if (refreshToken) reading.refreshToken = refreshToken;
      return reading;
    } catch (error) {
      throw asAuthorizerError(error, 'api_get_authorizer_info');
    }
  }

  /** Reads the profile now and stores it (operators' "refresh"). Unknown authorizer → AUTHORIZER_NOT_FOUND. */
  async refresh(componentAppid: string, authorizerAppid: string): Promise<void> {
    if (!(await this.authorizers.current(componentAppid, authorizerAppid))) {
      throw new AuthorizerError(
        AuthorizerRpcErrorCodes.AuthorizerNotFound,
        `authorizer ${authorizerAppid} is unknown for ${componentAppid}`,
      );
    }
    await this.refreshOne(componentAppid, authorizerAppid, true);
  }

  /**
   * One scheduled pass: claims the authorized accounts whose profile is older than
   * AUTHORIZER_PROFILE_MAX_AGE_SECONDS and reads them, AUTHORIZER_SYNC_CONCURRENCY at a time.
   * Returns how many were read.
   */
  async refreshDue(): Promise<number> {
    const claims = await this.profileStore.claimProfilesDue(
      this.config.AUTHORIZER_PROFILE_BATCH_SIZE,
      this.config.AUTHORIZER_PROFILE_MAX_AGE_SECONDS,
      Math.ceil(this.config.AUTHORIZER_WECHAT_TIMEOUT_MS / 1000) * 4 + 30,
    );
    const limit = new ConcurrencyLimit(this.config.AUTHORIZER_SYNC_CONCURRENCY);
    const outcomes = await Promise.all(
      claims.map((claim) =>
        limit.run(async () => {
          if (!this.stopping)
            return this.refreshOne(claim.componentAppid, claim.authorizerAppid, false).catch(() => false);
          await this.profileStore.releaseProfileClaim(claim.componentAppid, claim.authorizerAppid);
          return false;
        }),
      ),
    );
    const refreshed = outcomes.filter(Boolean).length;
    if (claims.length > 0) {
      this.logger.log({ msg: 'profiles refreshed', claimed: claims.length, refreshed });
    }
    return refreshed;
  }

  /** Stops a pass in progress after the reads in flight (shutdown); unread claims are released. */
  stop(): void {
    this.stopping = true;
  }

  /**
   * Reads and stores one profile. A refusal is stored as the profile's error (shown to operators,
   * not retried before the next period); an outage releases the claim. `rethrow` for the operator's
   * call, which must see the failure.
   */
  private async refreshOne(
    componentAppid: string,
    authorizerAppid: string,
    rethrow: boolean,
  ): Promise<boolean> {
    try {
      const { profile } = await this.read(componentAppid, authorizerAppid);
      await this.profileStore.storeProfile(componentAppid, authorizerAppid, profile);
      return true;
    } catch (error) {
      if (error instanceof AuthorizerError && !error.transient) {
        await this.profileStore.storeProfileError(componentAppid, authorizerAppid, error.message);
      } else {
        await this.profileStore.releaseProfileClaim(componentAppid, authorizerAppid);
      }
      this.logger.warn({
        msg: 'profile not refreshed',
        componentAppid,
        authorizerAppid,
        error: error instanceof Error ? error.message : String(error),
      });
      if (rethrow) throw error;
      return false;
    }
  }
}

/** A WeChat failure as the authorizer's error: transient and token rejections UNAVAILABLE, others WECHAT_REJECTED. */
export function asAuthorizerError(error: unknown, endpoint: string): unknown {
  if (error instanceof AuthorizerError) return error;
  if (isTransientWechatFailure(error) || (error instanceof WechatApiError && error.tokenRejected)) {
    return new AuthorizerError(
      AuthorizerRpcErrorCodes.Unavailable,
      `${endpoint} failed: ${(error as Error).message}`,
      undefined,
      { cause: error },
    );
  }
  if (error instanceof WechatApiError) {
    return new AuthorizerError(AuthorizerRpcErrorCodes.WechatRejected, `${endpoint}: ${error.message}`, {
      errcode: error.errcode,
    });
  }
  return error;
}
