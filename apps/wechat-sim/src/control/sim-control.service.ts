import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
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
  count: number;
  type: AccountType;
  namePrefix?: string;
  categories?: Category[];
}

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
      clearQuotaUses: { month: '', count: 0 },
      drafts: [],
      templates: [],
      nextDraftId: 1,
      nextTemplateId: 1,
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

  /** Creates merchant accounts in bulk (10 000 take well under a second). */
  createAccounts(input: CreateAccountsInput): Account[] {
    const created: Account[] = [];
    const prefix = input.namePrefix ?? (input.type === 'mini_program' ? '模拟小程序' : '模拟公众号');
    for (let i = 0; i < input.count; i++) {
      const appid = appidOf();
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
