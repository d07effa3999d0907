import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HealthRegistry } from '@wxop/observability';

import { TokenMetrics } from '../shared/token.metrics';
import { TICKET_STATES, type TicketStatus } from './ticket-state.util';

/**
 * Shows each component's ticket as the last scheduler pass saw it: in the `componentTickets`
 * entry of `/health/ready` and in the ticket gauges. The entry is always up: a refused or stale
 * ticket is WeChat's or the network's doing, not a reason to take this replica out of service.
 */
@Injectable()
export class TicketStatusService implements OnModuleInit {
  private readonly statuses = new Map<string, TicketStatus & { checkedAt: string }>();

  constructor(
    private readonly registry: HealthRegistry,
    private readonly metrics: TokenMetrics,
  ) {}

  onModuleInit(): void {
    this.registry.register('componentTickets', () => ({ components: Object.fromEntries(this.statuses) }));
  }

  report(componentAppid: string, status: TicketStatus): void {
    this.statuses.set(componentAppid, { ...status, checkedAt: new Date().toISOString() });
    const component = componentAppid;
    if (status.ageSeconds !== undefined) this.metrics.ticketAge.set({ component }, status.ageSeconds);
    for (const state of TICKET_STATES) {
      this.metrics.ticketState.set({ component, state }, state === status.state ? 1 : 0);
    }
    this.metrics.ticketRefusedErrcode.set({ component }, status.errcode ?? 0);
  }
}
