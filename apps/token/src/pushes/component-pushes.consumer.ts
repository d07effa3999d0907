import { Injectable, Logger } from '@nestjs/common';
import {
  authCodeExpiry,
  QueueNames,
  RawPushTypes,
  TokenRpcErrorCodes,
  type EventEnvelope,
  type RawPushData,
} from '@wxop/contracts';
import {
  AUTH_CODE_RETRY_POLICY,
  ConsumeEvent,
  NonRetryableError,
  type DeliveryContext,
} from '@wxop/messaging';

import { AuthCodeExchangeService } from '../authorizers/auth-code-exchange.service';
import { AuthorizerInvalidationService } from '../authorizers/authorizer-invalidation.service';
import { ComponentTokensService } from '../components/component-tokens.service';
import { TokenError } from '../shared/token.errors';

/**
 * The raw pushes the token service acts on (ARCHITECTURE.md, flows 1 and 2). Every effect is
 * idempotent by itself (newest ticket wins, exchange by code, revoke once), so redeliveries and
 * WeChat's retries change nothing. Outages are retried through the broker every 15 s at most (the
 * queue carries auth codes, which live 10 minutes) for 24 h; unknown components go to the DLQ at
 * once. A code that WeChat refuses, or whose life ran out during an outage, is let go: the
 * authorizer, which consumes the same push, recovers the authorization through WeChat's authorizer
 * list or reports it as `authorization.failed`.
 */
@Injectable()
export class ComponentPushesConsumer {
  private readonly logger = new Logger(ComponentPushesConsumer.name);

  constructor(
    private readonly componentTokens: ComponentTokensService,
    private readonly exchanges: AuthCodeExchangeService,
    private readonly invalidation: AuthorizerInvalidationService,
  ) {}

  @ConsumeEvent({
    queue: QueueNames.TokenComponentPushes,
    patterns: [RawPushTypes.ComponentVerifyTicket],
    retry: AUTH_CODE_RETRY_POLICY,
  })
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
    retry: AUTH_CODE_RETRY_POLICY,
  })
  async onAuthorized(
    event: EventEnvelope<RawPushData>,
    _context?: DeliveryContext,
    now = new Date(),
  ): Promise<void> {
    const authCode = field(event, 'AuthorizationCode');
    try {
      await this.exchanges.exchangeAuthCode(event.componentAppid, authCode);
    } catch (error) {
      const expiresAt = authCodeExpiry(event.data);
      const refused =
        error instanceof TokenError &&
        error.code === TokenRpcErrorCodes.WechatRejected &&
        CODE_REFUSALS.has(Number(error.details?.errcode));
      const expired =
        error instanceof TokenError &&
        error.code === TokenRpcErrorCodes.TokenUnavailable &&
        expiresAt !== undefined &&
        now >= expiresAt;
      if (refused || expired) {
        this.logger.warn({
          msg: refused
            ? 'auth code refused by WeChat; the authorizer recovers or reports the authorization'
            : 'auth code expired before it could be exchanged; the authorizer recovers or reports the authorization',
          componentAppid: event.componentAppid,
          authorizerAppid: event.data['AuthorizerAppid'],
          eventId: event.id,
          error: (error as Error).message,
        });
        return;
      }
      await settle(Promise.reject(error));
    }
  }

  @ConsumeEvent({
    queue: QueueNames.TokenComponentPushes,
    patterns: [RawPushTypes.Unauthorized],
    retry: AUTH_CODE_RETRY_POLICY,
  })
  async onUnauthorized(event: EventEnvelope<RawPushData>): Promise<void> {
    await settle(this.invalidation.revoke(event.componentAppid, field(event, 'AuthorizerAppid')));
  }
}

/** WeChat's refusals of an auth code: invalid (or used), expired. */
const CODE_REFUSALS = new Set([61009, 61010]);

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
