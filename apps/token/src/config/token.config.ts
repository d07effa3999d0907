import { EnvInt, EnvList, SecretVariable } from '@wxop/config';
import { ArrayMinSize, IsArray, IsInt, IsString, Max, Min, MinLength } from 'class-validator';

/** Token service settings (apps/token/README.md); one platform can be bootstrapped with WechatComponentConfig. */
export class TokenConfig {
  @IsString()
  TOKEN_HTTP_HOST = '0.0.0.0';

  @EnvInt()
  @IsInt()
  @Min(0)
  @Max(65535)
  TOKEN_HTTP_PORT = 3200;

  /** Bearer keys of the HTTP token API, comma-separated, each at least 24 characters. */
  @SecretVariable()
  @EnvList()
  @IsArray()
  @ArrayMinSize(1)
  @IsString({ each: true })
  @MinLength(24, { each: true, message: 'each TOKEN_API_KEYS key must be at least 24 characters' })
  TOKEN_API_KEYS!: string[];

  /** Refresh a token when this little of its life is left (WeChat suggests ~10 minutes of 2 hours). */
  @EnvInt()
  @IsInt()
  @Min(1)
  TOKEN_REFRESH_LEAD_SECONDS = 900;

  /** Random extra lead (0…this), so tokens issued together do not all come due together. */
  @EnvInt()
  @IsInt()
  @Min(0)
  TOKEN_REFRESH_SPREAD_SECONDS = 600;

  /** Authorizer refreshes in flight at once per replica. */
  @EnvInt()
  @IsInt()
  @Min(1)
  @Max(1000)
  TOKEN_REFRESH_CONCURRENCY = 20;

  /** Due authorizers one replica claims per pass. */
  @EnvInt()
  @IsInt()
  @Min(1)
  @Max(5000)
  TOKEN_REFRESH_BATCH_SIZE = 200;

  /** How often each replica looks for due credentials. */
  @EnvInt()
  @IsInt()
  @Min(50)
  TOKEN_REFRESH_INTERVAL_MS = 1000;

  /** A replica's claim on a credential; a crashed replica's claims lapse after this. */
  @EnvInt()
  @IsInt()
  @Min(2)
  TOKEN_LEASE_SECONDS = 30;

  /** No ticket for this long: ask WeChat to resume pushing (api_start_push_ticket). Tickets come every 10 minutes. */
  @EnvInt()
  @IsInt()
  @Min(1)
  TOKEN_TICKET_STALE_SECONDS = 1800;

  /**
   * At most one api_start_push_ticket per component in this time, across replicas and restarts
   * (the last call is kept in MySQL). Called when the ticket is stale or WeChat refused it.
   */
  @EnvInt()
  @IsInt()
  @Min(1)
  TOKEN_START_PUSH_INTERVAL_SECONDS = 300;

  /**
   * After a failed component token refresh (-1, 5xx, timeout, any errcode but a refused ticket),
   * the next call waits this long, doubling with each further failure.
   */
  @EnvInt()
  @IsInt()
  @Min(1)
  TOKEN_COMPONENT_RETRY_MIN_SECONDS = 5;

  /** The longest wait between two component token refresh attempts. */
  @EnvInt()
  @IsInt()
  @Min(1)
  TOKEN_COMPONENT_RETRY_MAX_SECONDS = 300;

  /** A token with less life than this is not handed out: it is refreshed first (callers need time to use it). */
  @EnvInt()
  @IsInt()
  @Min(1)
  TOKEN_MIN_HANDOUT_SECONDS = 60;

  /** Token reads are served from memory this long before the database is read again. */
  @EnvInt()
  @IsInt()
  @Min(0)
  @Max(60000)
  TOKEN_READ_CACHE_MS = 10000;

  /** Timeout of one WeChat call. */
  @EnvInt()
  @IsInt()
  @Min(100)
  @Max(30000)
  TOKEN_WECHAT_TIMEOUT_MS = 5000;
}
