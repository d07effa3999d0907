import { Injectable } from '@nestjs/common';
import { WechatCrypto } from '@wxop/wechat-crypto';

export type AccountType = 'official_account' | 'mini_program';

export interface TokenRecord {
  value: string;
  kind: 'component' | 'authorizer';
  platformAppid: string;
  authorizerAppid?: string;
  issuedAt: number;
  expiresAt: number;
  /** When a newer token of the same owner was issued. */
  supersededAt?: number;
}

export interface Ticket {
  value: string;
  issuedAt: number;
}

export interface Platform {
  appid: string;
  secret: string;
  token: string;
  encodingAESKey: string;
  /** 授权事件接收URL */
  authEventUrl?: string;
  /** 消息与事件接收URL, `$APPID$` replaced by the authorizer appid */
  messageUrl?: string;
  /** Caller IPs allowed to call the component APIs; empty allows all. */
  ipAllowList: string[];
  crypto: WechatCrypto;
  tickets: Ticket[];
  ticketPushesEnabled: boolean;
  latestComponentToken?: TokenRecord;
  /** submit_audit calls and speed-ups in `auditQuotaMonth` (China time): the quota is monthly (§5.3). */
  auditQuotaUsed: number;
  speedupUsed: number;
  auditQuotaMonth: string;
  clearQuotaUses: { month: string; count: number };
  drafts: Draft[];
  templates: Template[];
  nextDraftId: number;
  nextTemplateId: number;
  /** modify_wxa_server_domain's lists (bare hostnames) and changes this month (50 allowed). */
  wxaServerDomains: PlatformDomainList;
  /** modify_wxa_jump_domain's lists (bare hostnames) and changes this month (50 allowed). */
  wxaJumpDomains: PlatformDomainList;
}

export interface PlatformDomainList {
  published: string[];
  testing: string[];
  changes: { month: string; count: number };
}

export interface Draft {
  draft_id: number;
  user_version: string;
  user_desc: string;
  create_time: number;
  source_miniprogram_appid: string;
  source_miniprogram: string;
  developer: string;
}

export interface Template extends Draft {
  template_id: number;
  template_type: number;
}

export interface Category {
  first_class: string;
  second_class: string;
  first_id: number;
  second_id: number;
}

export interface Account {
  appid: string;
  type: AccountType;
  nickName: string;
  userName: string;
  principalName: string;
  headImg: string;
  qrcodeUrl: string;
  signature: string;
  serviceTypeId: number;
  verifyTypeId: number;
  accountStatus: number;
  categories: Category[];
  options: Record<string, string>;
  code: MiniProgramCode;
}

export interface Audit {
  auditid: number;
  /** 0 approved, 1 rejected, 2 auditing, 3 withdrawn, 4 delayed */
  status: 0 | 1 | 2 | 3 | 4;
  reason: string;
  screenshot: string;
  userVersion: string;
  userDesc: string;
  submitTime: number;
  released: boolean;
}

export interface ReleasedVersion {
  appVersion: number;
  userVersion: string;
  userDesc: string;
  commitTime: number;
  releaseTime: number;
}

export interface MiniProgramCode {
  trial?: {
    templateId: number;
    userVersion: string;
    userDesc: string;
    extJson: string;
    pages: string[];
    committedAt: number;
  };
  audits: Audit[];
  online?: ReleasedVersion;
  history: ReleasedVersion[];
  revertedSinceRelease: boolean;
  nextAppVersion: number;
  gray?: {
    status: 0 | 1 | 2 | 3 | 4;
    create_timestamp: number;
    gray_percentage: number;
    support_experiencer_first: boolean;
    support_debuger_first: boolean;
  };
  visitStatus: 'open' | 'close';
  domains: Record<
    'requestdomain' | 'wsrequestdomain' | 'uploaddomain' | 'downloaddomain' | 'udpdomain' | 'tcpdomain',
    string[]
  >;
  /** modify_domain_directly's lists, kept apart from the platform-checked ones (get_effective_domain). */
  directDomains: MiniProgramCode['domains'];
  webviewDomains: string[];
  privacy: Record<
    number,
    {
      owner_setting: Record<string, string>;
      setting_list: { privacy_key: string; privacy_text: string }[];
      update_time: number;
    }
  >;
  undo: { day: string; dayCount: number; month: string; monthCount: number };
  messages: { touser: string; msgtype: string; content: unknown; at: number }[];
}

export interface Authorization {
  platformAppid: string;
  authorizerAppid: string;
  status: 'authorized' | 'unauthorized';
  funcInfo: number[];
  authTime: number;
  /** Whether api_query_auth was done (api_get_authorizer_list omits refresh_token otherwise). */
  exchanged: boolean;
  refreshToken: string;
  /** Rotated-out refresh tokens and when they stop working. */
  oldRefreshTokens: { value: string; validUntil: number }[];
  latestToken?: TokenRecord;
}

export interface Code {
  value: string;
  platformAppid: string;
  expiresAt: number;
  used: boolean;
  authorizerAppid?: string;
}

export const DEFAULT_FUNC_INFO: Record<AccountType, number[]> = {
  official_account: [1, 15, 4, 7, 2, 3, 11, 6, 5, 8, 9, 10, 12, 13, 14, 19, 24],
  mini_program: [17, 18, 19, 25, 30, 31, 36, 37, 40, 41, 45, 48, 49, 51, 52],
};

/** The whole simulated WeChat, in memory. */
@Injectable()
export class SimState {
  readonly platforms = new Map<string, Platform>();
  readonly accounts = new Map<string, Account>();
  /** key `${platformAppid}|${authorizerAppid}` */
  readonly authorizations = new Map<string, Authorization>();
  readonly tokens = new Map<string, TokenRecord>();
  readonly preAuthCodes = new Map<string, Code>();
  readonly authCodes = new Map<string, Code>();
  /** `${platform}|${endpoint}|${day}` → calls */
  readonly dailyCalls = new Map<string, number>();
  nextAuditId = 4_000_000_001;

  reset(): void {
    this.platforms.clear();
    this.accounts.clear();
    this.authorizations.clear();
    this.tokens.clear();
    this.preAuthCodes.clear();
    this.authCodes.clear();
    this.dailyCalls.clear();
  }

  authorization(platformAppid: string, authorizerAppid: string): Authorization | undefined {
    return this.authorizations.get(`${platformAppid}|${authorizerAppid}`);
  }

  setAuthorization(authorization: Authorization): void {
    this.authorizations.set(`${authorization.platformAppid}|${authorization.authorizerAppid}`, authorization);
  }

  authorizationsOf(platformAppid: string): Authorization[] {
    return [...this.authorizations.values()].filter((a) => a.platformAppid === platformAppid);
  }
}

export function emptyCode(): MiniProgramCode {
  return {
    audits: [],
    history: [],
    revertedSinceRelease: false,
    nextAppVersion: 1,
    visitStatus: 'open',
    domains: {
      requestdomain: [],
      wsrequestdomain: [],
      uploaddomain: [],
      downloaddomain: [],
      udpdomain: [],
      tcpdomain: [],
    },
    directDomains: {
      requestdomain: [],
      wsrequestdomain: [],
      uploaddomain: [],
      downloaddomain: [],
      udpdomain: [],
      tcpdomain: [],
    },
    webviewDomains: [],
    privacy: {},
    undo: { day: '', dayCount: 0, month: '', monthCount: 0 },
    messages: [],
  };
}
