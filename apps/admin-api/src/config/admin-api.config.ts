import { EnvBoolean, EnvInt, EnvList, SecretVariable } from '@wxop/config';
import {
  IsArray,
  IsBoolean,
  IsInt,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
} from 'class-validator';

/**
 * admin-api settings (apps/admin-api/README.md). Each feature of admin-api adds its own variables
 * here, with a comment, and to `.env.example`.
 */
export class AdminApiConfig {
  @IsString()
  ADMIN_API_HTTP_HOST = '0.0.0.0';

  @EnvInt()
  @IsInt()
  @Min(0)
  @Max(65535)
  ADMIN_API_HTTP_PORT = 3500;

  /** Largest JSON body accepted, in bytes (413 beyond it). */
  @EnvInt()
  @IsInt()
  @Min(1024)
  @Max(16 * 1024 * 1024)
  ADMIN_API_BODY_LIMIT_BYTES = 256 * 1024;

  /** Origins allowed by CORS, comma-separated; empty (the default) leaves CORS off. */
  @EnvList()
  @IsArray()
  @IsString({ each: true })
  ADMIN_API_CORS_ORIGINS: string[] = [];

  /**
   * Trust `X-Forwarded-For` from the proxy in front (true behind an ingress controller): the
   * client IP then comes from it, for login throttling and the audit log. Off by default, so a
   * client cannot choose its own IP.
   */
  @EnvBoolean()
  @IsBoolean()
  ADMIN_API_TRUST_PROXY = false;

  /** HMAC-SHA256 key of access tokens (JWT, HS256), at least 32 characters; changing it ends every session's access token. */
  @SecretVariable()
  @IsString()
  @MinLength(32, { message: 'ADMIN_API_JWT_SECRET must be at least 32 characters' })
  ADMIN_API_JWT_SECRET!: string;

  /** `iss` of access tokens, checked on each request. */
  @IsString()
  @MinLength(1)
  ADMIN_API_JWT_ISSUER = 'wxop-admin-api';

  /** `aud` of access tokens, checked on each request. */
  @IsString()
  @MinLength(1)
  ADMIN_API_JWT_AUDIENCE = 'wxop-admin';

  /** Life of an access token. */
  @EnvInt()
  @IsInt()
  @Min(30)
  @Max(3600)
  ADMIN_API_ACCESS_TOKEN_TTL_SECONDS = 900;

  /** Life of a refresh token (each one is used once; a session lives this long after its last refresh). */
  @EnvInt()
  @IsInt()
  @Min(300)
  @Max(90 * 24 * 3600)
  ADMIN_API_REFRESH_TOKEN_TTL_SECONDS = 7 * 24 * 3600;

  /** Longest a session lives from its login, however often it is refreshed. */
  @EnvInt()
  @IsInt()
  @Min(300)
  @Max(365 * 24 * 3600)
  ADMIN_API_SESSION_MAX_SECONDS = 30 * 24 * 3600;

  /** Failed logins of one username within the window before each further try has to wait (backoff). */
  @EnvInt()
  @IsInt()
  @Min(1)
  ADMIN_API_LOGIN_FREE_ATTEMPTS = 5;

  /** First wait after the free attempts; it doubles with each further failure, up to 60 s. */
  @EnvInt()
  @IsInt()
  @Min(0)
  ADMIN_API_LOGIN_BACKOFF_BASE_MS = 1000;

  /** Failed logins of one username within the window that lock it. */
  @EnvInt()
  @IsInt()
  @Min(2)
  ADMIN_API_LOGIN_MAX_FAILURES = 20;

  /** Failed logins from one IP within the window that lock that IP out (any username). */
  @EnvInt()
  @IsInt()
  @Min(2)
  ADMIN_API_LOGIN_IP_MAX_FAILURES = 100;

  /** Window over which failures are counted; a success of the username starts it anew. */
  @EnvInt()
  @IsInt()
  @Min(1)
  ADMIN_API_LOGIN_WINDOW_SECONDS = 900;

  /** How long a lockout lasts. */
  @EnvInt()
  @IsInt()
  @Min(1)
  ADMIN_API_LOGIN_LOCKOUT_SECONDS = 900;

  /**
   * One-time bootstrap of the first admin: honoured only while no user exists, ignored (with a
   * warning) afterwards. Prefer `npm run admin -- create-user` (README). There is no default password.
   */
  @ValidateIf((_config: unknown, value: unknown) => value !== undefined && value !== '')
  @Matches(/^[A-Za-z0-9_.@-]{3,64}$/, {
    message: 'ADMIN_API_BOOTSTRAP_USERNAME must be 3-64 characters of [A-Za-z0-9_.@-]',
  })
  ADMIN_API_BOOTSTRAP_USERNAME?: string;

  @SecretVariable()
  @ValidateIf((_config: unknown, value: unknown) => value !== undefined && value !== '')
  @IsString()
  @MaxLength(256)
  ADMIN_API_BOOTSTRAP_PASSWORD?: string;

  /** Days a push stays in the push log (admin-api pushes). */
  @EnvInt()
  @IsInt()
  @Min(1)
  @Max(3650)
  ADMIN_API_PUSH_RETENTION_DAYS = 7;

  /**
   * Pushes a text search examines per page at most, newest first (ADR 0017): a rare term answers
   * within the bar at a million rows, with a cursor to search older pushes.
   */
  @EnvInt()
  @IsInt()
  @Min(100)
  @Max(10_000_000)
  ADMIN_API_PUSH_TEXT_SCAN_ROWS = 5000;

  /** How often old pushes are purged. */
  @EnvInt()
  @IsInt()
  @Min(1)
  ADMIN_API_PUSH_PURGE_INTERVAL_SECONDS = 600;

  /** Rows of one purge DELETE (short transactions, small lock footprint). */
  @EnvInt()
  @IsInt()
  @Min(1)
  @Max(100_000)
  ADMIN_API_PUSH_PURGE_BATCH_SIZE = 5000;

  /** Days a settled forwarding delivery (delivered or failed) and its attempts stay in the delivery log. */
  @EnvInt()
  @IsInt()
  @Min(1)
  @Max(3650)
  ADMIN_API_FORWARDING_RETENTION_DAYS = 30;

  /** How often old forwarding deliveries are purged. */
  @EnvInt()
  @IsInt()
  @Min(1)
  ADMIN_API_FORWARDING_PURGE_INTERVAL_SECONDS = 600;

  /** Deliveries of one purge DELETE (their attempts go with them). */
  @EnvInt()
  @IsInt()
  @Min(1)
  @Max(100_000)
  ADMIN_API_FORWARDING_PURGE_BATCH_SIZE = 1000;

  /**
   * The built web console (`npx nx build console`), served at /console. Empty (the default): the
   * first of `dist/apps/console` under the working directory and `console/` beside the bundle
   * (the container image) that exists; when none does, /console answers 404 saying how to build it.
   */
  @IsString()
  ADMIN_API_CONSOLE_DIR = '';

  /** Unacknowledged pushes the push-log consumer holds: the group-commit window (four batches, so the broker never waits on a commit). */
  @EnvInt()
  @IsInt()
  @Min(1)
  @Max(10_000)
  ADMIN_API_PUSH_LOG_PREFETCH = 2000;

  /** Rows of one push-log INSERT at most. */
  @EnvInt()
  @IsInt()
  @Min(1)
  @Max(5000)
  ADMIN_API_PUSH_LOG_BATCH_SIZE = 500;

  /** Longest a push waits for its INSERT batch to fill, in ms. */
  @EnvInt()
  @IsInt()
  @Min(1)
  @Max(5000)
  ADMIN_API_PUSH_LOG_FLUSH_MS = 20;

  /** Consumer queues of subscribers whose DLQs the dead-letters page lists too (besides this repository's). */
  @EnvList()
  @IsArray()
  @IsString({ each: true })
  ADMIN_API_DEAD_LETTER_EXTRA_QUEUES: string[] = [];
  /**
   * Forwarding (ADR 0018): deliver to loopback, private, link-local and unique-local targets.
   * Off by default (SSRF); on only where subscribers live inside the cluster.
   */
  @EnvBoolean()
  @IsBoolean()
  ADMIN_API_FORWARDING_ALLOW_PRIVATE_TARGETS = false;

  /** Forwarding: CIDRs allowed although private, comma-separated (e.g. `10.20.0.0/16,fd00:1::/32`). */
  @EnvList()
  @IsArray()
  @Matches(/^[0-9A-Fa-f.:]+\/\d{1,3}$/, {
    each: true,
    message: 'ADMIN_API_FORWARDING_ALLOWED_CIDRS must be CIDRs',
  })
  ADMIN_API_FORWARDING_ALLOWED_CIDRS: string[] = [];

  /** Forwarding: after a secret rotation, how long deliveries carry the previous secret's signature too. */
  @EnvInt()
  @IsInt()
  @Min(0)
  @Max(30 * 24 * 3600)
  ADMIN_API_FORWARDING_ROTATION_OVERLAP_SECONDS = 24 * 3600;

  /** Forwarding: time limit of one POST to a subscriber (connect, headers and body). */
  @EnvInt()
  @IsInt()
  @Min(100)
  @Max(60_000)
  ADMIN_API_FORWARDING_TIMEOUT_MS = 10_000;

  /** Forwarding: deliveries in flight per replica, across rules (each rule has its own limit too). */
  @EnvInt()
  @IsInt()
  @Min(1)
  @Max(1000)
  ADMIN_API_FORWARDING_PREFETCH = 64;

  /**
   * Events of `admin-api.forwarding` in flight per replica: each waits for its deliveries to be
   * created, attempted once and logged (group-committed, so more in flight means fewer, larger
   * transactions); their POSTs are still bounded by each rule's concurrency.
   */
  @EnvInt()
  @IsInt()
  @Min(1)
  @Max(10_000)
  ADMIN_API_FORWARDING_EVENTS_PREFETCH = 512;

  /**
   * Forwarding: how long an event's first attempt waits for a free slot of its rule (its
   * `concurrency`) before the delivery goes to the delivery queue instead. Long enough for a
   * healthy target to work through a burst of events in flight, short enough that a target that
   * hangs holds an event for no longer (ADR 0018).
   */
  @EnvInt()
  @IsInt()
  @Min(0)
  @Max(10_000)
  ADMIN_API_FORWARDING_INLINE_WAIT_MS = 250;

  /**
   * Forwarding: how often the event queue's bindings are reconciled with the enabled rules'
   * patterns (changes through this replica bind at once; this catches other replicas' and crashes).
   */
  @EnvInt()
  @IsInt()
  @Min(1)
  @Max(3600)
  ADMIN_API_FORWARDING_BINDINGS_RECONCILE_SECONDS = 30;
}
