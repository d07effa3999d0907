import {
  Injectable,
  Logger,
  Optional,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { AmqpConnection, EventPublisher } from '@wxop/messaging';
import { HealthRegistry } from '@wxop/observability';

import { IngressConfig, requiredQueuesOf } from '../config/ingress.config';
import { IngressError, IngressErrorCode } from './ingress.errors';

/**
 * Holds pushes back until the consumer queues that must receive them exist (ADR 0026).
 *
 * A topic exchange drops what no queue is bound for, and the broker still confirms it: on a new
 * broker (first deployment, or one that lost its queues) the apps start in any order, and a push
 * answered `success` before its consumer declared its queue was lost. So ingress checks the
 * required queues (passive declares) at start and after every reconnect, retrying every
 * INGRESS_REQUIRED_QUEUES_CHECK_MS until all exist; until then pushes answer 503 (WeChat retries)
 * and readiness is down with the missing names. Once they exist, admitting a push is a flag test.
 */
@Injectable()
export class RequiredQueuesService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(RequiredQueuesService.name);
  private readonly required: string[];
  private readonly interval: number;
  /** Missing as of the last answer of the broker; all of them until it first answered. */
  private missing: string[];
  /** The broker answered since the last (re)connection. */
  private verified = false;
  private checking?: Promise<void>;
  private recheck = false;
  private stopped = false;
  private timer?: NodeJS.Timeout;
  private wake?: () => void;

  constructor(
    config: IngressConfig,
    private readonly publisher: EventPublisher,
    private readonly connection: AmqpConnection,
    @Optional() private readonly health?: HealthRegistry,
  ) {
    this.required = requiredQueuesOf(config);
    this.missing = [...this.required];
    this.interval = config.INGRESS_REQUIRED_QUEUES_CHECK_MS;
  }

  onApplicationBootstrap(): void {
    if (this.required.length === 0) return;
    this.health?.register('consumer-queues', () => {
      if (!this.open) throw new Error(this.why());
      return { queues: this.required };
    });
    // A reconnection may be to a broker that lost its queues (a new node, a reset): ask again.
    this.connection.onConnect(() => {
      this.verified = false;
      this.verify();
    });
    this.verify();
  }

  onModuleDestroy(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.wake?.();
  }

  /** Every required queue exists (or none is required): pushes may be published, the outbox relayed. */
  get open(): boolean {
    return this.required.length === 0 || (this.verified && this.missing.length === 0);
  }

  /**
   * Throws ConsumersMissing (503) unless the push may be published. When the broker is
   * unreachable the push goes on to publish and, failing that, to the outbox, whose relay waits
   * for this gate to open: it is kept, not lost.
   */
  admit(): void {
    if (this.open || !this.connection.isConnected()) return;
    throw new IngressError(IngressErrorCode.ConsumersMissing, this.why());
  }

  /** Resolves once every required queue exists (tests, the relay); rejects after timeoutMs. */
  async waitOpen(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.open) {
      if (Date.now() > deadline) throw new Error(this.why());
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  private why(): string {
    return this.verified
      ? `consumer queues not declared yet: ${this.missing.join(', ')}`
      : `consumer queues not checked yet: ${this.required.join(', ')}`;
  }

  /** One check loop at a time; a reconnection during a check makes it ask once more. */
  private verify(): void {
    if (this.checking) {
      this.recheck = true;
      this.wake?.();
      return;
    }
    this.checking = this.loop().finally(() => (this.checking = undefined));
  }

  private async loop(): Promise<void> {
    let reported = '';
    while (!this.stopped) {
      this.recheck = false;
      try {
        const missing = await this.publisher.missingQueues(this.required);
        if (this.recheck) continue; // a reconnection happened meanwhile: that answer may be stale
        this.missing = missing;
        this.verified = true;
        if (missing.length === 0) {
          this.logger.log({ msg: 'consumer queues present, accepting pushes', queues: this.required });
          return;
        }
        const names = missing.join(',');
        if (names !== reported) {
          this.logger.warn({ msg: 'consumer queues missing, refusing pushes with 503', missing });
          reported = names;
        }
      } catch (error) {
        // Not connected (yet): the reconnection calls verify again; keep trying meanwhile.
        this.logger.debug({
          msg: 'consumer queues could not be checked',
          reason: error instanceof Error ? error.message : String(error),
        });
      }
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        this.timer = setTimeout(resolve, this.interval);
      });
      this.wake = undefined;
    }
  }
}
