import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { QueueNames } from '@wxop/contracts';
import { EventConsumers } from '@wxop/messaging';

import { FORWARDING_SETTINGS, type ForwardingSettings } from './forwarding.tokens';
import { ForwardingBindingRepository } from './forwarding-binding.repository';

const INTERVAL_NAME = 'forwarding-bindings-reconcile';
/** The first retry of a reconcile that failed after a rule change; doubled up to the periodic interval. */
const PENDING_RETRY_FIRST_MS = 1000;
/**
 * The catch-all binding every version before ADR 0018's amendment made, and that a replica of
 * such a version makes again when its channel reconnects during a rolling deploy.
 */
const LEGACY_CATCH_ALL = '#';
const TOPIC_WORD = /^([a-z0-9_]+|\*|#)$/;

/**
 * A rule's event pattern is a valid AMQP topic binding key: dot-separated words of `[a-z0-9_]`,
 * `*` or `#`, at most 255 bytes (a short string on the wire).
 */
export function isBindingKey(pattern: string): boolean {
  return (
    pattern.length > 0 &&
    Buffer.byteLength(pattern) <= 255 &&
    pattern.split('.').every((word) => TOPIC_WORD.test(word))
  );
}

/**
 * Keeps the bindings of `admin-api.forwarding` equal to the enabled rules' patterns (ADR 0018), so
 * the broker routes there only what some rule wants (with no rule, a push costs the broker one
 * queue, the push log's, instead of two). A rule change through this replica reconciles before
 * it is answered; every replica reconciles at start and every
 * ADMIN_API_FORWARDING_BINDINGS_RECONCILE_SECONDS (another replica's change it missed, a crash
 * between a change and its reconcile, a binding lost with a deleted queue). Reconciles of all
 * replicas run one at a time under a database lock and read the rules under it, so the last one
 * leaves the bindings of the rules as committed: binding every wanted pattern (idempotent), then
 * unbinding the recorded ones no enabled rule uses. A pattern is recorded before it is bound, and
 * forgotten after it is unbound, so a crash never leaves a binding nobody will remove.
 */
@Injectable()
export class ForwardingBindingsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ForwardingBindingsService.name);
  private current?: Promise<void>;
  private queued?: Promise<void>;
  private pendingRetry?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly repository: ForwardingBindingRepository,
    private readonly consumers: EventConsumers,
    private readonly scheduler: SchedulerRegistry,
    @Inject(FORWARDING_SETTINGS) private readonly settings: Pick<ForwardingSettings, 'bindingsReconcileMs'>,
  ) {}

  /** After EventConsumers started (MessagingModule is global: its hooks run first). */
  async onApplicationBootstrap(): Promise<void> {
    await this.reconcile().catch((error: unknown) =>
      this.logger.warn({ msg: 'forwarding bindings not reconciled at start', error: errorText(error) }),
    );
    const timer = setInterval(
      () =>
        void this.reconcile().catch((error: unknown) =>
          this.logger.warn({ msg: 'forwarding bindings not reconciled', error: errorText(error) }),
        ),
      this.settings.bindingsReconcileMs,
    );
    timer.unref();
    this.scheduler.addInterval(INTERVAL_NAME, timer);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.pendingRetry);
    this.pendingRetry = undefined;
    if (this.scheduler.doesExist('interval', INTERVAL_NAME)) this.scheduler.deleteInterval(INTERVAL_NAME);
    await Promise.all(
      [this.current, this.queued].flatMap((run) => (run ? [run.catch(() => undefined)] : [])),
    );
  }

  /**
   * Reconciles the bindings with the rules as committed now: the run starts after this call (a
   * caller that just changed a rule sees its change applied), and callers arriving while one
   * waits to start share it.
   */
  reconcile(): Promise<void> {
    if (!this.queued) {
      const previous = this.current ?? Promise.resolve();
      const run: Promise<void> = previous
        .catch(() => undefined)
        .then(() => {
          this.queued = undefined;
          this.current = run;
          return this.reconcileOnce();
        })
        .finally(() => {
          if (this.current === run) this.current = undefined;
        });
      this.queued = run;
    }
    return this.queued;
  }

  /** A rule change's bindings could not be applied yet; retried soon (see applyAfterChange). */
  get pending(): boolean {
    return this.pendingRetry !== undefined;
  }

  /**
   * Reconciles after a rule change, before it is answered: true when applied. When the reconcile
   * fails (the lock not obtained in time, the broker away) the change stays committed, this
   * answers false (the answer says the bindings are pending) and logs it, and reconciles again
   * after 1 s, doubling up to the periodic interval, until one succeeds.
   */
  async applyAfterChange(): Promise<boolean> {
    try {
      await this.reconcile();
      return true;
    } catch (error) {
      this.logger.warn({
        msg: 'forwarding bindings pending: not reconciled after a rule change, retrying',
        error: errorText(error),
      });
      this.retryPending(PENDING_RETRY_FIRST_MS);
      return false;
    }
  }

  private retryPending(delayMs: number): void {
    if (this.pendingRetry || this.stopped) return;
    const timer = setTimeout(() => {
      void this.reconcile().then(
        () => {
          if (this.pendingRetry === timer) this.pendingRetry = undefined;
          this.logger.log({ msg: 'forwarding bindings pending no more: reconciled' });
        },
        (error: unknown) => {
          if (this.pendingRetry === timer) this.pendingRetry = undefined;
          this.logger.warn({ msg: 'forwarding bindings still pending', error: errorText(error) });
          this.retryPending(Math.min(delayMs * 2, this.settings.bindingsReconcileMs));
        },
      );
    }, delayMs);
    timer.unref();
    this.pendingRetry = timer;
  }

  private async reconcileOnce(): Promise<void> {
    const queue = QueueNames.AdminApiForwarding;
    await this.repository.underLock(async (tx) => {
      const enabled = await tx.enabledPatterns();
      const wanted = new Set(enabled.filter(isBindingKey));
      for (const pattern of enabled.filter((pattern) => !isBindingKey(pattern))) {
        this.logger.warn({ msg: 'forwarding rule pattern is not a binding key, not bound', pattern });
      }
      const recorded = new Set(await tx.recordedPatterns());
      const added: string[] = [];
      const removed: string[] = [];
      for (const pattern of wanted) {
        if (!recorded.has(pattern)) {
          await tx.record(pattern);
          added.push(pattern);
        }
        await this.consumers.bindQueue(queue, pattern);
      }
      for (const pattern of recorded) {
        if (wanted.has(pattern)) continue;
        await this.consumers.unbindQueue(queue, pattern);
        await tx.forget(pattern);
        removed.push(pattern);
      }
      // Unrecorded yet bound when a replica of the previous version bound it again (on a
      // reconnect) after a reconcile forgot it; unbinding a binding that does not exist is a
      // no-op for RabbitMQ (libs/messaging's integration spec checks it).
      if (!wanted.has(LEGACY_CATCH_ALL) && !recorded.has(LEGACY_CATCH_ALL)) {
        await this.consumers.unbindQueue(queue, LEGACY_CATCH_ALL);
      }
      if (added.length > 0 || removed.length > 0) {
        this.logger.log({ msg: 'forwarding bindings changed', added, removed, bound: [...wanted] });
      }
    });
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
