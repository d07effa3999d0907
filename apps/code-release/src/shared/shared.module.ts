import { Global, Module } from '@nestjs/common';
import { WechatEndpointsConfig } from '@wxop/config';
import { Inbox, TransactionalOutbox } from '@wxop/messaging';
import { WechatApiClient, WechatCodeApi } from '@wxop/wechat-api';

import { CodeReleaseConfig } from '../config/code-release.config';
import { TokenClient } from './token.client';
import { WechatCalls } from './wechat-calls.service';

/**
 * What every feature of this app uses: the WeChat code-management client (§5), the token
 * service, the transactional outbox and the inbox. Global so feature modules (templates,
 * versions, campaigns) just inject them.
 */
@Global()
@Module({
  providers: [
    {
      provide: WechatApiClient,
      inject: [WechatEndpointsConfig, CodeReleaseConfig],
      useFactory: (endpoints: WechatEndpointsConfig, config: CodeReleaseConfig) =>
        new WechatApiClient({
          baseUrl: endpoints.WECHAT_API_BASE_URL,
          timeoutMs: config.CODE_RELEASE_WECHAT_TIMEOUT_MS,
          maxSockets: config.CODE_RELEASE_WECHAT_MAX_SOCKETS,
        }),
    },
    {
      provide: WechatCodeApi,
      inject: [WechatApiClient],
      useFactory: (client: WechatApiClient) => new WechatCodeApi(client),
    },
    TransactionalOutbox,
    Inbox,
    TokenClient,
    WechatCalls,
  ],
  exports: [WechatApiClient, WechatCodeApi, TransactionalOutbox, Inbox, TokenClient, WechatCalls],
})
export class SharedModule {}
