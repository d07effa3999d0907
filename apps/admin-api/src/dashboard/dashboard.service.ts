import { Injectable, Logger } from '@nestjs/common';
import { AUTHORIZER_STATUSES, type AuthorizerStatus } from '@wxop/contracts';
import { scrubText } from '@wxop/observability';

import { AuthorizersService } from '../authorizers/authorizers.service';
import { ComponentsService } from '../components/components.service';
import { DeadLettersService, type DeadLetterDepth } from '../dead-letters/dead-letters.service';
import type { FailingRuleRecord } from '../forwarding/forwarding-delivery.repository';
import { ForwardingRulesService } from '../forwarding/forwarding-rules.service';
import { PushStatsService, type PushesPerMinute } from '../pushes/push-stats.service';

export const AUTHORIZER_TYPES = ['official_account', 'mini_program'] as const;
export type DashboardAuthorizerType = (typeof AUTHORIZER_TYPES)[number] | 'unknown';

export interface AuthorizerCount {
  componentAppid: string;
  /** `unknown`: authorized but its profile not read yet. */
  authorizerType: DashboardAuthorizerType;
  status: AuthorizerStatus;
  count: number;
}

export type DashboardSection = 'authorizers' | 'pushesPerMinute' | 'deadLetters' | 'failingForwardingRules';

/**
 * The operators' front page. Campaigns by state and quota left belong to code-release and are not
 * in the answer yet (absent, not zero). A section whose source does not answer is left out and
 * named in `unavailable`, so one slow service does not take the whole page down.
 */
export interface Dashboard {
  generatedAt: string;
  authorizers?: AuthorizerCount[];
  /** Pushes received per minute and type over the last hour (minutes without pushes absent). */
  pushesPerMinute?: PushesPerMinute[];
  deadLetters?: DeadLetterDepth[];
  failingForwardingRules?: FailingRuleRecord[];
  unavailable: DashboardSection[];
}

export const DASHBOARD_PUSH_MINUTES = 60;

@Injectable()
export class DashboardService {
  private readonly logger = new Logger(DashboardService.name);

  constructor(
    private readonly components: ComponentsService,
    private readonly authorizers: AuthorizersService,
    private readonly pushStats: PushStatsService,
    private readonly deadLetters: DeadLettersService,
    private readonly forwarding: ForwardingRulesService,
  ) {}

  async dashboard(now: Date = new Date()): Promise<Dashboard> {
    const [authorizers, pushesPerMinute, deadLetters, failingForwardingRules] = await Promise.allSettled([
      this.authorizerCounts(),
      this.pushStats.perMinuteByType(DASHBOARD_PUSH_MINUTES, now),
      this.deadLetters.depths(),
      this.forwarding.failingRules(),
    ]);
    const answer: Dashboard = { generatedAt: now.toISOString(), unavailable: [] };
    this.section(answer, 'authorizers', authorizers);
    this.section(answer, 'pushesPerMinute', pushesPerMinute);
    this.section(answer, 'deadLetters', deadLetters);
    this.section(answer, 'failingForwardingRules', failingForwardingRules);
    return answer;
  }

  /**
   * Authorizers by component, type and status, from the authorizer service's search totals (one
   * `limit: 1` search per status and type; `unknown` is the status's total minus the typed ones).
   */
  async authorizerCounts(): Promise<AuthorizerCount[]> {
    const components = await this.components.list();
    const perComponent = await Promise.all(
      components.map(async ({ componentAppid }) => {
        const counts: AuthorizerCount[] = [];
        for (const status of AUTHORIZER_STATUSES) {
          const [all, ...typed] = await Promise.all([
            this.total(componentAppid, status),
            ...AUTHORIZER_TYPES.map((authorizerType) => this.total(componentAppid, status, authorizerType)),
          ]);
          AUTHORIZER_TYPES.forEach((authorizerType, index) =>
            counts.push({ componentAppid, authorizerType, status, count: typed[index]! }),
          );
          const unknown = all! - typed.reduce((sum, count) => sum + count, 0);
          if (unknown > 0) counts.push({ componentAppid, authorizerType: 'unknown', status, count: unknown });
        }
        return counts;
      }),
    );
    return perComponent.flat();
  }

  private async total(
    componentAppid: string,
    status: AuthorizerStatus,
    authorizerType?: (typeof AUTHORIZER_TYPES)[number],
  ): Promise<number> {
    const page = await this.authorizers.search({
      componentAppid,
      status,
      ...(authorizerType ? { authorizerType } : {}),
      limit: 1,
      offset: 0,
    });
    return page.total;
  }

  private section<K extends DashboardSection>(
    answer: Dashboard,
    name: K,
    result: PromiseSettledResult<NonNullable<Dashboard[K]>>,
  ): void {
    if (result.status === 'fulfilled') {
      (answer as unknown as Record<K, unknown>)[name] = result.value;
      return;
    }
    answer.unavailable.push(name);
    const reason = result.reason instanceof Error ? result.reason.message : String(result.reason);
    this.logger.warn({ msg: 'dashboard section unavailable', section: name, error: scrubText(reason) });
  }
}
