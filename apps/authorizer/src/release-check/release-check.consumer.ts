import { Injectable } from '@nestjs/common';
import {
  QUERY_AUTH_CODE_PREFIX,
  QueueNames,
  RELEASE_CHECK_APPIDS,
  RawPushTypes,
  type EventEnvelope,
  type RawPushData,
} from '@wxop/contracts';
import { ConsumeEvent } from '@wxop/messaging';

import { settle } from '../authorizers/authorization-pushes.consumer';
import { ReleaseCheckService } from './release-check.service';

/**
 * Text messages (`wechat.message.text`) on `authorizer.release-check`: only the release check's
 * `QUERY_AUTH_CODE:` from WeChat's test accounts is acted on; every other text is acknowledged at
 * once (a topic binding cannot select by sender, so this queue sees every text message).
 */
@Injectable()
export class ReleaseCheckConsumer {
  constructor(private readonly releaseCheck: ReleaseCheckService) {}

  @ConsumeEvent({ queue: QueueNames.AuthorizerReleaseCheck, patterns: [RawPushTypes.TextMessage] })
  async onText(event: EventEnvelope<RawPushData>): Promise<void> {
    const content = event.data['Content'];
    const from = event.data['FromUserName'];
    if (!event.authorizerAppid || !RELEASE_CHECK_APPIDS.has(event.authorizerAppid)) return;
    if (typeof content !== 'string' || !content.startsWith(QUERY_AUTH_CODE_PREFIX)) return;
    const authCode = content.slice(QUERY_AUTH_CODE_PREFIX.length).trim();
    if (authCode === '' || typeof from !== 'string' || from === '') return;
    await settle(
      this.releaseCheck.answer({
        componentAppid: event.componentAppid,
        authorizerAppid: event.authorizerAppid,
        authCode,
        toUser: from,
        pushEventId: event.id,
      }),
    );
  }
}
