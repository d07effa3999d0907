import { Body, Controller, Get, Post, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';

import { WechatApiError } from '../api/wechat-api.errors';
import { CredentialsService } from '../credentials/credentials.service';
import { DEFAULT_FUNC_INFO, SimState, type Account, type Platform } from '../sim/sim-state';

type PageQuery = Record<string, string | undefined>;

const escapeHtml = (value: string) =>
  value.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

/**
 * The authorization pages of wechat-protocol.md §4: the PC page (`componentloginpage`) and the
 * H5 page (`safe/bindcomponent`) list the merchant accounts `auth_type` / `biz_appid` allow;
 * confirming consumes the pre-auth code, redirects to `redirect_uri` with `auth_code` and
 * `expires_in`, and sends the `authorized` push.
 */
@Controller()
export class AuthPagesController {
  constructor(
    private readonly credentials: CredentialsService,
    private readonly state: SimState,
  ) {}

  @Get('cgi-bin/componentloginpage')
  pcPage(@Query() query: PageQuery, @Res() reply: FastifyReply): Promise<void> {
    return this.render(query, 'pc', reply);
  }

  @Get('safe/bindcomponent')
  h5Page(@Query() query: PageQuery, @Res() reply: FastifyReply): Promise<void> {
    return this.render(query, 'h5', reply);
  }

  @Post('cgi-bin/componentloginpage/confirm')
  async confirm(@Body() form: PageQuery, @Res() reply: FastifyReply): Promise<void> {
    try {
      const { platform, redirectUri, allowedFuncInfo } = this.validate(form);
      const account = this.candidates(form).find((candidate) => candidate.appid === form['authorizer_appid']);
      if (!account) throw new PageError('该帐号不可授权 / This account cannot authorize here.');
      this.credentials.consumePreAuthCode(platform, form['pre_auth_code']);
      const { authCode, expiresIn } = this.credentials.authorize(
        platform,
        account,
        allowedFuncInfo(account),
        form['pre_auth_code'],
      );
      const target = new URL(redirectUri);
      target.searchParams.set('auth_code', authCode);
      target.searchParams.set('expires_in', String(expiresIn));
      await reply.status(302).header('location', target.toString()).send();
    } catch (error) {
      await this.errorPage(reply, error);
    }
  }

  private async render(query: PageQuery, variant: 'pc' | 'h5', reply: FastifyReply): Promise<void> {
    try {
      const { platform } = this.validate(query);
      const accounts = this.candidates(query);
      const hidden = [
        'component_appid',
        'pre_auth_code',
        'redirect_uri',
        'auth_type',
        'biz_appid',
        'category_id_list',
      ]
        .filter((name) => query[name] !== undefined)
        .map((name) => `<input type="hidden" name="${name}" value="${escapeHtml(query[name]!)}">`)
        .join('');
      const rows = accounts
        .map(
          (a) =>
            `<li><form method="post" action="/cgi-bin/componentloginpage/confirm">${hidden}` +
            `<input type="hidden" name="authorizer_appid" value="${a.appid}">` +
            `<span class="name">${escapeHtml(a.nickName)}</span> <span class="type">${a.type === 'mini_program' ? '小程序 mini program' : '公众号 official account'}</span> ` +
            `<code>${a.appid}</code> <button type="submit" data-appid="${a.appid}">授权 Authorize</button></form></li>`,
        )
        .join('');
      await reply
        .status(200)
        .type('text/html; charset=utf-8')
        .send(
          `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>公众平台帐号授权 (wechat-sim)</title></head>` +
            `<body data-variant="${variant}"><h1>授权给第三方平台 ${escapeHtml(platform.appid)}</h1>` +
            `<p>Authorize the third-party platform ${escapeHtml(platform.appid)} (simulated ${variant === 'pc' ? 'PC, QR scan' : 'H5, in WeChat'} page)</p>` +
            (accounts.length > 0
              ? `<ul id="accounts">${rows}</ul>`
              : '<p id="empty">没有可授权的帐号 / No account can authorize.</p>') +
            `</body></html>`,
        );
    } catch (error) {
      await this.errorPage(reply, error);
    }
  }

  private validate(query: PageQuery): {
    platform: Platform;
    redirectUri: string;
    allowedFuncInfo: (account: Account) => number[] | undefined;
  } {
    const platform = this.state.platforms.get(query['component_appid'] ?? '');
    if (!platform) throw new PageError('第三方平台不存在 / Unknown component_appid.');
    const preAuth = this.state.preAuthCodes.get(query['pre_auth_code'] ?? '');
    if (!preAuth || preAuth.platformAppid !== platform.appid || preAuth.used) {
      throw new PageError('授权码无效或已使用 / The pre_auth_code is invalid or was already used.');
    }
    const redirectUri = query['redirect_uri'] ?? '';
    if (!/^https?:\/\/[^\s]+$/.test(redirectUri))
      throw new PageError('redirect_uri 无效 / Invalid redirect_uri.');
    const authType = query['auth_type'];
    if (authType !== undefined && !['1', '2', '3'].includes(authType))
      throw new PageError('auth_type 无效 / Invalid auth_type.');
    const categories = query['category_id_list']
      ?.split('|')
      .map(Number)
      .filter((n) => Number.isInteger(n));
    return {
      platform,
      redirectUri,
      allowedFuncInfo: (account) => this.restrict(account, categories),
    };
  }

  /**
   * `category_id_list` restricts the permission sets offered (semantics UNCONFIRMED): the
   * merchant grants the account type's default sets that are in the list; none listed → defaults.
   */
  private restrict(account: Account, categories: number[] | undefined): number[] | undefined {
    if (!categories?.length) return undefined;
    const granted = DEFAULT_FUNC_INFO[account.type].filter((id) => categories.includes(id));
    return granted.length > 0 ? granted : undefined;
  }

  private candidates(query: PageQuery): Account[] {
    const bizAppid = query['biz_appid'];
    if (bizAppid) {
      const account = this.state.accounts.get(bizAppid);
      return account ? [account] : [];
    }
    const authType = query['auth_type'] ?? '3';
    // The accounts the scanning merchant administers, newest first (the page lists 200 at most):
    // an account just created is always there, however many the simulator holds.
    return [...this.state.accounts.values()]
      .filter(
        (a) =>
          authType === '3' || (authType === '1' ? a.type === 'official_account' : a.type === 'mini_program'),
      )
      .reverse()
      .slice(0, 200);
  }

  private async errorPage(reply: FastifyReply, error: unknown): Promise<void> {
    const message =
      error instanceof PageError
        ? error.message
        : error instanceof WechatApiError
          ? `${error.errcode}: ${error.message}`
          : 'system error';
    await reply
      .status(200)
      .type('text/html; charset=utf-8')
      .send(
        `<!doctype html><html><head><meta charset="utf-8"><title>授权失败</title></head><body><h1 id="error">${escapeHtml(message)}</h1></body></html>`,
      );
  }
}

class PageError extends Error {}
