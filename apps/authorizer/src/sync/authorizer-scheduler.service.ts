import {
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { TransactionalOutbox } from '@wxop/messaging';

import { ProfilesService } from '../authorizers/profiles.service';
import { AuthorizerConfig } from '../config/authorizer.config';
import { SyncService } from './sync.service';

const INTERVAL_NAME = 'authorizer-schedule';
const RELAY_INTERVAL_NAME = 'authorizer-outbox-relay';
/**
 * Events are relayed right after their transaction commits; this catches what that missed (the
 * broker was down, or the process stopped between commit and publish).
 */
const RELAY_INTERVAL_MS = 2000;

/**
 * Every AUTHORIZER_SCHEDULE_INTERVAL_MS on every replica: a full sync of each component whose last
 * complete one is older than AUTHORIZER_SYNC_INTERVAL_SECONDS (at the first pass after start:
 * AUTHORIZER_SYNC_ON_START_SKIP_SECONDS, as accounts may have authorized while we were down) (the sync lease lets one replica run
 * it; a failed attempt waits AUTHORIZER_SYNC_RETRY_SECONDS), then one batch of due profiles
 * (claimed with SKIP LOCKED, so replicas share them). The first pass waits
 * AUTHORIZER_SYNC_START_DELAY_SECONDS so that pushes queued while the service was down come first.
 * Every RELAY_INTERVAL_MS, the outbox is relayed.
 */
@Injectable()
export class AuthorizerSchedulerService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(AuthorizerSchedulerService.name);
  private running?: Promise<void>;
  private stopping = false;
  private startTimer?: NodeJS.Timeout;
  private readonly lastAttempt = new Map<string, number>();
  private first = true;

  constructor(
    private readonly scheduler: SchedulerRegistry,
    private readonly config: AuthorizerConfig,
    private readonly syncs: SyncService,
    private readonly profiles: ProfilesService,
    private readonly outbox: TransactionalOutbox,
  ) {}

  onApplicationBootstrap(): void {
    this.scheduler.addInterval(
      RELAY_INTERVAL_NAME,
      setInterval(() => void this.outbox.relay(), RELAY_INTERVAL_MS),
    );
    void this.outbox.relay();
    this.startTimer = setTimeout(() => {
      const timer = setInterval(() => void this.tick(), this.config.AUTHORIZER_SCHEDULE_INTERVAL_MS);
      this.scheduler.addInterval(INTERVAL_NAME, timer);
      void this.tick();
    }, this.config.AUTHORIZER_SYNC_START_DELAY_SECONDS * 1000);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.profiles.stop();
    clearTimeout(this.startTimer);
    for (const name of [INTERVAL_NAME, RELAY_INTERVAL_NAME]) {
      if (this.scheduler.doesExist('interval', name)) this.scheduler.deleteInterval(name);
    }
    await this.running;
    await this.outbox.relay();
  }

  /** One pass; a pass still running makes this a no-op. */
  tick(): Promise<void> {
    this.running ??= this.pass().finally(() => (this.running = undefined));
    return this.running;
  }

  private async pass(): Promise<void> {
    const trigger = this.first ? 'start' : 'schedule';
    this.first = false;
    try {
      for (const componentAppid of await this.syncs.components()) {
        if (this.stopping) return;
        if (await this.syncDue(componentAppid, trigger)) {
          this.lastAttempt.set(componentAppid, Date.now());
          await this.syncs
            .start(componentAppid, trigger)
            .catch((error: unknown) =>
              this.logger.warn({ msg: 'sync not started', componentAppid, error: String(error) }),
            );
        }
      }
      if (!this.stopping) await this.profiles.refreshDue();
    } catch (error) {
      this.logger.warn({
        msg: 'scheduled pass failed',
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }

  private async syncDue(componentAppid: string, trigger: 'start' | 'schedule'): Promise<boolean> {
    const attempted = this.lastAttempt.get(componentAppid);
    if (
      attempted !== undefined &&
      Date.now() - attempted < this.config.AUTHORIZER_SYNC_RETRY_SECONDS * 1000
    ) {
      return false;
    }
    const last = await this.syncs.lastCompleteAt(componentAppid);
    const maxAgeSeconds =
      trigger === 'start'
        ? Math.min(
            this.config.AUTHORIZER_SYNC_ON_START_SKIP_SECONDS,
            this.config.AUTHORIZER_SYNC_INTERVAL_SECONDS,
          )
        : this.config.AUTHORIZER_SYNC_INTERVAL_SECONDS;
    return !last || Date.now() - last.getTime() >= maxAgeSeconds * 1000;
  }
}
