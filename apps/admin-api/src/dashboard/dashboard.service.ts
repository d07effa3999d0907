import { Injectable, Logger } from '@nestjs/common';
import {
  AUTHORIZER_STATUSES,
  CampaignSummaryRpcPatterns,
  type AuthorizerStatus,
  type CampaignCount,
  type CampaignCountsReply,
  type CampaignCountsRequest,
} from '@wxop/contracts';
import { scrubText } from '@wxop/observability';

import { AuthorizersService } from '../authorizers/authorizers.service';
import { ComponentsService } from '../components/components.service';
import { DeadLettersService, type DeadLetterDepth } from '../dead-letters/dead-letters.service';
import type { FailingRuleRecord } from '../forwarding/forwarding-delivery.repository';
import { ForwardingRulesService } from '../forwarding/forwarding-rules.service';
import { PushStatsService, type PushesPerMinute } from '../pushes/push-stats.service';
import { CodeReleaseClient } from '../releases/code-release.client';
import { QuotaLeftService, type QuotaLeft } from './quota-left.service';

export const AUTHORIZER_TYPES = ['official_account', 'mini_program'] as const;
export type DashboardAuthorizerType = (typeof AUTHORIZER_TYPES)[number] | 'unknown';

export interface AuthorizerCount {
  componentAppid: string;
  /** `unknown`: authorized but its profile not read yet. */
  authorizerType: DashboardAuthorizerType;
  status: AuthorizerStatus;
  count: number;
}

export const DASHBOARD_SECTIONS = [
  'authorizers',
  'pushesPerMinute',
  'campaigns',
  'quotaLeft',
  'deadLetters',
  'failingForwardingRules',
] as const;
export type DashboardSection = (typeof DASHBOARD_SECTIONS)[number];

/**
 * The operators' front page. A section whose source does not answer is left out (absent, not zero)
 * and named in `unavailable`, so one slow service does not take the whole page down.
 */
export interface Dashboard {
  generatedAt: string;
  authorizers?: AuthorizerCount[];
  /** Pushes received per minute and type over the last hour (minutes without pushes absent). */
  pushesPerMinute?: PushesPerMinute[];
  /** Campaigns per component and status (code-release); statuses without campaigns absent. */
  campaigns?: CampaignCount[];
  /** Audit quota left per component (code-release, read with an authorized mini program's token). */
  quotaLeft?: QuotaLeft[];
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
    private readonly codeRelease: CodeReleaseClient,
    private readonly quota: QuotaLeftService,
  ) {}

  async dashboard(now: Date = new Date()): Promise<Dashboard> {
    const [authorizers, pushesPerMinute, campaigns, quotaLeft, deadLetters, failingForwardingRules] =
      await Promise.allSettled([
        this.authorizerCounts(),
        this.pushStats.perMinuteByType(DASHBOARD_PUSH_MINUTES, now),
        this.campaignCounts(),
        this.quotaLeft(now),
        this.deadLetters.depths(),
        this.forwarding.failingRules(),
      ]);
    const answer: Dashboard = { generatedAt: now.toISOString(), unavailable: [] };
    this.section(answer, 'authorizers', authorizers);
    this.section(answer, 'pushesPerMinute', pushesPerMinute);
    this.section(answer, 'campaigns', campaigns);
    this.section(answer, 'quotaLeft', quotaLeft);
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

  /** Campaigns per component and status, one count query in code-release. */
  async campaignCounts(): Promise<CampaignCount[]> {
    const reply = await this.codeRelease.call<CampaignCountsReply, CampaignCountsRequest>(
      CampaignSummaryRpcPatterns.Counts,
      {},
    );
    return reply.counts;
  }

  /** Quota left of every component the token service knows. */
  async quotaLeft(now: Date): Promise<QuotaLeft[]> {
    const components = await this.components.list();
    return Promise.all(components.map(({ componentAppid }) => this.quota.quotaLeft(componentAppid, now)));
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
