import { Injectable } from '@nestjs/common';
import {
  authCodeExpiry,
  QueueNames,
  RawPushTypes,
  type EventEnvelope,
  type RawPushData,
} from '@wxop/contracts';
import {
  AUTH_CODE_RETRY_POLICY,
  ConsumeEvent,
  NonRetryableError,
  type DeliveryContext,
} from '@wxop/messaging';

import { AuthorizationRecoveryService } from '../recovery/authorization-recovery.service';
import { AuthorizerError } from '../shared/authorizer.errors';
import { AuthorizationsService } from './authorizations.service';
import { FastRegistrationsService } from './fast-registrations.service';

/**
 * The raw authorization pushes (ingress → `authorizer.authorization-pushes`). Effects are exactly
 * once through the inbox; outages (token service, WeChat) are retried through the broker, every
 * 15 s at most (an auth code lives 10 minutes), for 24 h; refusals go to the DLQ. An authorization
 * whose code can no longer be exchanged is recovered or reported (AuthorizationRecoveryService).
 */
@Injectable()
export class AuthorizationPushesConsumer {
  constructor(
    private readonly authorizations: AuthorizationsService,
    private readonly recovery: AuthorizationRecoveryService,
    private readonly fastRegistrations: FastRegistrationsService,
  ) {}

  @ConsumeEvent({
    queue: QueueNames.AuthorizerAuthorizationPushes,
    patterns: [RawPushTypes.Authorized, RawPushTypes.UpdateAuthorized],
    retry: AUTH_CODE_RETRY_POLICY,
  })
  async onAuthorized(event: EventEnvelope<RawPushData>, context: DeliveryContext): Promise<void> {
    const preAuthCode = event.data['PreAuthCode'];
    const occurredAt = new Date(event.occurredAt);
    await settle(
      this.recovery.complete(
        {
          componentAppid: event.componentAppid,
          authorizerAppid: field(event, 'AuthorizerAppid'),
          authCode: field(event, 'AuthorizationCode'),
          recordedBy: 'push',
          preAuthCode: typeof preAuthCode === 'string' && preAuthCode !== '' ? preAuthCode : undefined,
          update: event.type === RawPushTypes.UpdateAuthorized,
          pushEventId: event.id,
          authorizedAt: createTime(event),
          correlationId: event.id,
          // Without a time in the push: its arrival at ingress plus the documented life.
          codeExpiresAt: authCodeExpiry(event.data) ?? new Date(occurredAt.getTime() + 600_000),
        },
        context,
      ),
    );
  }

  @ConsumeEvent({ queue: QueueNames.AuthorizerAuthorizationPushes, patterns: [RawPushTypes.Unauthorized] })
  async onUnauthorized(event: EventEnvelope<RawPushData>): Promise<void> {
    await this.authorizations.unauthorize({
      componentAppid: event.componentAppid,
      authorizerAppid: field(event, 'AuthorizerAppid'),
      unauthorizedAt: createTime(event) ?? new Date(event.occurredAt),
      pushEventId: event.id,
    });
  }

  /** notify_third_fasteregister: the result is stored; a success's auth_code is an authorization. */
  @ConsumeEvent({ queue: QueueNames.AuthorizerAuthorizationPushes, patterns: [RawPushTypes.FastRegister] })
  async onFastRegistration(event: EventEnvelope<RawPushData>): Promise<void> {
    const status = Number(event.data['status']);
    if (event.data['status'] === undefined || !Number.isInteger(status)) {
      throw new NonRetryableError(`${event.type} ${event.id} has no status`);
    }
    const text = (name: string) => {
      const value = event.data[name];
      return (typeof value === 'string' || typeof value === 'number') && value !== ''
        ? String(value)
        : undefined;
    };
    const info = event.data['info'];
    await settle(
      this.fastRegistrations.record({
        componentAppid: event.componentAppid,
        pushEventId: event.id,
        status,
        msg: text('msg'),
        authorizerAppid: text('appid'),
        authCode: text('auth_code'),
        info:
          typeof info === 'object' && info !== null && !Array.isArray(info)
            ? (info as Record<string, unknown>)
            : undefined,
        registeredAt: createTime(event) ?? new Date(event.occurredAt),
      }),
    );
  }
}

function field(event: EventEnvelope<RawPushData>, name: string): string {
  const value = event.data[name];
  if ((typeof value !== 'string' && typeof value !== 'number') || value === '') {
    throw new NonRetryableError(`${event.type} ${event.id} has no ${name}`);
  }
  return String(value);
}

/** The push's `CreateTime` (Unix seconds), when it has a sane one. */
function createTime(event: EventEnvelope<RawPushData>): Date | undefined {
  const seconds = Number(event.data['CreateTime']);
  return Number.isInteger(seconds) && seconds > 0 ? new Date(seconds * 1000) : undefined;
}

/** Refusals that will never succeed go to the DLQ; outages are retried. */
export async function settle(work: Promise<unknown>): Promise<void> {
  try {
    await work;
  } catch (error) {
    if (error instanceof AuthorizerError && !error.transient) {
      throw new NonRetryableError(error.message, { cause: error });
    }
    throw error;
  }
}
