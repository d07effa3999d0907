import { BadRequestException, ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { WechatCrypto } from '@wxop/wechat-crypto';
import { randomBytes } from 'node:crypto';

import { CountersService } from '../api/counters.service';
import { FaultsService } from '../api/faults.service';
import { CodeService } from '../code/code.service';
import { PushService } from '../pushes/push.service';
import { appidOf, opaque } from '../sim/random.util';
import { SimClock } from '../sim/sim-clock';
import {
  SimState,
  emptyCode,
  type Account,
  type AccountType,
  type Category,
  type Platform,
} from '../sim/sim-state';

export interface CreatePlatformInput {
  appid?: string;
  secret?: string;
  token?: string;
  encodingAESKey?: string;
  authEventUrl?: string;
  messageUrl?: string;
  ipAllowList?: string[];
  startTickets?: boolean;
}

export interface CreateAccountsInput {
  /** How many to generate; with `appids`, optional and otherwise equal to their number. */
  count?: number;
  /** Explicit appids, all new. */
  appids?: string[];
  type: AccountType;
  namePrefix?: string;
  categories?: Category[];
}

const PROFILE_FIELDS = [
  'nickName',
  'headImg',
  'signature',
  'principalName',
  'qrcodeUrl',
  'accountStatus',
  'verifyTypeId',
  'serviceTypeId',
] as const satisfies readonly (keyof Account)[];

export type AccountProfilePatch = Partial<Pick<Account, (typeof PROFILE_FIELDS)[number]>>;

const DEFAULT_CATEGORIES: Category[] = [
  { first_class: '工具', second_class: '效率', first_id: 287, second_id: 612 },
];

/** What the control API (/sim) does: create platforms and merchants, authorize, push, reset. */
@Injectable()
export class SimControlService {
  constructor(
    private readonly state: SimState,
    private readonly clock: SimClock,
    private readonly pushes: PushService,
    private readonly code: CodeService,
    private readonly counters: CountersService,
    private readonly faults: FaultsService,
  ) {}

  createPlatform(input: CreatePlatformInput): Platform {
    const appid = input.appid ?? appidOf();
    if (this.state.platforms.has(appid)) throw new BadRequestException(`platform ${appid} exists`);
    const token = input.token ?? opaque(32).replace(/[-_]/g, 'x');
    const encodingAESKey =
      input.encodingAESKey ??
      randomBytes(32)
        .toString('base64')
        .replace(/[^A-Za-z0-9]/g, 'A')
        .slice(0, 43);
    let crypto: WechatCrypto;
    try {
      crypto = new WechatCrypto({ token, encodingAESKey, appid });
    } catch (error) {
      throw new BadRequestException(error instanceof Error ? error.message : String(error));
    }
    const platform: Platform = {
      appid,
      secret: input.secret ?? randomBytes(16).toString('hex'),
      token,
      encodingAESKey,
      authEventUrl: input.authEventUrl,
      messageUrl: input.messageUrl,
      ipAllowList: input.ipAllowList ?? [],
      crypto,
      tickets: [],
      ticketPushesEnabled: false,
      auditQuotaUsed: 0,
      speedupUsed: 0,
      auditQuotaMonth: this.clock.monthKey(),
      clearQuotaUses: { month: '', count: 0 },
      drafts: [],
      templates: [],
      nextDraftId: 1,
      nextTemplateId: 1,
      wxaServerDomains: { published: [], testing: [], changes: { month: '', count: 0 } },
      wxaJumpDomains: { published: [], testing: [], changes: { month: '', count: 0 } },
    };
    this.state.platforms.set(appid, platform);
    if (input.startTickets !== false) this.pushes.startTickets(platform);
    return platform;
  }

  updatePlatform(
    appid: string,
    patch: Pick<CreatePlatformInput, 'authEventUrl' | 'messageUrl' | 'ipAllowList'>,
  ): Platform {
    const platform = this.platform(appid);
    if (patch.authEventUrl !== undefined) platform.authEventUrl = patch.authEventUrl;
    if (patch.messageUrl !== undefined) platform.messageUrl = patch.messageUrl;
    if (patch.ipAllowList !== undefined) platform.ipAllowList = patch.ipAllowList;
    return platform;
  }

  platform(appid: string): Platform {
    const platform = this.state.platforms.get(appid);
    if (!platform) throw new NotFoundException(`no platform ${appid}`);
    return platform;
  }

  account(appid: string): Account {
    const account = this.state.accounts.get(appid);
    if (!account) throw new NotFoundException(`no account ${appid}`);
    return account;
  }

  /** Creates merchant accounts in bulk (10 000 take well under a second), with generated or given appids. */
  createAccounts(input: CreateAccountsInput): Account[] {
    const appids = input.appids ?? [];
    if (input.appids && input.count !== undefined && input.count !== appids.length)
      throw new BadRequestException(`count ${input.count} differs from the ${appids.length} appids given`);
    if (new Set(appids).size !== appids.length) throw new BadRequestException('appids has duplicates');
    const existing = appids.filter((appid) => this.state.accounts.has(appid));
    if (existing.length > 0) throw new ConflictException(`accounts exist: ${existing.join(', ')}`);
    const count = input.appids ? appids.length : (input.count ?? 0);
    const created: Account[] = [];
    const prefix = input.namePrefix ?? (input.type === 'mini_program' ? '模拟小程序' : '模拟公众号');
    for (let i = 0; i < count; i++) {
      let appid = appids[i] ?? appidOf();
      // A generated appid may (in 2^64) collide with an existing one; never overwrite an account.
      while (!input.appids && this.state.accounts.has(appid)) appid = appidOf();
      const index = this.state.accounts.size + 1;
      const account: Account = {
        appid,
        type: input.type,
        nickName: `${prefix}${index}`,
        userName: `gh_${randomBytes(6).toString('hex')}`,
        principalName: `模拟企业${index}有限公司`,
        headImg: `http://wx.qlogo.cn/mmopen/sim/${appid}/0`,
        qrcodeUrl: `http://mmbiz.qpic.cn/mmbiz_jpg/sim/${appid}/0`,
        signature: `${prefix}${index} 的简介`,
        serviceTypeId: input.type === 'mini_program' ? 0 : 2,
        verifyTypeId: 0,
        accountStatus: 1,
        categories: input.type === 'mini_program' ? (input.categories ?? DEFAULT_CATEGORIES) : [],
        options: {},
        code: emptyCode(),
      };
      this.state.accounts.set(appid, account);
      created.push(account);
    }
    return created;
  }

  /** Changes what api_get_authorizer_info answers for an account (a profile refresh); absent fields stay. */
  updateAccount(appid: string, patch: AccountProfilePatch): Account {
    const account = this.account(appid);
    const changes = PROFILE_FIELDS.filter((key) => patch[key] !== undefined && patch[key] !== null);
    return Object.assign(account, Object.fromEntries(changes.map((key) => [key, patch[key]])));
  }

  resetAll(): void {
    this.pushes.reset();
    this.code.cancelTimers();
    this.state.reset();
    this.counters.reset();
    this.faults.clear();
    this.clock.reset();
  }

  /** The demo of npm start: one platform pushing to the local ingress, and a few merchants. */
  seedDemo(pushBaseUrl: string): { platform: Platform; accounts: Account[] } {
    const appid = 'wxd0000000000de0a1';
    const existing = this.state.platforms.get(appid);
    if (existing) return { platform: existing, accounts: [...this.state.accounts.values()] };
    const base = pushBaseUrl.replace(/\/$/, '');
    const platform = this.createPlatform({
      appid,
      secret: 'demo-component-secret-0000000000',
      token: 'wxopdemotoken',
      encodingAESKey: 'wxopDemoEncodingAesKey0000000000000000000000'.slice(0, 43),
      authEventUrl: `${base}/wechat/components/${appid}/events`,
      messageUrl: `${base}/wechat/components/${appid}/authorizers/$APPID$/messages`,
    });
    const accounts = [
      ...this.createAccounts({ count: 3, type: 'mini_program', namePrefix: '演示小程序' }),
      ...this.createAccounts({ count: 2, type: 'official_account', namePrefix: '演示公众号' }),
    ];
    this.code.addDraft(platform, '1.0.0', 'demo template', accounts[0]);
    return { platform, accounts };
  }
}
