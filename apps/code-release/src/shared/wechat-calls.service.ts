import { Injectable } from '@nestjs/common';
import { withAuthorizerToken, withComponentToken } from '@wxop/wechat-api';

import { fromWechatError } from './code-release.errors';
import { TokenClient } from './token.client';

/**
 * Runs a WeChat call with the right token from the token service: a token WeChat rejects
 * (40001/40014/42001) is invalidated there by compare-and-set and the call made once more.
 * WeChat's refusals come out as CodeReleaseErrors carrying errcode and errmsg.
 */
@Injectable()
export class WechatCalls {
  constructor(private readonly tokens: TokenClient) {}

  async asAuthorizer<T>(
    ids: { componentAppid: string; authorizerAppid: string },
    call: (accessToken: string) => Promise<T>,
  ): Promise<T> {
    try {
      return await withAuthorizerToken(this.tokens, ids, call);
    } catch (error) {
      throw fromWechatError(error);
    }
  }

  async asComponent<T>(componentAppid: string, call: (componentToken: string) => Promise<T>): Promise<T> {
    try {
      return await withComponentToken(this.tokens.component, { componentAppid }, call);
    } catch (error) {
      throw fromWechatError(error);
    }
  }
}
