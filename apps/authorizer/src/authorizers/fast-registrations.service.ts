import { Injectable, Logger } from '@nestjs/common';
import { Inbox } from '@wxop/messaging';
import type { EntityManager } from 'typeorm';

import { AuthorizationsService, InboxConsumers } from './authorizations.service';
import { FastRegistrationRepository } from './fast-registration.repository';

export interface FastRegistrationPush {
  componentAppid: string;
  pushEventId: string;
  /** 0 success; anything else failed (`msg` says why). */
  status: number;
  msg?: string;
  /** The new mini program (success only). */
  authorizerAppid?: string;
  /** Exchanged like an authorization code (success only). */
  authCode?: string;
  /** The registration's `<info>` (enterprise: name, code, code_type, legal persona…; personal: wxuser, idname…). */
  info?: Record<string, unknown>;
  registeredAt: Date;
}

/**
 * `notify_third_fasteregister` (wechat-protocol.md §2.1): every result is kept in
 * `fast_registrations`; a success's `auth_code` is exchanged and recorded like any authorization
 * (source `fast_registration`, one `authorization.authorized`), in the same transaction as the row.
 */
@Injectable()
export class FastRegistrationsService {
  private readonly logger = new Logger(FastRegistrationsService.name);

  constructor(
    private readonly authorizations: AuthorizationsService,
    private readonly fastRegistrations: FastRegistrationRepository,
    private readonly inbox: Inbox,
  ) {}

  async record(push: FastRegistrationPush): Promise<void> {
    const store = (manager: EntityManager, authorizerAppid?: string) =>
      this.insert(manager, push, authorizerAppid);
    if (push.status === 0 && push.authCode) {
      await this.authorizations.grant({
        componentAppid: push.componentAppid,
        authCode: push.authCode,
        recordedBy: 'fast_registration',
        pushEventId: push.pushEventId,
        inboxConsumer: InboxConsumers.FastRegistration,
        authorizedAt: push.registeredAt,
        correlationId: push.pushEventId,
        alsoRecord: (manager, grant) => store(manager, grant.authorizerAppid),
      });
    } else {
      await this.inbox.process(InboxConsumers.FastRegistration, push.pushEventId, (manager) =>
        store(manager, push.authorizerAppid),
      );
    }
    this.logger.log({
      msg: 'fast registration recorded',
      componentAppid: push.componentAppid,
      authorizerAppid: push.authorizerAppid,
      status: push.status,
    });
  }

  private insert(
    manager: EntityManager,
    push: FastRegistrationPush,
    authorizerAppid?: string,
  ): Promise<void> {
    const name = push.info?.['name'] ?? push.info?.['idname'];
    return this.fastRegistrations.insertFastRegistration(manager, {
      pushEventId: push.pushEventId,
      componentAppid: push.componentAppid,
      status: push.status,
      msg: push.msg,
      authorizerAppid,
      name: typeof name === 'string' || typeof name === 'number' ? String(name) : undefined,
      info: push.info,
      registeredAt: push.registeredAt,
    });
  }
}
