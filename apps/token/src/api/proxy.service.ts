import { Injectable, Logger } from '@nestjs/common';
import { TokenRpcErrorCodes } from '@wxop/contracts';
import {
  TOKEN_ERROR_CODES,
  WechatApiClient,
  WechatTransportError,
  type ForwardResponse,
} from '@wxop/wechat-api';

import { AuthorizerInvalidationService } from '../authorizers/authorizer-invalidation.service';
import { AuthorizerTokenReadsService } from '../authorizers/authorizer-token-reads.service';
import { TokenError } from '../shared/token.errors';

const METHODS = new Set(['GET', 'POST', 'PUT', 'DELETE', 'PATCH']);
/** Token parameters a caller may not set: the proxy injects the authorizer's. */
const TOKEN_PARAMS = ['access_token', 'component_access_token', 'authorizer_access_token'];
const SAFE_PATH = /^[A-Za-z0-9_\-/.]+$/;

export interface ProxyRequest {
  method: string;
  path: string;
  query: Record<string, unknown>;
  body?: Buffer;
  contentType?: string;
}

/**
 * The token proxy of CONTRACT.md §3: a caller's request to WeChat, with the authorizer's access
 * token as `access_token`. When WeChat rejects the token (40001/40014/42001) it goes through the
 * compare-and-set invalidation once and the request is sent again with the new token.
 */
@Injectable()
export class ProxyService {
  private readonly logger = new Logger(ProxyService.name);

  constructor(
    private readonly reads: AuthorizerTokenReadsService,
    private readonly invalidation: AuthorizerInvalidationService,
    private readonly wechat: WechatApiClient,
  ) {}

  async forward(
    componentAppid: string,
    authorizerAppid: string,
    request: ProxyRequest,
  ): Promise<ForwardResponse> {
    const method = request.method.toUpperCase();
    if (!METHODS.has(method))
      throw new TokenError(TokenRpcErrorCodes.InvalidRequest, `method ${method} is not proxied`);
    if (!SAFE_PATH.test(request.path) || request.path.split('/').includes('..')) {
      throw new TokenError(TokenRpcErrorCodes.InvalidRequest, 'the WeChat path is not valid');
    }
    const query: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.query)) {
      if (!TOKEN_PARAMS.includes(name) && value !== undefined) query[name] = String(value);
    }
    const send = (accessToken: string) =>
      this.wechat.forward({
        method: method as 'GET',
        path: request.path,
        query: { ...query, access_token: accessToken },
        body: request.body,
        contentType: request.contentType,
      });

    let { accessToken } = await this.reads.accessToken(componentAppid, authorizerAppid);
    try {
      let answer = await send(accessToken);
      if (TOKEN_ERROR_CODES.has(answer.errcode)) {
        this.logger.warn({
          msg: 'proxied call rejected the token: refreshing once',
          componentAppid,
          authorizerAppid,
          errcode: answer.errcode,
          path: request.path,
        });
        ({ accessToken } = await this.invalidation.invalidate(componentAppid, authorizerAppid, accessToken));
        answer = await send(accessToken);
      }
      return answer;
    } catch (error) {
      if (error instanceof WechatTransportError) {
        throw new TokenError(
          TokenRpcErrorCodes.WechatUnreachable,
          `WeChat did not answer the proxied call: ${error.message}`,
        );
      }
      throw error;
    }
  }
}
