import { Injectable } from '@nestjs/common';
import { WechatApiError } from '@wxop/wechat-api';

import { fromWechatError } from './code-release.errors';
import { TokenClient, type AuthorizerTokenSource, type ComponentTokenSource } from './token.client';

/** 40001 / 40014 / 42001: the token was superseded, malformed or expired. */
function tokenRejected(error: unknown): boolean {
  return error instanceof WechatApiError && error.tokenRejected;
}

// TODO wxapi: withAuthorizerToken / withComponentToken come from @wxop/wechat-api once merged;
// these two are the same algorithm, kept here until then.
async function withAuthorizerToken<T>(
  source: AuthorizerTokenSource,
  ids: { componentAppid: string; authorizerAppid: string },
  call: (accessToken: string) => Promise<T>,
): Promise<T> {
  const token = await source.get(ids.componentAppid, ids.authorizerAppid);
  try {
    return await call(token);
  } catch (error) {
    if (!tokenRejected(error)) throw error;
    return call(await source.invalidate(ids.componentAppid, ids.authorizerAppid, token));
  }
}

async function withComponentToken<T>(
  source: ComponentTokenSource,
  ids: { componentAppid: string },
  call: (componentToken: string) => Promise<T>,
): Promise<T> {
  const token = await source.get(ids.componentAppid);
  try {
    return await call(token);
  } catch (error) {
    if (!tokenRejected(error)) throw error;
    return call(await source.invalidate(ids.componentAppid, token));
  }
}

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
