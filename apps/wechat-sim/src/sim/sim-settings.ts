import { IsBoolean, IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';

import { AUDIT_POLICIES, type AuditPolicy, WechatSimConfig } from '../config/wechat-sim.config';

/**
 * How `api_get_authorizer_list` shows an account that authorized but whose code was never
 * exchanged: §3.6 says listed without `refresh_token` (the default); the others model what some
 * providers report, for tests of both recovery paths.
 */
export const UNEXCHANGED_LISTINGS = ['without_refresh_token', 'with_refresh_token', 'absent'] as const;
export type UnexchangedListing = (typeof UNEXCHANGED_LISTINGS)[number];

/** The behaviour knobs of the simulator; PUT /sim/settings changes any subset at run time. */
export class SimSettings {
  @IsOptional() @IsInt() @Min(1) tokenTtlSeconds!: number;
  @IsOptional() @IsInt() @Min(0) tokenGraceSeconds!: number;
  @IsOptional() @IsInt() @Min(1) ticketIntervalSeconds!: number;
  @IsOptional() @IsInt() @Min(1) ticketTtlSeconds!: number;
  @IsOptional() @IsInt() @Min(1) preAuthCodeTtlSeconds!: number;
  @IsOptional() @IsInt() @Min(1) authCodeTtlSeconds!: number;
  @IsOptional() @IsBoolean() authCodeSingleUse!: boolean;
  @IsOptional() @IsBoolean() refreshTokenRotation!: boolean;
  @IsOptional() @IsInt() @Min(0) refreshTokenGraceSeconds!: number;
  @IsOptional() @IsInt() @Min(1) pushTimeoutMs!: number;
  @IsOptional() @IsInt() @Min(1) @Max(10) pushAttempts!: number;
  @IsOptional() @IsInt() @Min(0) pushRetryDelayMs!: number;
  @IsOptional() @IsIn(AUDIT_POLICIES) auditPolicy!: AuditPolicy;
  @IsOptional() @IsInt() @Min(0) auditDelaySeconds!: number;
  @IsOptional() @IsInt() auditSeed!: number;
  @IsOptional() @IsInt() @Min(0) auditQuota!: number;
  @IsOptional() @IsInt() @Min(0) privacyScanSeconds!: number;
  /** submit_audit answers 61040 when ext_json's requiredPrivateInfos has a geo API the privacy settings do not cover. */
  @IsOptional() @IsBoolean() privacyApiCheck!: boolean;
  /** modify_domain accepts only hosts on the platform's modify_wxa_server_domain list (else 85017). */
  @IsOptional() @IsBoolean() platformDomainCheck!: boolean;
  /** Changes a month to modify_wxa_server_domain and to modify_wxa_jump_domain, each (then 45009). */
  @IsOptional() @IsInt() @Min(0) platformDomainMonthlyLimit!: number;
  @IsOptional() @IsInt() @Min(1) dailyQuota!: number;
  /** Milliseconds every WeChat API call waits before it is handled, on top of any fault rule's latency. */
  @IsOptional() @IsInt() @Min(0) latencyMs!: number;
  @IsOptional() @IsInt() @Min(0) undoAuditDailyLimit!: number;
  @IsOptional() @IsInt() @Min(0) undoAuditMonthlyLimit!: number;
  @IsOptional() @IsInt() @Min(0) clearQuotaMonthlyLimit!: number;
  /**
   * `api_start_push_ticket` while pushes run answers `in a normal state` (§2.1); whether WeChat
   * then also pushes a ticket at once is not documented: false (default) pushes none.
   */
  @IsOptional() @IsBoolean() startPushTicketPushesWhenRunning!: boolean;
  @IsOptional() @IsIn(UNEXCHANGED_LISTINGS) unexchangedInAuthorizerList!: UnexchangedListing;

  static fromConfig(config: WechatSimConfig): SimSettings {
    return Object.assign(new SimSettings(), {
      tokenTtlSeconds: config.SIM_TOKEN_TTL_SECONDS,
      tokenGraceSeconds: config.SIM_TOKEN_GRACE_SECONDS,
      ticketIntervalSeconds: config.SIM_TICKET_INTERVAL_SECONDS,
      ticketTtlSeconds: config.SIM_TICKET_TTL_SECONDS,
      preAuthCodeTtlSeconds: config.SIM_PREAUTH_CODE_TTL_SECONDS,
      authCodeTtlSeconds: config.SIM_AUTH_CODE_TTL_SECONDS,
      authCodeSingleUse: config.SIM_AUTH_CODE_SINGLE_USE,
      refreshTokenRotation: config.SIM_REFRESH_TOKEN_ROTATION,
      refreshTokenGraceSeconds: config.SIM_REFRESH_TOKEN_GRACE_SECONDS,
      pushTimeoutMs: config.SIM_PUSH_TIMEOUT_MS,
      pushAttempts: config.SIM_PUSH_ATTEMPTS,
      pushRetryDelayMs: config.SIM_PUSH_RETRY_DELAY_MS,
      auditPolicy: config.SIM_AUDIT_POLICY,
      auditDelaySeconds: config.SIM_AUDIT_DELAY_SECONDS,
      auditSeed: config.SIM_AUDIT_SEED,
      auditQuota: config.SIM_AUDIT_QUOTA,
      privacyScanSeconds: config.SIM_PRIVACY_SCAN_SECONDS,
      privacyApiCheck: true,
      platformDomainCheck: true,
      platformDomainMonthlyLimit: 50,
      dailyQuota: config.SIM_DAILY_QUOTA,
      latencyMs: config.SIM_LATENCY_MS,
      undoAuditDailyLimit: 5,
      undoAuditMonthlyLimit: 10,
      clearQuotaMonthlyLimit: 10,
      startPushTicketPushesWhenRunning: false,
      unexchangedInAuthorizerList: 'without_refresh_token',
    } satisfies Omit<SimSettings, 'never'>);
  }
}
