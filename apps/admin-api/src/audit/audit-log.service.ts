import { Injectable, Logger } from '@nestjs/common';
import { redactFields } from '@wxop/observability';

import { currentAuditContext } from './audit-context';
import type { AuditEntry, AuditRecordInput } from './audit-entry';
import { AuditLogRepository, type AuditSearch } from './audit-log.repository';

export type { AuditRecordInput } from './audit-entry';

/**
 * Writes and searches the audit log. The global AuditInterceptor records every mutating route;
 * features call record() themselves for what is not a mutation but must be audited (a secret or
 * token reveal): `audit.record({ action: 'credentials.token.reveal', target, outcome: 'success' })`.
 * Who and from where come from the current request.
 */
@Injectable()
export class AuditLogService {
  private readonly logger = new Logger(AuditLogService.name);

  constructor(private readonly repository: AuditLogRepository) {}

  async record(input: AuditRecordInput): Promise<void> {
    const context = currentAuditContext();
    const user = context?.user;
    await this.repository.insert({
      at: new Date(),
      actorUserId: user?.id ?? input.actor?.userId ?? null,
      actorUsername: user?.username ?? input.actor?.username ?? null,
      actorRole: user?.role ?? input.actor?.role ?? null,
      action: input.action,
      target: input.target ?? null,
      method: context?.method ?? null,
      path: context?.path ?? null,
      ip: context?.ip ?? null,
      userAgent: context?.userAgent ?? null,
      outcome: input.outcome,
      errorCode: input.errorCode ?? null,
      details: input.details ? redactFields(input.details) : null,
      correlationId: context?.correlationId ?? null,
    });
  }

  /** record() that never throws: a failed audit write is logged (the change itself has happened). */
  async recordQuietly(input: AuditRecordInput): Promise<void> {
    try {
      await this.record(input);
    } catch (error) {
      this.logger.error({
        msg: 'audit entry not written',
        action: input.action,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }

  search(search: AuditSearch): Promise<{ items: AuditEntry[]; total: number }> {
    return this.repository.search(search);
  }
}
