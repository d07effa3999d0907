import { Injectable } from '@nestjs/common';
import { MetricsService } from '@wxop/observability';

/** Every metric of the token service, defined once (apps/token/README.md, Operations). */
@Injectable()
export class TokenMetrics {
  readonly refreshes;
  readonly leaseTakeovers;
  readonly startPushTicket;
  readonly ticketAge;
  readonly ticketState;
  readonly ticketRefusedErrcode;
  readonly componentTokenRemaining;
  readonly authorizerTokenMinRemaining;
  readonly authorizers;
  readonly outboxDepth;

  constructor(metrics: MetricsService) {
    this.refreshes = metrics.counter(
      'wxop_token_refreshes_total',
      'Token refreshes by kind, result and errcode',
      ['kind', 'result', 'errcode'],
    );
    this.leaseTakeovers = metrics.counter(
      'wxop_token_lease_takeovers_total',
      'Expired leases of other replicas taken over',
      ['kind'],
    );
    this.startPushTicket = metrics.counter(
      'wxop_token_start_push_ticket_total',
      'api_start_push_ticket calls after the ticket went stale',
      ['component', 'result'],
    );
    this.ticketAge = metrics.gauge(
      'wxop_token_ticket_age_seconds',
      'Age of the newest component_verify_ticket',
      ['component'],
    );
    this.ticketState = metrics.gauge(
      'wxop_token_component_ticket_state',
      'State of the component_verify_ticket: 1 for the current one of none, ok, refused, stale',
      ['component', 'state'],
    );
    this.ticketRefusedErrcode = metrics.gauge(
      'wxop_token_component_ticket_refused_errcode',
      'The errcode WeChat refused the current ticket with (61005, 61006), 0 when it is not refused',
      ['component'],
    );
    this.componentTokenRemaining = metrics.gauge(
      'wxop_token_component_token_remaining_seconds',
      'Remaining lifetime of the component access token',
      ['component'],
    );
    this.authorizerTokenMinRemaining = metrics.gauge(
      'wxop_token_authorizer_token_min_remaining_seconds',
      'Smallest remaining lifetime of an active authorizer access token',
    );
    this.authorizers = metrics.gauge('wxop_token_authorizers', 'Authorizers by credential status', [
      'status',
    ]);
    this.outboxDepth = metrics.gauge('wxop_token_outbox_depth', 'Events recorded but not yet published');
  }
}
