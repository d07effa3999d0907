import { Injectable } from '@nestjs/common';
import type { PreAuthCodeReply } from '@wxop/contracts';
import { WechatApiClient, WechatApiError } from '@wxop/wechat-api';

import { TokenError } from '../shared/token.errors';
import { ComponentTokensService } from './component-tokens.service';

/** Pre-auth codes for authorization links (wechat-protocol.md §3.2): single use, so one per link, never cached. */
@Injectable()
export class PreAuthCodesService {
  constructor(
    private readonly componentTokens: ComponentTokensService,
    private readonly wechat: WechatApiClient,
  ) {}

  async create(componentAppid: string): Promise<PreAuthCodeReply> {
    const issue = async (token: string) => {
      const code = await this.wechat.createPreAuthCode(token, componentAppid);
      return {
        preAuthCode: code.preAuthCode,
        expiresAt: new Date(Date.now() + code.expiresIn * 1000).toISOString(),
      };
    };
    const { accessToken } = await this.componentTokens.accessToken(componentAppid);
    try {
      return await issue(accessToken);
    } catch (error) {
      if (error instanceof WechatApiError && error.tokenRejected) {
        const renewed = await this.componentTokens.invalidate(componentAppid, accessToken);
        return issue(renewed.accessToken);
      }
      const reason = error instanceof Error ? error.message : String(error);
      throw TokenError.unavailable(`no pre-auth code can be created now: ${reason}`);
    }
  }
}
