import { All, Controller, HttpCode, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';

import { ApiGateway, type CallContext, type EndpointSpec } from '../api/api-gateway.service';
import { int, ok, runApiCall } from '../api/api-call.util';
import { WechatApiError } from '../api/wechat-api.errors';
import { SimState, type Account } from '../sim/sim-state';
import { CodeService } from './code.service';
import { qrcodeJpeg } from './qrcode.util';

const CODE_PERMISSION_SET = 18;

/** Template library (§5.1), code management (§5.2–5.5) and the customer-service message API. */
@Controller()
export class CodeApiController {
  constructor(
    private readonly gateway: ApiGateway,
    private readonly code: CodeService,
    private readonly state: SimState,
  ) {}

  // --- template library: component token in access_token -------------------

  @All('wxa/gettemplatedraftlist')
  @HttpCode(200)
  draftList(@Req() request: FastifyRequest) {
    return this.component(request, 'wxa/gettemplatedraftlist', 'GET', ({ platform }) => ({
      ...ok,
      draft_list: platform!.drafts,
    }));
  }

  @All('wxa/addtotemplate')
  @HttpCode(200)
  addToTemplate(@Req() request: FastifyRequest) {
    return this.component(request, 'wxa/addtotemplate', 'POST', ({ platform, body }) => {
      this.code.addToTemplate(platform!, body['draft_id'], body['template_type']);
      return ok;
    });
  }

  @All('wxa/gettemplatelist')
  @HttpCode(200)
  templateList(@Req() request: FastifyRequest) {
    return this.component(request, 'wxa/gettemplatelist', 'GET', ({ platform, query }) => {
      const type = query['template_type'];
      const list = platform!.templates.filter((t) => type === undefined || t.template_type === Number(type));
      return { ...ok, template_list: list };
    });
  }

  @All('wxa/deletetemplate')
  @HttpCode(200)
  deleteTemplate(@Req() request: FastifyRequest) {
    return this.component(request, 'wxa/deletetemplate', 'POST', ({ platform, body }) => {
      this.code.deleteTemplate(platform!, body['template_id']);
      return ok;
    });
  }

  // --- code management: authorizer token --------------------------------------

  @All('wxa/commit')
  @HttpCode(200)
  commit(@Req() request: FastifyRequest) {
    return this.miniProgram(request, 'wxa/commit', 'POST', (account, { platform, body }) => {
      this.code.commit(platform!, account, body);
      return ok;
    });
  }

  @All('wxa/get_page')
  @HttpCode(200)
  getPage(@Req() request: FastifyRequest) {
    return this.miniProgram(request, 'wxa/get_page', 'GET', (account) => ({
      ...ok,
      page_list: this.code.pages(account),
    }));
  }

  @All('wxa/get_qrcode')
  async getQrcode(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    try {
      const image = await this.miniProgram(request, 'wxa/get_qrcode', 'GET', (account, { query }) => {
        this.code.pages(account);
        return qrcodeJpeg(`${account.appid} ${query['path'] ?? ''}`);
      });
      await reply
        .status(200)
        .type('image/jpeg')
        .header('Content-disposition', 'attachment; filename="QRCode.jpg"')
        .send(image);
    } catch (error) {
      if (error instanceof WechatApiError) {
        await reply
          .status(200)
          .type('application/json')
          .send({ errcode: error.errcode, errmsg: error.message });
        return;
      }
      throw error;
    }
  }

  @All('wxa/get_category')
  @HttpCode(200)
  getCategory(@Req() request: FastifyRequest) {
    return this.miniProgram(request, 'wxa/get_category', 'GET', (account) => ({
      ...ok,
      category_list: account.categories,
    }));
  }

  @All('wxa/submit_audit')
  @HttpCode(200)
  submitAudit(@Req() request: FastifyRequest) {
    return this.miniProgram(request, 'wxa/submit_audit', 'POST', (account, { platform, body }) => ({
      ...ok,
      auditid: this.code.submitAudit(platform!, account, body),
    }));
  }

  @All('wxa/get_auditstatus')
  @HttpCode(200)
  auditStatus(@Req() request: FastifyRequest) {
    return this.miniProgram(request, 'wxa/get_auditstatus', 'POST', (account, { body }) => {
      const audit = this.code.audit(account, body['auditid']);
      return { ...ok, status: audit.status, reason: audit.reason, screenshot: audit.screenshot };
    });
  }

  @All('wxa/get_latest_auditstatus')
  @HttpCode(200)
  latestAuditStatus(@Req() request: FastifyRequest) {
    return this.miniProgram(request, 'wxa/get_latest_auditstatus', 'GET', (account) => {
      const audit = this.code.latestAuditOrFail(account);
      return {
        ...ok,
        auditid: audit.auditid,
        status: audit.status,
        reason: audit.reason,
        ScreenShot: audit.screenshot,
        user_version: audit.userVersion,
        user_desc: audit.userDesc,
        submit_audit_time: audit.submitTime,
      };
    });
  }

  @All('wxa/undocodeaudit')
  @HttpCode(200)
  undoAudit(@Req() request: FastifyRequest) {
    return this.miniProgram(request, 'wxa/undocodeaudit', 'GET', (account) => {
      this.code.undoAudit(account);
      return ok;
    });
  }

  @All('wxa/speedupaudit')
  @HttpCode(200)
  speedupAudit(@Req() request: FastifyRequest) {
    return this.miniProgram(request, 'wxa/speedupaudit', 'POST', (account, { platform, body }) => {
      this.code.speedupAudit(platform!, account, body['auditid']);
      return ok;
    });
  }

  @All('wxa/queryquota')
  @HttpCode(200)
  queryQuota(@Req() request: FastifyRequest) {
    return this.miniProgram(request, 'wxa/queryquota', 'GET', (_account, { platform }) => ({
      ...ok,
      ...this.code.quota(platform!),
    }));
  }

  @All('wxa/release')
  @HttpCode(200)
  release(@Req() request: FastifyRequest) {
    return this.miniProgram(
      request,
      'wxa/release',
      'POST',
      (account) => {
        this.code.release(account);
        return ok;
      },
      true,
    );
  }

  @All('wxa/revertcoderelease')
  @HttpCode(200)
  revert(@Req() request: FastifyRequest) {
    return this.miniProgram(request, 'wxa/revertcoderelease', 'GET', (account, { query }) => {
      if (query['action'] === 'get_history_version')
        return { ...ok, version_list: this.code.history(account) };
      const version = int(query['app_version']);
      if (Number.isNaN(version)) throw new WechatApiError(47001, 'app_version must be an integer');
      this.code.revert(account, version);
      return ok;
    });
  }

  @All('wxa/grayrelease')
  @HttpCode(200)
  grayRelease(@Req() request: FastifyRequest) {
    return this.miniProgram(request, 'wxa/grayrelease', 'POST', (account, { body }) => {
      this.code.grayRelease(account, body);
      return ok;
    });
  }

  @All('wxa/revertgrayrelease')
  @HttpCode(200)
  revertGrayRelease(@Req() request: FastifyRequest) {
    return this.miniProgram(request, 'wxa/revertgrayrelease', 'GET', (account) => {
      this.code.revertGrayRelease(account);
      return ok;
    });
  }

  @All('wxa/getgrayreleaseplan')
  @HttpCode(200)
  grayPlan(@Req() request: FastifyRequest) {
    return this.miniProgram(request, 'wxa/getgrayreleaseplan', 'GET', (account) => ({
      ...ok,
      gray_release_plan: account.code.gray ?? {
        status: 0,
        create_timestamp: 0,
        gray_percentage: 0,
        support_experiencer_first: false,
        support_debuger_first: false,
      },
    }));
  }

  @All('wxa/change_visitstatus')
  @HttpCode(200)
  visitStatus(@Req() request: FastifyRequest) {
    return this.miniProgram(request, 'wxa/change_visitstatus', 'POST', (account, { body }) => {
      this.code.changeVisitStatus(account, body['action']);
      return ok;
    });
  }

  @All('wxa/getversioninfo')
  @HttpCode(200)
  versionInfo(@Req() request: FastifyRequest) {
    return this.miniProgram(request, 'wxa/getversioninfo', 'POST', (account) => ({
      ...ok,
      ...this.code.versionInfo(account),
    }));
  }

  @All('wxa/modify_domain')
  @HttpCode(200)
  modifyDomain(@Req() request: FastifyRequest) {
    return this.miniProgram(request, 'wxa/modify_domain', 'POST', (account, { platform, body }) => ({
      ...ok,
      ...this.code.modifyDomain(account, body, platform!),
    }));
  }

  @All('wxa/modify_domain_directly')
  @HttpCode(200)
  modifyDomainDirectly(@Req() request: FastifyRequest) {
    return this.miniProgram(request, 'wxa/modify_domain_directly', 'POST', (account, { body }) => ({
      ...ok,
      ...this.code.modifyDomain(account, body),
    }));
  }

  @All('wxa/get_effective_domain')
  @HttpCode(200)
  effectiveDomain(@Req() request: FastifyRequest) {
    return this.miniProgram(request, 'wxa/get_effective_domain', 'POST', (account) => ({
      ...ok,
      ...this.code.effectiveDomains(account),
    }));
  }

  @All('wxa/security/get_code_privacy_info')
  @HttpCode(200)
  codePrivacyInfo(@Req() request: FastifyRequest) {
    return this.miniProgram(request, 'wxa/security/get_code_privacy_info', 'GET', (account) => ({
      ...ok,
      ...this.code.codePrivacyInfo(account),
    }));
  }

  @All('cgi-bin/component/modify_wxa_server_domain')
  @HttpCode(200)
  wxaServerDomain(@Req() request: FastifyRequest) {
    return this.component(
      request,
      'cgi-bin/component/modify_wxa_server_domain',
      'POST',
      ({ platform, body }) => {
        const lists = this.code.modifyPlatformDomains(
          platform!.wxaServerDomains,
          body,
          'wxa_server_domain',
          1000,
        );
        return {
          ...ok,
          published_wxa_server_domain: lists.published.join(';'),
          testing_wxa_server_domain: lists.testing.join(';'),
          invalid_wxa_server_domain: lists.invalid.join(';'),
        };
      },
    );
  }

  @All('cgi-bin/component/modify_wxa_jump_domain')
  @HttpCode(200)
  wxaJumpDomain(@Req() request: FastifyRequest) {
    return this.component(
      request,
      'cgi-bin/component/modify_wxa_jump_domain',
      'POST',
      ({ platform, body }) => {
        const lists = this.code.modifyPlatformDomains(
          platform!.wxaJumpDomains,
          body,
          'wxa_jump_h5_domain',
          200,
        );
        return {
          ...ok,
          published_wxa_jump_h5_domain: lists.published.join(';'),
          testing_wxa_jump_h5_domain: lists.testing.join(';'),
          invalid_wxa_jump_h5_domain: lists.invalid.join(';'),
        };
      },
    );
  }

  @All('wxa/setwebviewdomain')
  @HttpCode(200)
  webviewDomain(@Req() request: FastifyRequest) {
    return this.miniProgram(request, 'wxa/setwebviewdomain', 'POST', (account, { body }) => ({
      ...ok,
      webviewdomain: this.code.setWebviewDomain(account, body),
    }));
  }

  @All('cgi-bin/component/setprivacysetting')
  @HttpCode(200)
  setPrivacy(@Req() request: FastifyRequest) {
    return this.miniProgram(request, 'cgi-bin/component/setprivacysetting', 'POST', (account, { body }) => {
      this.code.setPrivacy(account, body);
      return ok;
    });
  }

  @All('cgi-bin/component/getprivacysetting')
  @HttpCode(200)
  getPrivacy(@Req() request: FastifyRequest) {
    return this.miniProgram(request, 'cgi-bin/component/getprivacysetting', 'POST', (account, { body }) => {
      const version = body['privacy_ver'] === undefined ? 2 : Number(body['privacy_ver']);
      if (version !== 1 && version !== 2) throw new WechatApiError(47001, 'privacy_ver must be 1 or 2');
      return { ...ok, ...this.code.getPrivacy(account, version) };
    });
  }

  @All('cgi-bin/message/custom/send')
  @HttpCode(200)
  customSend(@Req() request: FastifyRequest) {
    return runApiCall(
      this.gateway,
      request,
      { endpoint: 'cgi-bin/message/custom/send', method: 'POST', token: 'authorizer' },
      ({ authorization, body }) => {
        const account = this.state.accounts.get(authorization!.authorizerAppid)!;
        if (typeof body['touser'] !== 'string' || typeof body['msgtype'] !== 'string')
          throw new WechatApiError(47001, 'touser and msgtype are required');
        const msgtype = body['msgtype'];
        account.code.messages.push({
          touser: body['touser'],
          msgtype,
          content: body[msgtype],
          at: Date.now(),
        });
        return ok;
      },
    );
  }

  private component<T>(
    request: FastifyRequest,
    endpoint: string,
    method: EndpointSpec['method'],
    handler: (context: CallContext) => T,
  ) {
    return runApiCall(
      this.gateway,
      request,
      { endpoint, method, token: 'component', tokenParams: ['access_token'] },
      (context) => handler(context),
    );
  }

  private miniProgram<T>(
    request: FastifyRequest,
    endpoint: string,
    method: EndpointSpec['method'],
    handler: (account: Account, context: CallContext) => T,
    requireBody = false,
  ) {
    return runApiCall(
      this.gateway,
      request,
      { endpoint, method, token: 'authorizer', requireBody },
      (context) => {
        const account = this.state.accounts.get(context.authorization!.authorizerAppid)!;
        if (account.type !== 'mini_program')
          throw new WechatApiError(48001, 'api unauthorized: not a mini program');
        if (!context.authorization!.funcInfo.includes(CODE_PERMISSION_SET))
          throw new WechatApiError(61007, 'api is unauthorized to component');
        return handler(account, context);
      },
    );
  }
}
