import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type BeforeApplicationShutdown,
} from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { TransactionalOutbox } from '@wxop/messaging';

import { ComponentTokensService } from '../components/component-tokens.service';
import { ComponentRepository } from '../components/component.repository';
import { TokenConfig } from '../config/token.config';
import { REPLICA_ID } from '../shared/replica-id';
import { TokenMetrics } from '../shared/token.metrics';
import { AuthorizerRefreshService } from './authorizer-refresh.service';
import { AuthorizerRepository } from './authorizer.repository';

const INTERVAL_NAME = 'token-refresh';
const STATS_EVERY_MS = 10_000;

/**
 * Every TOKEN_REFRESH_INTERVAL_MS, on every replica: component tokens and tickets, then the due
 * authorizers, then the outbox. Authorizers are claimed in batches (SKIP LOCKED + lease, so each is
 * refreshed by one replica at a time) and refreshed with at most TOKEN_REFRESH_CONCURRENCY calls in
 * flight per replica.
 */
@Injectable()
export class RefreshSchedulerService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(RefreshSchedulerService.name);
  private running?: Promise<void>;
  private stopping = false;
  private pumping = false;
  private pumpAgain = false;
  /**
   * The last claim filled every free slot, so more may be due now. Otherwise completions do not
   * claim (an empty claim is a 4-statement transaction per refresh); the next pass picks up what
   * comes due.
   */
  private backlog = false;
  private readonly inFlight = new Set<Promise<unknown>>();
  private lastStatsAt = 0;

  constructor(
    private readonly scheduler: SchedulerRegistry,
    private readonly config: TokenConfig,
    private readonly components: ComponentRepository,
    private readonly componentTokens: ComponentTokensService,
    private readonly authorizers: AuthorizerRepository,
    private readonly refresher: AuthorizerRefreshService,
    private readonly outbox: TransactionalOutbox,
    @Inject(REPLICA_ID) private readonly replicaId: string,
    private readonly metrics: TokenMetrics,
  ) {}

  onApplicationBootstrap(): void {
    const timer = setInterval(() => void this.tick(), this.config.TOKEN_REFRESH_INTERVAL_MS);
    this.scheduler.addInterval(INTERVAL_NAME, timer);
    void this.tick();
  }

  /**
   * Stops claiming and lets refreshes in flight store their results. Before shutdown, not at it:
   * the database pool (a global module) is closed in the shutdown hooks, and a refresh WeChat has
   * answered must still store the refresh token it returned.
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    if (this.scheduler.doesExist('interval', INTERVAL_NAME)) this.scheduler.deleteInterval(INTERVAL_NAME);
    await this.running;
    await Promise.allSettled([...this.inFlight]);
  }

  /** One pass; a pass still running makes this a no-op. Resolves when the pass ends. */
  tick(): Promise<void> {
    this.running ??= this.pass().finally(() => (this.running = undefined));
    return this.running;
  }

  private async pass(): Promise<void> {
    try {
      for (const componentAppid of await this.components.listAppids()) {
        await this.componentTokens.maintain(componentAppid);
      }
      await this.pump();
      await this.outbox.relay();
      if (Date.now() - this.lastStatsAt > STATS_EVERY_MS) await this.updateStats();
    } catch (error) {
      this.logger.warn({
        msg: 'refresh pass failed',
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }

  /**
   * Claims only what it can start at once (so a lease covers real work, not time in a local queue)
   * and never waits for a slow refresh before claiming more: while a backlog lasts, each completion
   * that leaves a quarter of the slots free pulls the next batch. A backlog therefore drains at
   * close to the configured concurrency while batches stay large enough that claiming costs a
   * fraction of a query per refresh. (Refilling only at half free idled too many slots: 0.60–0.68
   * of the ideal rate in `npm run bench -- token`, against 0.69–0.76 now.)
   */
  private async pump(): Promise<void> {
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    try {
      do {
        this.pumpAgain = false;
        await this.claimAndStart();
      } while (this.pumpAgain && !this.stopping);
    } catch (error) {
      this.logger.warn({
        msg: 'claiming due authorizers failed',
        error: error instanceof Error ? error.message : String(error),
      });
    } finally {
      this.pumping = false;
    }
  }

  private async claimAndStart(): Promise<void> {
    const { TOKEN_REFRESH_CONCURRENCY: concurrency, TOKEN_REFRESH_BATCH_SIZE: batchSize } = this.config;
    while (!this.stopping) {
      const wanted = Math.min(batchSize, concurrency - this.inFlight.size);
      if (wanted <= 0) return;
      const claimed = await this.authorizers.claimDue(
        this.replicaId,
        wanted,
        this.config.TOKEN_LEASE_SECONDS,
      );
      for (const entry of claimed) {
        if (entry.previousOwner) this.metrics.leaseTakeovers.inc({ kind: 'authorizer' });
        const refresh: Promise<unknown> = this.refresher
          .refreshClaimed(entry)
          .catch((error: unknown) =>
            // refreshClaimed stores its own failures; this is the database failing meanwhile. The
            // lease lapses and another pass retries.
            this.logger.error({
              msg: 'refresh bookkeeping failed',
              authorizerAppid: entry.authorizerAppid,
              error: error instanceof Error ? error.message : String(error),
            }),
          )
          .finally(() => {
            this.inFlight.delete(refresh);
            if (this.backlog && this.inFlight.size <= (concurrency * 3) / 4 && !this.stopping) {
              void this.pump();
            }
          });
        this.inFlight.add(refresh);
      }
      this.backlog = claimed.length === wanted;
      if (!this.backlog) return;
    }
  }

  private async updateStats(): Promise<void> {
    this.lastStatsAt = Date.now();
    const stats = await this.authorizers.stats();
    if (stats.minRemainingSeconds !== undefined)
      this.metrics.authorizerTokenMinRemaining.set(stats.minRemainingSeconds);
    for (const status of ['active', 'invalid', 'revoked']) {
      this.metrics.authorizers.set({ status }, stats.byStatus[status] ?? 0);
    }
    this.metrics.outboxDepth.set((await this.outbox.stats()).depth);
  }
}
