import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import {
  deadLetterQueueOf,
  envelopeViolations,
  retryQueueOf,
  topicMatches,
  type EventEnvelope,
} from '@wxop/contracts';
import { runWithCorrelationId } from '@wxop/observability';
import type { ConfirmChannel, ConsumeMessage } from 'amqplib';
import type { ChannelWrapper } from 'amqp-connection-manager';

import { AckCoalescer } from './ack-coalescer';
import { AmqpConnection } from './amqp-connection';
import { CONSUME_EVENT_METADATA, type ConsumeEventOptions } from './consume-event.decorator';
import { attemptOf, firstFailedAtOf, originalRoutingKey, RetryHeaders } from './delivery.util';
import { NonRetryableError } from './messaging.errors';
import { BrokerNames, MESSAGING_OPTIONS, type ResolvedMessagingOptions } from './messaging.options';
import {
  delayLadder,
  delayQueueOf,
  isLastAttempt,
  nextRetry,
  resolveRetryPolicy,
  type RetryPolicy,
} from './retry-policy';

/** What a handler learns about the delivery besides the envelope. */
export interface DeliveryContext {
  queue: string;
  /** The routing key the event was published with. */
  routingKey: string;
  /** 1 for the first delivery, counting retries. */
  attempt: number;
  /** The queue's retry policy. */
  retry: RetryPolicy;
  /** When the first attempt failed; undefined on a first delivery. */
  firstFailedAt?: Date;
  /** A failure of this delivery sends the message to the DLQ (the retry policy is exhausted). */
  lastAttempt: boolean;
  redelivered: boolean;
  /** The envelope's correlationId, else its id: log it, and pass it to the events this one causes. */
  correlationId: string;
}

export type EventHandler<TData = Record<string, unknown>> = (
  envelope: EventEnvelope<TData>,
  context: DeliveryContext,
) => unknown;

interface QueueRuntime {
  /** Logical name (without namespace); what the handlers declared. */
  name: string;
  queue: string;
  patterns: Set<string>;
  /** The patterns the queue is bound with at start (those of handlers registered with `bind` unset or true). */
  boundPatterns: Set<string>;
  /**
   * The patterns bindQueue bound and unbindQueue has not unbound since: bound again by the setup
   * of every channel, so a queue declared again (deleted, lost with its node) gets them at once.
   */
  runtimeBindings: Set<string>;
  handlers: { pattern: string; handler: EventHandler<never>; label: string }[];
  retry: RetryPolicy;
  prefetch: number;
  /** Delay queues declared on the current channel, with when (they expire when left unused). */
  declaredDelayQueues: Map<string, number>;
  channel?: ChannelWrapper;
  rawChannel?: ConfirmChannel;
  consumerTag?: string;
}

/** Why a message went to the dead-letter queue; carried in its `x-wxop-reason` header. */
export type DeadLetterReason =
  'unparseable' | 'contract-violation' | 'no-handler' | 'non-retryable' | 'attempts-exhausted';

/**
 * Runs the `@ConsumeEvent` handlers: declares each queue with its retry queue and DLQ,
 * binds it to the events exchange, consumes with manual ack and explicit prefetch.
 *
 * A failed delivery is retried with exponential backoff and jitter (`RetryPolicy`) through the
 * broker, never through timers in this process, so a restart or another replica keeps the
 * schedule: the consumer publishes a copy (confirmed) to the delay queue of its ladder step,
 * `<queue>.retry.<delay>` (TTL = the step, the copy's own expiration jittered below it, dead-lettered
 * back to `<queue>`), with the attempt, the first failure's time and the original routing key in
 * headers, and then acks the delivery. If that publish fails, the delivery is rejected into the
 * fallback `<queue>.retry` (a fixed 5 s TTL, as every earlier version declared it) and `x-death`
 * counts the attempt.
 * When the policy is exhausted, or at once when a message is unparseable, off-contract, unhandled
 * or NonRetryable, it is copied to `<queue>.dlq` with the reason and then acked: never requeued forever.
 */
@Injectable()
export class EventConsumers implements OnApplicationBootstrap {
  private readonly logger = new Logger(EventConsumers.name);
  private readonly names: BrokerNames;
  private readonly queues = new Map<string, QueueRuntime>();
  private started = false;
  private stopping = false;
  private inFlight = 0;
  private idleWaiters: (() => void)[] = [];
  /** One per underlying channel (a reconnect brings a new channel, with tags from 1 again). */
  private readonly acks = new WeakMap<ConfirmChannel, AckCoalescer>();

  constructor(
    private readonly connection: AmqpConnection,
    @Inject(MESSAGING_OPTIONS) private readonly options: ResolvedMessagingOptions,
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {
    this.names = new BrokerNames(options.namespace);
  }

  /** Registers a handler by hand (the decorator does this for providers). Call before the app starts. */
  register<TData>(options: ConsumeEventOptions, handler: EventHandler<TData>, label = 'handler'): void {
    if (this.started) throw new Error('EventConsumers.register must be called before the application starts');
    let runtime = this.queues.get(options.queue);
    if (!runtime) {
      runtime = {
        name: options.queue,
        queue: this.names.queue(options.queue),
        patterns: new Set(),
        boundPatterns: new Set(),
        runtimeBindings: new Set(),
        handlers: [],
        retry: this.policyOf(options),
        prefetch: options.prefetch ?? this.options.prefetch,
        declaredDelayQueues: new Map(),
      };
      this.queues.set(options.queue, runtime);
    } else {
      this.assertSameSettings(runtime, options);
    }
    for (const pattern of options.patterns) {
      runtime.patterns.add(pattern);
      if (options.bind !== false) runtime.boundPatterns.add(pattern);
      runtime.handlers.push({ pattern, handler: handler as EventHandler<never>, label });
    }
  }

  async onApplicationBootstrap(): Promise<void> {
    this.discoverHandlers();
    await this.start();
  }

  /** Declares the topology and starts consuming every registered queue. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await Promise.all([...this.queues.values()].map((runtime) => this.startQueue(runtime)));
  }

  /** Stops taking deliveries, then waits (bounded) for handlers in flight to finish. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    for (const runtime of this.queues.values()) {
      if (runtime.rawChannel && runtime.consumerTag) {
        await runtime.rawChannel.cancel(runtime.consumerTag).catch(() => undefined);
      }
    }
    await this.waitForIdle(this.options.shutdownTimeoutMs);
    // Acks of the last turn are still waiting for their setImmediate: send them before closing.
    for (const runtime of this.queues.values()) {
      if (runtime.rawChannel) this.acks.get(runtime.rawChannel)?.flush();
    }
    await Promise.all(
      [...this.queues.values()].flatMap((runtime) => (runtime.channel ? [runtime.channel.close()] : [])),
    );
  }

  /**
   * Binds a consumed queue (logical name) to the events exchange with `pattern`, now; resolves
   * once the broker answered. For queues whose bindings the app manages (`bind: false`). Bindings
   * are durable: they survive reconnects and broker restarts, and are the app's to remove; this
   * instance also binds the queue with them again whenever it declares the queue (after a
   * reconnect), in case the queue was lost. Runs on a channel of its own, so a refusal (the
   * exchange or queue gone) does not close the consumer's channel.
   */
  async bindQueue(queue: string, pattern: string): Promise<void> {
    const runtime = await this.connectedRuntime(queue);
    runtime.runtimeBindings.add(pattern);
    await this.connection.withTemporaryChannel((channel) =>
      channel.bindQueue(runtime.queue, this.names.eventsExchange, pattern),
    );
  }

  /** Removes a binding bindQueue made (a no-op for one that does not exist). */
  async unbindQueue(queue: string, pattern: string): Promise<void> {
    const runtime = await this.connectedRuntime(queue);
    // Forgotten first: a reconnect while the unbind is under way must not bind it again.
    runtime.runtimeBindings.delete(pattern);
    await this.connection.withTemporaryChannel((channel) =>
      channel.unbindQueue(runtime.queue, this.names.eventsExchange, pattern),
    );
  }

  /**
   * The consumed queue, once its channel is connected; throws if the queue is not consumed, or if
   * the broker is away for longer than the confirm timeout (a caller holding a lock or a request
   * must not wait for a reconnect that may take minutes).
   */
  private async connectedRuntime(queue: string): Promise<QueueRuntime> {
    const runtime = this.queues.get(queue);
    if (!runtime?.channel) throw new Error(`queue ${queue} is not consumed (or not started yet)`);
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        runtime.channel.waitForConnect(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`queue ${queue}: broker not connected`)),
            this.options.confirmTimeoutMs,
          );
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
    return runtime;
  }

  /** Names of every queue this instance may declare, for tests that clean up after themselves. */
  declaredQueues(): string[] {
    return [...this.queues.values()].flatMap((runtime) => [
      runtime.queue,
      retryQueueOf(runtime.queue),
      deadLetterQueueOf(runtime.queue),
      ...delayLadder(runtime.retry).map((delay) => delayQueueOf(runtime.queue, delay)),
    ]);
  }

  private discoverHandlers(): void {
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || typeof instance !== 'object' || !wrapper.isDependencyTreeStatic()) continue;
      const prototype = Object.getPrototypeOf(instance) as object;
      for (const methodName of this.scanner.getAllMethodNames(prototype)) {
        const method = instance[methodName];
        if (typeof method !== 'function') continue;
        const options = this.reflector.get<ConsumeEventOptions | undefined>(CONSUME_EVENT_METADATA, method);
        if (!options) continue;
        const label = `${instance.constructor.name}.${methodName}`;
        this.register<Record<string, unknown>>(
          options,
          (envelope, context) => (method as EventHandler).call(instance, envelope, context),
          label,
        );
      }
    }
  }

  /** The queue's policy: configuration for this queue, else the handler's, else the service's default. */
  private policyOf(options: ConsumeEventOptions): RetryPolicy {
    const configured = this.options.retry.byQueue[options.queue];
    return resolveRetryPolicy({ ...options.retry, ...configured }, this.options.retry.defaults);
  }

  private assertSameSettings(runtime: QueueRuntime, options: ConsumeEventOptions): void {
    const conflicts =
      (options.retry !== undefined &&
        JSON.stringify(this.policyOf(options)) !== JSON.stringify(runtime.retry)) ||
      (options.prefetch !== undefined && options.prefetch !== runtime.prefetch);
    if (conflicts) {
      throw new Error(`handlers of queue ${options.queue} disagree on the retry policy or prefetch`);
    }
  }

  private async startQueue(runtime: QueueRuntime): Promise<void> {
    const events = this.names.eventsExchange;
    const retryExchange = this.names.retryExchange;
    const retryQueue = retryQueueOf(runtime.queue);
    runtime.channel = this.connection.createChannel(
      `consumer:${runtime.name}`,
      async (channel: ConfirmChannel) => {
        await channel.assertExchange(events, 'topic', { durable: true });
        await channel.assertExchange(retryExchange, 'direct', { durable: true });
        await channel.assertQueue(runtime.queue, {
          durable: true,
          arguments: { 'x-dead-letter-exchange': retryExchange, 'x-dead-letter-routing-key': runtime.queue },
        });
        runtime.declaredDelayQueues.clear();
        // The fallback for a delivery whose retry copy could not be published (see the class doc).
        // Its TTL is fixed: every deployment declared it with 5 s before retry policies existed,
        // and a queue redeclared with other arguments is refused (PRECONDITION_FAILED).
        await channel.assertQueue(retryQueue, {
          durable: true,
          arguments: {
            'x-message-ttl': FALLBACK_RETRY_TTL_MS,
            'x-dead-letter-exchange': '',
            'x-dead-letter-routing-key': runtime.queue,
          },
        });
        await channel.bindQueue(retryQueue, retryExchange, runtime.queue);
        await channel.assertQueue(deadLetterQueueOf(runtime.queue), { durable: true });
        for (const pattern of new Set([...runtime.boundPatterns, ...runtime.runtimeBindings])) {
          await channel.bindQueue(runtime.queue, events, pattern);
        }
        if (this.stopping) return;
        await channel.prefetch(runtime.prefetch);
        runtime.rawChannel = channel;
        const acks = new AckCoalescer(channel);
        this.acks.set(channel, acks);
        const { consumerTag } = await channel.consume(
          runtime.queue,
          (message) => {
            if (!message) return;
            acks.received(message.fields.deliveryTag);
            void this.onMessage(runtime, channel, message);
          },
          { noAck: false },
        );
        runtime.consumerTag = consumerTag;
      },
    );
    await runtime.channel.waitForConnect();
    // The patterns the queue is bound with, not those its handlers match: a queue whose bindings the
    // app manages (`bind: false`, admin-api's forwarding) is bound with fewer, or none yet.
    this.logger.log({
      msg: 'consuming',
      queue: runtime.queue,
      boundPatterns: [...new Set([...runtime.boundPatterns, ...runtime.runtimeBindings])],
    });
  }

  private async onMessage(
    runtime: QueueRuntime,
    channel: ConfirmChannel,
    message: ConsumeMessage,
  ): Promise<void> {
    this.inFlight++;
    const attempt = attemptOf(message, runtime.queue);
    const firstFailedAt = firstFailedAtOf(message);
    try {
      let parsed: unknown;
      try {
        parsed = JSON.parse(message.content.toString('utf8'));
      } catch {
        return await this.deadLetter(runtime, channel, message, attempt, 'unparseable', 'body is not JSON');
      }
      const violations = envelopeViolations(parsed);
      if (violations.length > 0) {
        return await this.deadLetter(
          runtime,
          channel,
          message,
          attempt,
          'contract-violation',
          violations.join('; '),
        );
      }
      const envelope = parsed as EventEnvelope<never>;
      const routingKey = originalRoutingKey(message);
      const handlers = runtime.handlers.filter((entry) => topicMatches(entry.pattern, envelope.type));
      const unique = [...new Map(handlers.map((entry) => [entry.handler, entry])).values()];
      if (unique.length === 0) {
        return await this.deadLetter(
          runtime,
          channel,
          message,
          attempt,
          'no-handler',
          `no handler for ${envelope.type}`,
        );
      }
      const context: DeliveryContext = {
        queue: runtime.name,
        routingKey,
        attempt,
        retry: runtime.retry,
        firstFailedAt: firstFailedAt === undefined ? undefined : new Date(firstFailedAt),
        lastAttempt: isLastAttempt(runtime.retry, {
          attempt,
          firstFailedAt: firstFailedAt ?? Date.now(),
          now: Date.now(),
        }),
        redelivered: message.fields.redelivered,
        correlationId: envelope.correlationId ?? envelope.id,
      };
      try {
        await runWithCorrelationId(context.correlationId, async () => {
          for (const entry of unique) await entry.handler(envelope, context);
        });
      } catch (error) {
        const reason = errorText(error);
        if (error instanceof NonRetryableError) {
          return await this.deadLetter(runtime, channel, message, attempt, 'non-retryable', reason);
        }
        const now = Date.now();
        const retry = nextRetry(runtime.retry, { attempt, firstFailedAt: firstFailedAt ?? now, now });
        if (!retry) {
          return await this.deadLetter(runtime, channel, message, attempt, 'attempts-exhausted', reason);
        }
        this.logger.warn({
          msg: 'event handler failed, will retry',
          queue: runtime.name,
          eventId: envelope.id,
          type: envelope.type,
          attempt,
          retryInMs: retry.expirationMs,
          error: reason,
        });
        try {
          await this.scheduleRetry(runtime, channel, message, {
            attempt,
            firstFailedAt: firstFailedAt ?? now,
            routingKey,
            ...retry,
          });
        } catch (publishError) {
          this.logger.warn({
            msg: 'could not schedule a retry, rejecting into the fallback retry queue',
            queue: runtime.name,
            eventId: envelope.id,
            error: errorText(publishError),
          });
          this.nack(channel, message);
          return;
        }
        this.ack(channel, message);
        return;
      }
      this.ack(channel, message);
    } catch (error) {
      // Only the dead-letter publish can land here: let the broker bring the message back.
      this.logger.error({ msg: 'could not settle a delivery', queue: runtime.name, error: errorText(error) });
      this.nack(channel, message);
    } finally {
      this.inFlight--;
      if (this.inFlight === 0) this.idleWaiters.splice(0).forEach((resolve) => resolve());
    }
  }

  /** Publishes the retry copy into the delay queue of its step (declared on first use), confirmed. */
  private async scheduleRetry(
    runtime: QueueRuntime,
    channel: ConfirmChannel,
    message: ConsumeMessage,
    retry: {
      attempt: number;
      firstFailedAt: number;
      routingKey: string;
      queueDelayMs: number;
      expirationMs: number;
    },
  ): Promise<void> {
    const delayQueue = delayQueueOf(runtime.queue, retry.queueDelayMs);
    const declaredAt = runtime.declaredDelayQueues.get(delayQueue);
    // A delay queue deletes itself an hour after its last declaration once nothing waits in it, so
    // steps that are no longer used (a changed policy, a test run) do not pile up; redeclaring it
    // every few minutes while in use keeps it alive well past the TTL of its last message.
    if (declaredAt === undefined || Date.now() - declaredAt > DELAY_QUEUE_REDECLARE_MS) {
      await channel.assertQueue(delayQueue, {
        durable: true,
        arguments: {
          'x-message-ttl': retry.queueDelayMs,
          'x-dead-letter-exchange': '',
          'x-dead-letter-routing-key': runtime.queue,
          'x-expires': retry.queueDelayMs + DELAY_QUEUE_IDLE_EXPIRY_MS,
        },
      });
      runtime.declaredDelayQueues.set(delayQueue, Date.now());
    }
    const headers: Record<string, unknown> = { ...(message.properties.headers ?? {}) };
    // The attempt now travels in our header; x-death would count the fallback path twice.
    delete headers['x-death'];
    delete headers['x-first-death-exchange'];
    delete headers['x-first-death-queue'];
    delete headers['x-first-death-reason'];
    headers[RetryHeaders.Attempt] = retry.attempt + 1;
    headers[RetryHeaders.FirstFailedAt] = retry.firstFailedAt;
    headers[RetryHeaders.OriginalRoutingKey] = retry.routingKey;
    await new Promise<void>((resolve, reject) => {
      channel.sendToQueue(
        delayQueue,
        message.content,
        { ...message.properties, headers, persistent: true, expiration: String(retry.expirationMs) },
        (error) => (error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve()),
      );
    });
  }

  private async deadLetter(
    runtime: QueueRuntime,
    channel: ConfirmChannel,
    message: ConsumeMessage,
    attempt: number,
    reason: DeadLetterReason,
    detail: string,
  ): Promise<void> {
    const headers = {
      ...(message.properties.headers ?? {}),
      'x-wxop-reason': reason,
      'x-wxop-error': detail.slice(0, 1000),
      'x-wxop-attempts': attempt,
      'x-wxop-original-routing-key': originalRoutingKey(message),
      'x-wxop-dead-lettered-at': new Date().toISOString(),
    };
    await new Promise<void>((resolve, reject) => {
      channel.sendToQueue(
        deadLetterQueueOf(runtime.queue),
        message.content,
        { ...message.properties, headers, persistent: true, expiration: undefined },
        (error) => (error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve()),
      );
    });
    this.logger.error({
      msg: 'event dead-lettered',
      queue: runtime.name,
      reason,
      error: detail,
      attempt,
      messageId: message.properties.messageId as unknown,
    });
    this.ack(channel, message);
  }

  /** Acks through the channel's coalescer: deliveries settled in the same turn share one frame. */
  private ack(channel: ConfirmChannel, message: ConsumeMessage): void {
    const acks = this.acks.get(channel);
    if (acks) acks.ack(message.fields.deliveryTag);
    else settle(() => channel.ack(message));
  }

  private nack(channel: ConfirmChannel, message: ConsumeMessage): void {
    const acks = this.acks.get(channel);
    settle(() => (acks ? acks.nack(message.fields.deliveryTag) : channel.nack(message, false, false)));
  }

  private waitForIdle(timeoutMs: number): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.logger.warn({ msg: 'shutdown timed out with handlers in flight', inFlight: this.inFlight });
        resolve();
      }, timeoutMs);
      this.idleWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

/** TTL of `<queue>.retry`, the fallback retry queue: the value it always had. DO NOT CHANGE. */
export const FALLBACK_RETRY_TTL_MS = 5000;

/** How often a delay queue in use is declared again (it must outlive its last message's TTL). */
const DELAY_QUEUE_REDECLARE_MS = 5 * 60_000;
/** How long an unused delay queue lives past its TTL before the broker deletes it. */
const DELAY_QUEUE_IDLE_EXPIRY_MS = 60 * 60_000;

/** Ack/nack on a channel that died since the delivery throws; the broker redelivers in that case. */
function settle(action: () => void): void {
  try {
    action();
  } catch {
    // channel closed: the delivery will come again, and the inbox makes that harmless
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
