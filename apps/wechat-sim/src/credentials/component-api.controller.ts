import { All, Controller, HttpCode, Inject, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

import { ApiGateway } from '../api/api-gateway.service';
import { int, ok, runApiCall } from '../api/api-call.util';
import { WechatApiError } from '../api/wechat-api.errors';
import { PushService } from '../pushes/push.service';
import { SimSettings } from '../sim/sim-settings';
import { SimState, type Account, type Authorization } from '../sim/sim-state';
import { CredentialsService } from './credentials.service';

const C = 'cgi-bin/component';
const OPTIONS: Record<string, string[]> = {
  location_report: ['0', '1', '2'],
  voice_recognize: ['0', '1'],
  customer_service: ['0', '1'],
};

const funcInfoOf = (authorization: Authorization) =>
  authorization.funcInfo.map((id) => ({ funcscope_category: { id } }));

/** Component (third-party platform) APIs of wechat-protocol.md §3. */
@Controller()
export class ComponentApiController {
  constructor(
    private readonly gateway: ApiGateway,
    private readonly credentials: CredentialsService,
    private readonly state: SimState,
    private readonly pushes: PushService,
    @Inject(SimSettings) private readonly settings: SimSettings,
  ) {}

  @All(`${C}/api_component_token`)
  @HttpCode(200)
  componentToken(@Req() request: FastifyRequest) {
    return runApiCall(
      this.gateway,
      request,
      { endpoint: `${C}/api_component_token`, method: 'POST', token: 'none' },
      ({ body }, setAppid) => {
        const platform = this.credentials.platform(body['component_appid']);
        setAppid(platform.appid);
        this.gateway.checkIp(platform, request.ip, `${C}/api_component_token`);
        this.gateway.consumeQuota(platform, `${C}/api_component_token`);
        const record = this.credentials.componentToken(
          platform,
          body['component_appsecret'],
          body['component_verify_ticket'],
        );
        return {
          component_access_token: record.value,
          expires_in: Math.round((record.expiresAt - record.issuedAt) / 1000),
        };
      },
    );
  }

  @All(`${C}/api_start_push_ticket`)
  @HttpCode(200)
  startPushTicket(@Req() request: FastifyRequest) {
    return runApiCall(
      this.gateway,
      request,
      { endpoint: `${C}/api_start_push_ticket`, method: 'POST', token: 'none' },
      ({ body }, setAppid) => {
        const platform = this.credentials.platform(body['component_appid']);
        setAppid(platform.appid);
        this.gateway.checkIp(platform, request.ip, `${C}/api_start_push_ticket`);
        if (body['component_secret'] === undefined) throw new WechatApiError(41004);
        if (body['component_secret'] !== platform.secret) throw new WechatApiError(40125);
        // §2.1: `ok` when pushes were restarted, `in a normal state` when they were running.
        if (platform.ticketPushesEnabled) {
          if (this.settings.startPushTicketPushesWhenRunning) void this.pushes.pushTicket(platform);
          return { errcode: 0, errmsg: 'in a normal state' };
        }
        this.pushes.startTickets(platform);
        return ok;
      },
    );
  }

  @All(`${C}/api_create_preauthcode`)
  @HttpCode(200)
  createPreAuthCode(@Req() request: FastifyRequest) {
    return runApiCall(
      this.gateway,
      request,
      { endpoint: `${C}/api_create_preauthcode`, method: 'POST', token: 'component' },
      ({ body, platform }) => {
        if (body['component_appid'] !== platform!.appid) throw new WechatApiError(40013);
        const { code, expiresIn } = this.credentials.preAuthCode(platform!);
        return { pre_auth_code: code, expires_in: expiresIn };
      },
    );
  }

  @All(`${C}/api_query_auth`)
  @HttpCode(200)
  queryAuth(@Req() request: FastifyRequest) {
    return runApiCall(
      this.gateway,
      request,
      { endpoint: `${C}/api_query_auth`, method: 'POST', token: 'component' },
      ({ body, platform }, setAppid) => {
        if (body['component_appid'] !== platform!.appid) throw new WechatApiError(40013);
        const { authorization, token } = this.credentials.queryAuth(platform!, body['authorization_code']);
        setAppid(authorization.authorizerAppid);
        return {
          authorization_info: {
            authorizer_appid: authorization.authorizerAppid,
            authorizer_access_token: token.value,
            expires_in: Math.round((token.expiresAt - token.issuedAt) / 1000),
            authorizer_refresh_token: authorization.refreshToken,
            func_info: funcInfoOf(authorization),
          },
        };
      },
    );
  }

  @All(`${C}/api_authorizer_token`)
  @HttpCode(200)
  authorizerToken(@Req() request: FastifyRequest) {
    return runApiCall(
      this.gateway,
      request,
      { endpoint: `${C}/api_authorizer_token`, method: 'POST', token: 'component' },
      ({ body, platform }, setAppid) => {
        if (body['component_appid'] !== platform!.appid) throw new WechatApiError(40013);
        if (typeof body['authorizer_appid'] === 'string') setAppid(body['authorizer_appid']);
        const { token, refreshToken } = this.credentials.refreshAuthorizerToken(
          platform!,
          body['authorizer_appid'],
          body['authorizer_refresh_token'],
        );
        return {
          authorizer_access_token: token.value,
          expires_in: Math.round((token.expiresAt - token.issuedAt) / 1000),
          authorizer_refresh_token: refreshToken,
        };
      },
    );
  }

  @All(`${C}/api_get_authorizer_info`)
  @HttpCode(200)
  authorizerInfo(@Req() request: FastifyRequest) {
    return runApiCall(
      this.gateway,
      request,
      { endpoint: `${C}/api_get_authorizer_info`, method: 'POST', token: 'component' },
      ({ body, platform }, setAppid) => {
        if (body['component_appid'] !== platform!.appid) throw new WechatApiError(40013);
        const account = this.credentials.account(body['authorizer_appid']);
        setAppid(account.appid);
        const authorization = this.state.authorization(platform!.appid, account.appid);
        if (!authorization || authorization.status !== 'authorized') throw new WechatApiError(61003);
        return {
          authorizer_info: this.profileOf(account),
          authorization_info: {
            authorizer_appid: account.appid,
            ...(authorization.exchanged ? { authorizer_refresh_token: authorization.refreshToken } : {}),
            func_info: funcInfoOf(authorization),
          },
        };
      },
    );
  }

  @All(`${C}/api_get_authorizer_list`)
  @HttpCode(200)
  authorizerList(@Req() request: FastifyRequest) {
    return runApiCall(
      this.gateway,
      request,
      { endpoint: `${C}/api_get_authorizer_list`, method: 'POST', token: 'component' },
      ({ body, platform }) => {
        if (body['component_appid'] !== platform!.appid) throw new WechatApiError(40013);
        const offset = int(body['offset'], 0)!;
        const count = int(body['count'], 0)!;
        if (!(offset >= 0) || !(count >= 1 && count <= 500))
          throw new WechatApiError(47001, 'invalid offset or count (1-500)');
        // §3.6: an authorization whose code was never exchanged is listed without refresh_token.
        const listing = this.settings.unexchangedInAuthorizerList;
        const authorized = this.state
          .authorizationsOf(platform!.appid)
          .filter((a) => a.status === 'authorized' && (a.exchanged || listing !== 'absent'));
        return {
          total_count: authorized.length,
          list: authorized.slice(offset, offset + count).map((a) => ({
            authorizer_appid: a.authorizerAppid,
            ...(a.exchanged || listing === 'with_refresh_token' ? { refresh_token: a.refreshToken } : {}),
            auth_time: a.authTime,
          })),
        };
      },
    );
  }

  @All(`${C}/api_get_authorizer_option`)
  @HttpCode(200)
  getOption(@Req() request: FastifyRequest) {
    return runApiCall(
      this.gateway,
      request,
      { endpoint: `${C}/api_get_authorizer_option`, method: 'POST', token: 'component' },
      ({ body, platform }, setAppid) => {
        const account = this.authorizedAccount(platform!.appid, body, setAppid);
        const name = String(body['option_name'] ?? '');
        if (!OPTIONS[name]) throw new WechatApiError(61012);
        return {
          authorizer_appid: account.appid,
          option_name: name,
          option_value: account.options[name] ?? '0',
        };
      },
    );
  }

  @All(`${C}/api_set_authorizer_option`)
  @HttpCode(200)
  setOption(@Req() request: FastifyRequest) {
    return runApiCall(
      this.gateway,
      request,
      { endpoint: `${C}/api_set_authorizer_option`, method: 'POST', token: 'component' },
      ({ body, platform }, setAppid) => {
        const account = this.authorizedAccount(platform!.appid, body, setAppid);
        const name = String(body['option_name'] ?? '');
        const allowed = OPTIONS[name];
        if (!allowed) throw new WechatApiError(61012);
        const value = String(body['option_value'] ?? '');
        if (!allowed.includes(value)) throw new WechatApiError(61013);
        account.options[name] = value;
        return ok;
      },
    );
  }

  @All('cgi-bin/clear_quota')
  @HttpCode(200)
  clearQuota(@Req() request: FastifyRequest) {
    return runApiCall(
      this.gateway,
      request,
      { endpoint: 'cgi-bin/clear_quota', method: 'POST', token: 'component', tokenParams: ['access_token'] },
      ({ body, platform }) => {
        if (body['appid'] !== platform!.appid) throw new WechatApiError(40013);
        this.credentials.clearQuota(platform!);
        return ok;
      },
    );
  }

  @All('cgi-bin/openapi/quota/get')
  @HttpCode(200)
  quotaGet(@Req() request: FastifyRequest) {
    return runApiCall(
      this.gateway,
      request,
      {
        endpoint: 'cgi-bin/openapi/quota/get',
        method: 'POST',
        token: 'component',
        tokenParams: ['access_token'],
      },
      ({ body, platform }) => {
        const path = String(body['cgi_path'] ?? '').replace(/^\//, '');
        if (!path) throw new WechatApiError(47001, 'cgi_path missing');
        const used = this.gateway.quotaUsed(platform!, path);
        const limit = this.credentials.dailyLimit();
        return { ...ok, quota: { daily_limit: limit, used, remain: Math.max(0, limit - used) } };
      },
    );
  }

  private authorizedAccount(
    platformAppid: string,
    body: Record<string, unknown>,
    setAppid: (appid: string) => void,
  ): Account {
    if (body['component_appid'] !== platformAppid) throw new WechatApiError(40013);
    const account = this.credentials.account(body['authorizer_appid']);
    setAppid(account.appid);
    const authorization = this.state.authorization(platformAppid, account.appid);
    if (!authorization || authorization.status !== 'authorized') throw new WechatApiError(61003);
    return account;
  }

  private profileOf(account: Account): Record<string, unknown> {
    const profile: Record<string, unknown> = {
      nick_name: account.nickName,
      head_img: account.headImg,
      service_type_info: { id: account.serviceTypeId },
      verify_type_info: { id: account.verifyTypeId },
      user_name: account.userName,
      alias: '',
      qrcode_url: account.qrcodeUrl,
      principal_name: account.principalName,
      signature: account.signature,
      business_info: { open_pay: 0, open_shake: 0, open_scan: 0, open_card: 0, open_store: 0 },
      register_type: 0,
      account_status: account.accountStatus,
      basic_config: { is_phone_configured: true, is_email_configured: true },
    };
    if (account.type === 'mini_program') {
      const d = account.code.domains;
      profile['MiniProgramInfo'] = {
        network: {
          RequestDomain: d.requestdomain,
          WsRequestDomain: d.wsrequestdomain,
          UploadDomain: d.uploaddomain,
          DownloadDomain: d.downloaddomain,
          UDPDomain: d.udpdomain,
          TCPDomain: d.tcpdomain,
          BizDomain: account.code.webviewDomains,
        },
        categories: account.categories.map((c) => ({ first: c.first_class, second: c.second_class })),
        visit_status: account.code.visitStatus === 'open' ? 0 : 1,
      };
    }
    return profile;
  }
}
