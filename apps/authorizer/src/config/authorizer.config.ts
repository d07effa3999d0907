import { EnvFloat, EnvInt } from '@wxop/config';
import { IsInt, IsNumber, IsOptional, IsString, IsUrl, Max, Min } from 'class-validator';

const HTTP_URL = { protocols: ['http', 'https'], require_tld: false, require_protocol: true };

/** Authorizer service settings (apps/authorizer/README.md). */
export class AuthorizerConfig {
  @IsString()
  AUTHORIZER_HTTP_HOST = '0.0.0.0';

  @EnvInt()
  @IsInt()
  @Min(0)
  @Max(65535)
  AUTHORIZER_HTTP_PORT = 3300;

  /**
   * Where merchants' browsers reach this service: start pages `<base>/authorize/<linkId>` and the
   * landing page `<base>/authorized/<linkId>`. Its host must be the platform's 授权发起页域名.
   */
  @IsUrl(HTTP_URL)
  AUTHORIZER_PUBLIC_BASE_URL!: string;

  /** When set, the landing page redirects here with `status`, `authorizerAppid`, `bizRef`, `reason`. */
  @IsOptional()
  @IsUrl(HTTP_URL)
  AUTHORIZER_RESULT_REDIRECT_URL?: string;

  /** Timeout of one WeChat call (api_get_authorizer_info). */
  @EnvInt()
  @IsInt()
  @Min(100)
  @Max(30000)
  AUTHORIZER_WECHAT_TIMEOUT_MS = 5000;

  /** WeChat calls in flight at once during a sync and a profile refresh pass (per replica). */
  @EnvInt()
  @IsInt()
  @Min(1)
  @Max(200)
  AUTHORIZER_SYNC_CONCURRENCY = 20;

  /** A full sync (api_get_authorizer_list) of each component runs when the last complete one is older. */
  @EnvInt()
  @IsInt()
  @Min(60)
  AUTHORIZER_SYNC_INTERVAL_SECONDS = 21_600;

  /** The first sync check after start waits this long, so pushes queued while we were down are handled first. */
  @EnvInt()
  @IsInt()
  @Min(0)
  AUTHORIZER_SYNC_START_DELAY_SECONDS = 60;

  /**
   * At start a sync runs unless a complete one started within this many seconds (accounts may have
   * authorized while the service was down; a rolling restart of replicas triggers one sync, not one each).
   */
  @EnvInt()
  @IsInt()
  @Min(0)
  AUTHORIZER_SYNC_ON_START_SKIP_SECONDS = 600;

  /** After a failed sync, the next attempt waits this long. */
  @EnvInt()
  @IsInt()
  @Min(1)
  AUTHORIZER_SYNC_RETRY_SECONDS = 300;

  /** Authorizations newer than this are left to their push or landing page (they know the link's bizRef). */
  @EnvInt()
  @IsInt()
  @Min(0)
  AUTHORIZER_SYNC_RECENT_SECONDS = 900;

  /**
   * How long past an auth code's expiry its authorization is still recovered through WeChat's
   * authorizer list while that list cannot be read; then it is reported as `authorization.failed`.
   */
  @EnvInt()
  @IsInt()
  @Min(0)
  AUTHORIZER_RECOVERY_WINDOW_SECONDS = 1800;

  /**
   * A complete sync marks missing accounts unauthorized only up to this share of the authorized ones
   * (at least 10); more means WeChat's answer is suspect, and the run fails without marking any.
   */
  @EnvFloat()
  @IsNumber()
  @Min(0)
  @Max(1)
  AUTHORIZER_SYNC_MAX_UNAUTHORIZE_RATIO = 0.5;

  /** Profiles older than this are read again by the scheduler (listings never call WeChat). */
  @EnvInt()
  @IsInt()
  @Min(60)
  AUTHORIZER_PROFILE_MAX_AGE_SECONDS = 86_400;

  /** How often the scheduler looks for due profiles (and for due syncs). */
  @EnvInt()
  @IsInt()
  @Min(100)
  AUTHORIZER_SCHEDULE_INTERVAL_MS = 60_000;

  /** Profiles one scheduler pass claims. */
  @EnvInt()
  @IsInt()
  @Min(1)
  @Max(5000)
  AUTHORIZER_PROFILE_BATCH_SIZE = 200;
}
