import { Injectable, Logger } from '@nestjs/common';
import {
  DomainEventTypes,
  QueueNames,
  type EventEnvelope,
  type TokenAuthorizerInvalidData,
} from '@wxop/contracts';
import { ConsumeEvent, NonRetryableError } from '@wxop/messaging';

import { AuthorizerCredentialRepository } from './authorizer-credential.repository';

/**
 * The token service's word on credentials (`authorizer.token-events`): `invalid` (61023: the
 * merchant must authorize again) is shown on the authorizer. Credentials become `active` again
 * where we cause it (a recorded authorization, a sync hand-over that revived them), so
 * `token.authorizer.issued` (one per authorization, thousands in a sync) is not consumed.
 * Idempotent without an inbox: the state is stamped with the event's time, and an event older
 * than the stored state changes nothing, so redeliveries and reordering are harmless.
 */
@Injectable()
export class TokenEventsConsumer {
  private readonly logger = new Logger(TokenEventsConsumer.name);

  constructor(private readonly credentials: AuthorizerCredentialRepository) {}

  @ConsumeEvent({
    queue: QueueNames.AuthorizerTokenEvents,
    patterns: [DomainEventTypes.TokenAuthorizerInvalid],
  })
  async onInvalid(event: EventEnvelope<TokenAuthorizerInvalidData>): Promise<void> {
    const errcode = Number.isInteger(event.data?.errcode) ? event.data.errcode : null;
    if (await this.credentials.storeCredentialsInvalid(...refOf(event), errcode, occurredAt(event))) {
      this.logger.warn({
        msg: 'authorizer credentials invalid: the merchant must authorize again',
        componentAppid: event.componentAppid,
        authorizerAppid: event.authorizerAppid,
        errcode,
      });
    }
  }
}

function refOf(event: EventEnvelope<unknown>): [string, string] {
  if (!event.authorizerAppid) throw new NonRetryableError(`${event.type} ${event.id} has no authorizerAppid`);
  return [event.componentAppid, event.authorizerAppid];
}

function occurredAt(event: EventEnvelope<unknown>): Date {
  const at = new Date(event.occurredAt);
  if (Number.isNaN(at.getTime()))
    throw new NonRetryableError(`${event.type} ${event.id} has no valid occurredAt`);
  return at;
}
