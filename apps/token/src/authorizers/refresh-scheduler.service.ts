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
import { AuthorizerRepository, type ClaimedAuthorizer } from './authorizer.repository';

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
  /** The claiming loop while it runs (one at a time). */
  private pumping?: Promise<void>;
  private pumpAgain = false;
  /**
   * The last claim got all it asked for, so more may be due now. Otherwise completions do not
   * claim (an empty claim is a 4-statement transaction per refresh); the next pass picks up what
   * comes due.
   */
  private backlog = false;
  /** Every refresh started and not finished (stored, or its failure recorded). */
  private readonly inFlight = new Set<Promise<unknown>>();
  /** Refreshes whose WeChat call has not answered yet: what TOKEN_REFRESH_CONCURRENCY limits. */
  private calling = 0;
  /** Claimed (leased to this replica) and not started yet, oldest first. */
  private readonly ready: { entry: ClaimedAuthorizer; claimedAt: number }[] = [];
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
    await this.pumping;
    // Claimed but never started: released, so another replica need not wait for the leases to lapse.
    const unstarted = this.ready.splice(0);
    await Promise.allSettled(
      unstarted.map(({ entry }) =>
        this.authorizers.releaseLease(entry.componentAppid, entry.authorizerAppid, this.replicaId),
      ),
    );
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
   * Keeps every slot busy while a backlog lasts: each claim covers the free slots plus a reserve of
   * up to TOKEN_REFRESH_CONCURRENCY claimed entries, a completion starts the next entry of the
   * reserve at once, and the next claim runs while half the reserve is still left. No slot waits
   * for a claim's round trip, and claims stay large (a fraction of a statement per refresh). The
   * reserve drains in about one WeChat round trip, far inside the lease; an entry that waited half
   * its lease anyway is released instead of started. (Claiming only for free slots, refilled when a
   * quarter of them was free, left about a fifth of the slots idle: see apps/token/README.md.)
   */
  private pump(): Promise<void> {
    if (this.pumping) {
      this.pumpAgain = true;
      return this.pumping;
    }
    this.pumping = (async () => {
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
      }
    })().finally(() => (this.pumping = undefined));
    return this.pumping;
  }

  private async claimAndStart(): Promise<void> {
    const { TOKEN_REFRESH_CONCURRENCY: concurrency, TOKEN_REFRESH_BATCH_SIZE: batchSize } = this.config;
    while (!this.stopping) {
      this.startReady();
      const wanted = Math.min(batchSize, concurrency - this.calling + this.reserveSize() - this.ready.length);
      if (wanted <= 0) return;
      const claimed = await this.authorizers.claimDue(
        this.replicaId,
        wanted,
        this.config.TOKEN_LEASE_SECONDS,
      );
      const claimedAt = Date.now();
      for (const entry of claimed) {
        if (entry.previousOwner) this.metrics.leaseTakeovers.inc({ kind: 'authorizer' });
        this.ready.push({ entry, claimedAt });
      }
      this.startReady();
      this.backlog = claimed.length === wanted;
      if (!this.backlog) return;
    }
  }

  /** Claimed entries kept ready beyond the free slots, while a backlog lasts. */
  private reserveSize(): number {
    return Math.min(this.config.TOKEN_REFRESH_CONCURRENCY, this.config.TOKEN_REFRESH_BATCH_SIZE);
  }

  /** Starts claimed entries while slots are free. */
  private startReady(): void {
    const maxWaitMs = this.config.TOKEN_LEASE_SECONDS * 500;
    while (this.calling < this.config.TOKEN_REFRESH_CONCURRENCY && this.ready.length > 0 && !this.stopping) {
      const { entry, claimedAt } = this.ready.shift()!;
      if (Date.now() - claimedAt > maxWaitMs) {
        // Too little of the lease left to be sure it outlasts the WeChat call: due again at once.
        void this.authorizers
          .releaseLease(entry.componentAppid, entry.authorizerAppid, this.replicaId)
          .catch(() => undefined);
        continue;
      }
      this.start(entry);
    }
  }

  private start(entry: ClaimedAuthorizer): void {
    this.calling += 1;
    let answered = false;
    // The slot is free once WeChat answered: storing the result (a group commit) runs on, under the
    // lease, without holding a call back.
    const freeSlot = () => {
      if (answered) return;
      answered = true;
      this.calling -= 1;
      this.startReady();
      if (this.backlog && this.ready.length <= this.reserveSize() / 2 && !this.stopping) {
        void this.pump();
      }
    };
    const refresh: Promise<unknown> = this.refresher
      .refreshClaimed(entry, freeSlot)
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
        freeSlot();
      });
    this.inFlight.add(refresh);
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
