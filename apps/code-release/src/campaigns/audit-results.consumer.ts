import { Injectable } from '@nestjs/common';
import {
  DomainEventTypes,
  QueueNames,
  RawPushTypes,
  type EventEnvelope,
  type RawPushData,
} from '@wxop/contracts';
import { ConsumeEvent, Inbox, NonRetryableError } from '@wxop/messaging';

import { targetEvent } from './campaign-events.util';
import { CampaignRepository } from './campaign.repository';
import { TargetStates } from './target-state';

const CONSUMER = 'code-release.audit-results';

function text(event: EventEnvelope<RawPushData>, field: string): string {
  const value = event.data[field];
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
}

/**
 * Audit results pushed by WeChat (§2.2). The push carries no audit id and its `ToUserName` is the
 * gh_ id; the envelope's `authorizerAppid` (from the messages URL) names the mini program, which has
 * at most one audit in flight, so the result goes to its target in audit. Idempotent by the inbox.
 */
@Injectable()
export class AuditResultsConsumer {
  constructor(
    private readonly inbox: Inbox,
    private readonly campaigns: CampaignRepository,
  ) {}

  @ConsumeEvent({
    queue: QueueNames.CodeReleaseAuditResults,
    patterns: [RawPushTypes.WeappAuditSuccess, RawPushTypes.WeappAuditFail, RawPushTypes.WeappAuditDelay],
  })
  async onAuditResult(event: EventEnvelope<RawPushData>): Promise<void> {
    const authorizerAppid = event.authorizerAppid;
    if (!authorizerAppid) throw new NonRetryableError('an audit push without authorizerAppid');
    const kind =
      event.type === RawPushTypes.WeappAuditSuccess
        ? 'success'
        : event.type === RawPushTypes.WeappAuditFail
          ? 'fail'
          : 'delay';
    const reason = kind === 'success' ? null : text(event, 'Reason');
    const screenshots =
      kind === 'fail'
        ? text(event, 'ScreenShot')
            .split('|')
            .filter((id) => id !== '')
        : null;
    await this.inbox.process(CONSUMER, event.id, async (manager) => {
      await manager.query(
        `INSERT IGNORE INTO code_release_audit_results
           (event_id, component_appid, authorizer_appid, outcome, reason, screenshots, source, received_at)
         VALUES (?, ?, ?, ?, ?, ?, 'push', UTC_TIMESTAMP(3))`,
        [
          event.id,
          event.componentAppid,
          authorizerAppid,
          kind,
          reason,
          screenshots ? JSON.stringify(screenshots) : null,
        ],
      );
      const state =
        kind === 'success'
          ? TargetStates.Approved
          : kind === 'fail'
            ? TargetStates.Rejected
            : TargetStates.Delayed;
      const applied = await this.campaigns.applyAuditResult(
        manager,
        authorizerAppid,
        { state, reason, screenshots },
        ({ campaignId, auditId, attempt }) => {
          const ref = { componentAppid: event.componentAppid, campaignId, authorizerAppid, attempt };
          const id = auditId ?? 0;
          if (kind === 'success')
            return [
              targetEvent(
                DomainEventTypes.ReleaseAuditSucceeded,
                ref,
                { campaignId, auditId: id, succeededAt: event.occurredAt },
                String(id),
              ),
            ];
          if (kind === 'fail')
            return [
              targetEvent(
                DomainEventTypes.ReleaseAuditFailed,
                ref,
                { campaignId, auditId: id, reason: reason ?? '', screenshots: screenshots ?? [] },
                String(id),
              ),
            ];
          return [
            targetEvent(
              DomainEventTypes.ReleaseAuditDelayed,
              ref,
              { campaignId, auditId: id, reason: reason ?? '' },
              String(id),
            ),
          ];
        },
      );
      if (applied) {
        await manager.query(
          `UPDATE code_release_audit_results SET applied_to_campaign = ? WHERE event_id = ?`,
          [applied.campaignId, event.id],
        );
      }
    });
  }
}
