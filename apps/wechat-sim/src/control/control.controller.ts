import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  ParseIntPipe,
  Patch,
  Post,
  Put,
  Query,
  UsePipes,
  ValidationPipe,
} from '@nestjs/common';

import { CountersService } from '../api/counters.service';
import { FaultRule, FaultsService } from '../api/faults.service';
import { CodeService } from '../code/code.service';
import { CredentialsService } from '../credentials/credentials.service';
import { PushService } from '../pushes/push.service';
import { toWechatXml } from '../pushes/push-xml.util';
import { FastRegistrationService } from '../registrations/fast-registration.service';
import { SimClock } from '../sim/sim-clock';
import { SimSettings } from '../sim/sim-settings';
import { SimState, type Account, type Platform } from '../sim/sim-state';
import {
  AdvanceClockDto,
  AuditDecisionDto,
  AuthorizeDto,
  BulkAuthorizeDto,
  CreateAccountsDto,
  CreatePlatformDto,
  DraftDto,
  FastRegistrationDto,
  FaultsDto,
  PushDto,
  TicketPushesDto,
  UpdateAccountDto,
  UpdatePlatformDto,
} from './control.dto';
import { SimControlService } from './sim-control.service';

const platformView = (p: Platform) => ({
  appid: p.appid,
  secret: p.secret,
  token: p.token,
  encodingAESKey: p.encodingAESKey,
  authEventUrl: p.authEventUrl,
  messageUrl: p.messageUrl,
  ipAllowList: p.ipAllowList,
  ticketPushesEnabled: p.ticketPushesEnabled,
  currentTicket: p.tickets[p.tickets.length - 1]?.value,
  auditQuotaUsed: p.auditQuotaUsed,
  templates: p.templates.length,
});

const accountView = (a: Account) => ({
  appid: a.appid,
  type: a.type,
  nickName: a.nickName,
  userName: a.userName,
  principalName: a.principalName,
  headImg: a.headImg,
  qrcodeUrl: a.qrcodeUrl,
  signature: a.signature,
  serviceTypeId: a.serviceTypeId,
  verifyTypeId: a.verifyTypeId,
  accountStatus: a.accountStatus,
  categories: a.categories,
});

/** The simulator's control API: JSON, real HTTP statuses, validated bodies (400 names every bad field). */
@Controller('sim')
@UsePipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }))
export class ControlController {
  constructor(
    private readonly control: SimControlService,
    private readonly credentials: CredentialsService,
    private readonly pushes: PushService,
    private readonly code: CodeService,
    private readonly state: SimState,
    private readonly counters: CountersService,
    private readonly faults: FaultsService,
    private readonly registrations: FastRegistrationService,
    private readonly clock: SimClock,
    @Inject(SimSettings) private readonly settings: SimSettings,
  ) {}

  @Get()
  summary() {
    return {
      platforms: this.state.platforms.size,
      accounts: this.state.accounts.size,
      authorizations: [...this.state.authorizations.values()].filter((a) => a.status === 'authorized').length,
      clock: new Date(this.clock.now()).toISOString(),
      settings: this.settings,
    };
  }

  @Post('platforms')
  createPlatform(@Body() dto: CreatePlatformDto) {
    return platformView(this.control.createPlatform(dto));
  }

  @Get('platforms')
  platforms() {
    return [...this.state.platforms.values()].map(platformView);
  }

  @Get('platforms/:appid')
  platform(@Param('appid') appid: string) {
    return platformView(this.control.platform(appid));
  }

  @Patch('platforms/:appid')
  updatePlatform(@Param('appid') appid: string, @Body() dto: UpdatePlatformDto) {
    return platformView(this.control.updatePlatform(appid, dto));
  }

  @Put('platforms/:appid/ticket-pushes')
  @HttpCode(200)
  ticketPushes(@Param('appid') appid: string, @Body() dto: TicketPushesDto) {
    const platform = this.control.platform(appid);
    if (dto.enabled) this.pushes.startTickets(platform);
    else this.pushes.stopTickets(platform);
    return platformView(platform);
  }

  @Post('platforms/:appid/tickets')
  async pushTicket(@Param('appid') appid: string) {
    return this.pushes.pushTicket(this.control.platform(appid));
  }

  @Post('accounts')
  createAccounts(@Body() dto: CreateAccountsDto) {
    const created = this.control.createAccounts(dto);
    return {
      count: created.length,
      accounts: created.length <= 1000 ? created.map(accountView) : undefined,
      appids: created.map((a) => a.appid),
    };
  }

  @Get('accounts')
  accounts(@Query('type') type?: string, @Query('offset') offset = '0', @Query('limit') limit = '100') {
    const all = [...this.state.accounts.values()].filter((a) => !type || a.type === type);
    return {
      total: all.length,
      accounts: all.slice(Number(offset), Number(offset) + Math.min(Number(limit), 1000)).map(accountView),
    };
  }

  @Get('accounts/:appid')
  account(@Param('appid') appid: string) {
    const account = this.control.account(appid);
    return {
      ...accountView(account),
      code: { ...account.code, messages: undefined },
      options: account.options,
    };
  }

  @Patch('accounts/:appid')
  updateAccount(@Param('appid') appid: string, @Body() dto: UpdateAccountDto) {
    return accountView(this.control.updateAccount(appid, dto));
  }

  @Get('accounts/:appid/messages')
  messages(@Param('appid') appid: string) {
    return this.control.account(appid).code.messages;
  }

  @Post('platforms/:appid/authorizations')
  async authorize(@Param('appid') appid: string, @Body() dto: AuthorizeDto, @Query('wait') wait?: string) {
    const platform = this.control.platform(appid);
    const account = this.control.account(dto.authorizerAppid);
    const { authCode, expiresIn, push } = this.credentials.authorize(platform, account, dto.funcInfo);
    const delivered = wait === 'true' ? await push : undefined;
    return { authorizerAppid: account.appid, authCode, expiresIn, push: delivered };
  }

  @Post('platforms/:appid/fast-registrations')
  async fastRegister(
    @Param('appid') appid: string,
    @Body() dto: FastRegistrationDto,
    @Query('wait') wait?: string,
  ) {
    const registered = this.registrations.register(this.control.platform(appid), dto);
    const delivered = wait === 'true' ? await registered.push : undefined;
    return { appid: registered.appid, authCode: registered.authCode, push: delivered };
  }

  @Post('platforms/:appid/authorizations/bulk')
  bulkAuthorize(@Param('appid') appid: string, @Body() dto: BulkAuthorizeDto) {
    const platform = this.control.platform(appid);
    const accounts = dto.authorizerAppids
      ? dto.authorizerAppids.map((id) => this.control.account(id))
      : [...this.state.accounts.values()].filter(
          (a) => this.state.authorization(appid, a.appid)?.status !== 'authorized',
        );
    const created = accounts.map((account) =>
      this.credentials.authorizeSilently(platform, account, dto.exchanged ?? true),
    );
    return {
      count: created.length,
      authorizations: created.map((a) => ({
        authorizerAppid: a.authorizerAppid,
        refreshToken: a.refreshToken,
      })),
    };
  }

  @Get('platforms/:appid/authorizations')
  authorizations(@Param('appid') appid: string) {
    this.control.platform(appid);
    return this.state.authorizationsOf(appid).map((a) => ({
      authorizerAppid: a.authorizerAppid,
      status: a.status,
      funcInfo: a.funcInfo,
      authTime: a.authTime,
      exchanged: a.exchanged,
    }));
  }

  @Delete('platforms/:appid/authorizations/:authorizerAppid')
  async unauthorize(
    @Param('appid') appid: string,
    @Param('authorizerAppid') authorizerAppid: string,
    @Query('wait') wait?: string,
  ) {
    const push = this.credentials.unauthorize(
      this.control.platform(appid),
      this.control.account(authorizerAppid),
    );
    return { authorizerAppid, status: 'unauthorized', push: wait === 'true' ? await push : undefined };
  }

  @Post('platforms/:appid/pushes')
  async push(@Param('appid') appid: string, @Body() dto: PushDto) {
    const platform = this.control.platform(appid);
    const account = dto.authorizerAppid ? this.control.account(dto.authorizerAppid) : undefined;
    if (dto.xml !== undefined) return this.pushes.pushRaw(platform, account, dto.xml);
    if (account)
      return this.pushes.pushMessage(
        platform,
        account,
        dto.fields ?? { MsgType: 'text', Content: 'hello', MsgId: Date.now() },
        dto.openid,
      );
    if (!dto.infoType) return this.pushes.pushRaw(platform, undefined, toWechatXml(dto.fields ?? {}));
    return this.pushes.pushComponent(platform, dto.infoType, dto.fields ?? {});
  }

  @Post('platforms/:appid/drafts')
  draft(@Param('appid') appid: string, @Body() dto: DraftDto) {
    return { draftId: this.code.addDraft(this.control.platform(appid), dto.userVersion, dto.userDesc ?? '') };
  }

  @Post('platforms/:appid/accounts/:authorizerAppid/audit')
  @HttpCode(200)
  decide(
    @Param('appid') appid: string,
    @Param('authorizerAppid') authorizerAppid: string,
    @Body() dto: AuditDecisionDto,
  ) {
    return this.code.decide(
      this.control.platform(appid),
      this.control.account(authorizerAppid),
      dto.decision,
      dto.reason,
    );
  }

  @Get('pushes')
  pushLog(@Query('platformAppid') platformAppid?: string, @Query('type') type?: string) {
    return this.pushes.records({ platformAppid, type });
  }

  @Get('settings')
  getSettings() {
    return this.settings;
  }

  @Put('settings')
  updateSettings(@Body() patch: SimSettings) {
    const intervalChanged =
      patch.ticketIntervalSeconds !== undefined &&
      patch.ticketIntervalSeconds !== this.settings.ticketIntervalSeconds;
    Object.assign(
      this.settings,
      Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)),
    );
    if (intervalChanged) {
      for (const platform of this.state.platforms.values())
        if (platform.ticketPushesEnabled) this.pushes.startTickets(platform);
    }
    return this.settings;
  }

  @Get('faults')
  getFaults() {
    return this.faults.list();
  }

  @Put('faults')
  setFaults(@Body() dto: FaultsDto) {
    return this.faults.set(dto.rules);
  }

  /** Adds one rule to those in force; answers it with its id (to delete it alone). */
  @Post('faults')
  addFault(@Body() rule: FaultRule) {
    return this.faults.add(rule);
  }

  /** Every rule, or `?endpoint=` its rules; answers the rules left. */
  @Delete('faults')
  clearFaults(@Query('endpoint') endpoint?: string) {
    this.faults.clear({ endpoint });
    return this.faults.list();
  }

  @Delete('faults/:id')
  clearFault(@Param('id', ParseIntPipe) id: number) {
    if (this.faults.clear({ id }) === 0) throw new NotFoundException(`no fault rule ${id}`);
    return this.faults.list();
  }

  @Get('counters')
  getCounters(@Query('endpoint') endpoint?: string, @Query('appid') appid?: string) {
    return this.counters.list({ endpoint, appid });
  }

  @Delete('counters')
  resetCounters() {
    this.counters.reset();
    return [];
  }

  @Post('clock/advance')
  @HttpCode(200)
  advance(@Body() dto: AdvanceClockDto) {
    this.clock.advance(dto.seconds);
    return { now: new Date(this.clock.now()).toISOString() };
  }

  @Post('reset')
  @HttpCode(200)
  reset() {
    this.control.resetAll();
    return { reset: true };
  }
}
