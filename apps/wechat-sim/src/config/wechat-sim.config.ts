import { EnvBoolean, EnvInt } from '@wxop/config';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUrl, Max, Min } from 'class-validator';

export const AUDIT_POLICIES = ['manual', 'approve', 'reject', 'random'] as const;
export type AuditPolicy = (typeof AUDIT_POLICIES)[number];

/** wechat-sim's variables (all optional); every one of them can also be changed at run time with PUT /sim/settings. */
export class WechatSimConfig {
  @EnvInt()
  @IsInt()
  @Min(0)
  @Max(65535)
  SIM_HTTP_PORT = 3900;

  @IsString()
  SIM_HTTP_HOST = '127.0.0.1';

  /** Seed a demo platform and a few merchant accounts at start (npm start does). */
  @EnvBoolean()
  @IsBoolean()
  SIM_SEED_DEMO = false;

  /** Where the demo platform pushes to (ingress). */
  @IsUrl({ require_tld: false, require_protocol: true })
  SIM_DEMO_PUSH_BASE_URL = 'http://127.0.0.1:3100';

  /** Lifetime of component and authorizer access tokens. */
  @EnvInt()
  @IsInt()
  @Min(1)
  SIM_TOKEN_TTL_SECONDS = 7200;

  /** How long a superseded token keeps working (wechat-protocol.md §6.1, UNCONFIRMED: 300 s). */
  @EnvInt()
  @IsInt()
  @Min(0)
  SIM_TOKEN_GRACE_SECONDS = 300;

  @EnvInt()
  @IsInt()
  @Min(1)
  SIM_TICKET_INTERVAL_SECONDS = 600;

  @EnvInt()
  @IsInt()
  @Min(1)
  SIM_TICKET_TTL_SECONDS = 43200;

  /** UNCONFIRMED: 600 s (example) or 1800 s (newer text). */
  @EnvInt()
  @IsInt()
  @Min(1)
  SIM_PREAUTH_CODE_TTL_SECONDS = 600;

  /** UNCONFIRMED: 600 s (doc) or 3600 s (observed). */
  @EnvInt()
  @IsInt()
  @Min(1)
  SIM_AUTH_CODE_TTL_SECONDS = 600;

  /** UNCONFIRMED whether an auth code can be exchanged twice. */
  @EnvBoolean()
  @IsBoolean()
  SIM_AUTH_CODE_SINGLE_USE = true;

  /** Issue a new refresh token on every api_authorizer_token (the old one lives for the grace window). */
  @EnvBoolean()
  @IsBoolean()
  SIM_REFRESH_TOKEN_ROTATION = false;

  @EnvInt()
  @IsInt()
  @Min(0)
  SIM_REFRESH_TOKEN_GRACE_SECONDS = 300;

  @EnvInt()
  @IsInt()
  @Min(1)
  SIM_PUSH_TIMEOUT_MS = 5000;

  @EnvInt()
  @IsInt()
  @Min(1)
  @Max(10)
  SIM_PUSH_ATTEMPTS = 3;

  @EnvInt()
  @IsInt()
  @Min(0)
  SIM_PUSH_RETRY_DELAY_MS = 1000;

  @IsIn(AUDIT_POLICIES)
  SIM_AUDIT_POLICY: AuditPolicy = 'manual';

  @EnvInt()
  @IsInt()
  @Min(0)
  SIM_AUDIT_DELAY_SECONDS = 5;

  @EnvInt()
  @IsInt()
  SIM_AUDIT_SEED = 42;

  /** Monthly submit_audit quota shared by all mini programs of a platform. */
  @EnvInt()
  @IsInt()
  @Min(0)
  SIM_AUDIT_QUOTA = 20;

  /** Seconds after wxa/commit during which submit_audit answers 61039 (privacy scan). */
  @EnvInt()
  @IsInt()
  @Min(0)
  SIM_PRIVACY_SCAN_SECONDS = 0;

  /** Daily limit of each API per platform (api_component_token is said to be 2 000 or 10 000). */
  @EnvInt()
  @IsInt()
  @Min(1)
  SIM_DAILY_QUOTA = 10000;

  /** Milliseconds every WeChat API call waits before it is handled (a WeChat round trip; benchmarks). */
  @EnvInt()
  @IsInt()
  @Min(0)
  SIM_LATENCY_MS = 0;

  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true })
  SIM_PUBLIC_URL?: string;
}
