import { Injectable, Logger } from '@nestjs/common';
import { Inbox } from '@wxop/messaging';
import { WechatApiClient, WechatApiError } from '@wxop/wechat-api';

import { asAuthorizerError } from '../authorizers/profiles.service';
import { TokenClient } from '../shared/token.client';

/** Inbox consumer name. DO NOT RENAME: processed event ids are recorded under it. */
export const RELEASE_CHECK_INBOX_CONSUMER = 'authorizer.release-check.query-auth-code';

export interface QueryAuthCodeMessage {
  componentAppid: string;
  /** The test account the message came from. */
  authorizerAppid: string;
  authCode: string;
  /** FromUserName: the user to answer. */
  toUser: string;
  pushEventId: string;
}

/**
 * The 全网发布 check's `QUERY_AUTH_CODE:<code>` (wechat-protocol.md §2.2): ingress has already
 * answered the push with an empty body; here the code is exchanged through the token service and
 * `<code>_from_api` is sent to the user through the customer-service API, well within WeChat's
 * 5 s. Once per push (inbox, recorded after the send); a token WeChat rejects is reported to the
 * token service and the send is tried once more with the current one.
 */
@Injectable()
export class ReleaseCheckService {
  private readonly logger = new Logger(ReleaseCheckService.name);

  constructor(
    private readonly token: TokenClient,
    private readonly wechat: WechatApiClient,
    private readonly inbox: Inbox,
  ) {}

  async answer(message: QueryAuthCodeMessage): Promise<void> {
    // The token and WeChat calls run outside any transaction (no connection held across them); the
    // push is recorded once they succeeded. A crash in between sends the reply again on redelivery,
    // which the check tolerates better than no reply.
    if (await this.inbox.seen(RELEASE_CHECK_INBOX_CONSUMER, message.pushEventId)) return;
    const exchanged = await this.token.exchangeAuthCode(message.componentAppid, message.authCode);
    const content = `${message.authCode}_from_api`;
    let { accessToken } = await this.token.authorizerAccessToken(
      message.componentAppid,
      exchanged.authorizerAppid,
    );
    try {
      await this.wechat.sendCustomText(accessToken, { toUser: message.toUser, content });
    } catch (error) {
      if (!(error instanceof WechatApiError && error.tokenRejected))
        throw asAuthorizerError(error, 'custom/send');
      ({ accessToken } = await this.token.invalidateAuthorizerAccessToken(
        message.componentAppid,
        exchanged.authorizerAppid,
        accessToken,
      ));
      await this.wechat
        .sendCustomText(accessToken, { toUser: message.toUser, content })
        .catch((retryError: unknown) => {
          throw asAuthorizerError(retryError, 'custom/send');
        });
    }
    await this.inbox.process(RELEASE_CHECK_INBOX_CONSUMER, message.pushEventId, async () => undefined);
    this.logger.log({
      msg: 'release check answered',
      componentAppid: message.componentAppid,
      authorizerAppid: message.authorizerAppid,
    });
  }
}
