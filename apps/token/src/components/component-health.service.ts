import { Injectable } from '@nestjs/common';
import type { AuthorizerCredentialStatus, ComponentHealth, ComponentHealthListReply } from '@wxop/contracts';

import { AuthorizerRepository } from '../authorizers/authorizer.repository';
import { TokenError } from '../shared/token.errors';
import { ComponentRepository, type ComponentRecord } from './component.repository';

const NO_AUTHORIZERS: Record<AuthorizerCredentialStatus, number> = { active: 0, invalid: 0, revoked: 0 };

/**
 * What operators see of each component app's credentials (`token.components.list`,
 * `token.component.health`): the ticket's age and refusal, the component token's expiry and last
 * failure, authorizers by status. Built from the database (every replica answers the same); never
 * a secret, ticket or token.
 */
@Injectable()
export class ComponentHealthService {
  constructor(
    private readonly components: ComponentRepository,
    private readonly authorizers: AuthorizerRepository,
  ) {}

  async list(): Promise<ComponentHealthListReply> {
    const [records, counts] = await Promise.all([
      this.components.findAll(),
      this.authorizers.countByStatus(),
    ]);
    return { components: records.map((record) => toHealth(record, counts.get(record.componentAppid))) };
  }

  async health(componentAppid: string): Promise<ComponentHealth> {
    const record = await this.components.find(componentAppid);
    if (!record) throw TokenError.componentNotFound(componentAppid);
    const counts = await this.authorizers.countByStatus(componentAppid);
    return toHealth(record, counts.get(componentAppid));
  }
}

/** Ages are judged by the database's clock (`record.now`), as leases and due times are. */
export function toHealth(
  record: ComponentRecord,
  byState: Record<AuthorizerCredentialStatus, number> = NO_AUTHORIZERS,
): ComponentHealth {
  const ticket: ComponentHealth['ticket'] = {};
  if (record.ticketReceivedAt) {
    ticket.receivedAt = record.ticketReceivedAt.toISOString();
    ticket.ageSeconds = Math.max(
      0,
      Math.floor((record.now.getTime() - record.ticketReceivedAt.getTime()) / 1000),
    );
  }
  if (record.ticketRefusedErrcode !== undefined && record.ticketRefusedAt) {
    ticket.refused = { errcode: record.ticketRefusedErrcode, at: record.ticketRefusedAt.toISOString() };
  }
  const componentToken: ComponentHealth['componentToken'] = { refreshFailures: record.refreshFailures };
  if (record.accessToken && record.accessTokenExpiresAt) {
    componentToken.expiresAt = record.accessTokenExpiresAt.toISOString();
  }
  if (record.refreshRetryAt) componentToken.retryAt = record.refreshRetryAt.toISOString();
  if (record.lastError) {
    componentToken.lastError = {
      message: record.lastError.message,
      ...(record.lastError.errcode === undefined ? {} : { errcode: record.lastError.errcode }),
      ...(record.lastError.at ? { at: record.lastError.at.toISOString() } : {}),
    };
  }
  return {
    componentAppid: record.componentAppid,
    ticket,
    componentToken,
    authorizers: { byState: { ...NO_AUTHORIZERS, ...byState } },
    createdAt: record.createdAt.toISOString(),
    updatedAt: record.updatedAt.toISOString(),
  };
}
