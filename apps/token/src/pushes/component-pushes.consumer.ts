import { Injectable } from '@nestjs/common';
import {
  QueueNames,
  RawPushTypes,
  TokenRpcErrorCodes,
  type EventEnvelope,
  type RawPushData,
} from '@wxop/contracts';
import { ConsumeEvent, NonRetryableError } from '@wxop/messaging';

import { AuthCodeExchangeService } from '../authorizers/auth-code-exchange.service';
import { AuthorizerInvalidationService } from '../authorizers/authorizer-invalidation.service';
import { ComponentTokensService } from '../components/component-tokens.service';
import { TokenError } from '../shared/token.errors';

/**
 * The raw pushes the token service acts on (ARCHITECTURE.md, flows 1 and 2). Every effect is
 * idempotent by itself (newest ticket wins, exchange by code, revoke once), so redeliveries and
 * WeChat's retries change nothing. Unknown components and refused codes go to the DLQ at once.
 */
@Injectable()
export class ComponentPushesConsumer {
  constructor(
    private readonly componentTokens: ComponentTokensService,
    private readonly exchanges: AuthCodeExchangeService,
    private readonly invalidation: AuthorizerInvalidationService,
  ) {}

  @ConsumeEvent({ queue: QueueNames.TokenComponentPushes, patterns: [RawPushTypes.ComponentVerifyTicket] })
  async onTicket(event: EventEnvelope<RawPushData>): Promise<void> {
    const ticket = field(event, 'ComponentVerifyTicket');
    const createTime = Number(event.data['CreateTime']);
    await settle(
      this.componentTokens.onTicket(
        event.componentAppid,
        ticket,
        Number.isFinite(createTime) ? createTime : 0,
      ),
    );
  }

  @ConsumeEvent({
    queue: QueueNames.TokenComponentPushes,
    patterns: [RawPushTypes.Authorized, RawPushTypes.UpdateAuthorized],
  })
  async onAuthorized(event: EventEnvelope<RawPushData>): Promise<void> {
    await settle(this.exchanges.exchangeAuthCode(event.componentAppid, field(event, 'AuthorizationCode')));
  }

  @ConsumeEvent({ queue: QueueNames.TokenComponentPushes, patterns: [RawPushTypes.Unauthorized] })
  async onUnauthorized(event: EventEnvelope<RawPushData>): Promise<void> {
    await settle(this.invalidation.revoke(event.componentAppid, field(event, 'AuthorizerAppid')));
  }
}

function field(event: EventEnvelope<RawPushData>, name: string): string {
  const value = event.data[name];
  if (typeof value !== 'string' && typeof value !== 'number') {
    throw new NonRetryableError(`${event.type} ${event.id} has no ${name}`);
  }
  return String(value);
}

/** Refusals that will never succeed go to the DLQ; everything else (503s, outages) is retried. */
async function settle(work: Promise<unknown>): Promise<void> {
  try {
    await work;
  } catch (error) {
    if (error instanceof TokenError && error.code !== TokenRpcErrorCodes.TokenUnavailable) {
      throw new NonRetryableError(error.message, { cause: error });
    }
    throw error;
  }
}
