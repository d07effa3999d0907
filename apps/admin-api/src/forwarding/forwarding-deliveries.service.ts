import { Inject, Injectable, Logger } from '@nestjs/common';
import { createEnvelope, type EventEnvelope } from '@wxop/contracts';
import type { DeliveryContext } from '@wxop/messaging';

import { DeliveryQueue, type DeliveryMessageData } from './delivery-queue';
import { ForwardingError } from './forwarding.errors';
import { FORWARDING_SETTINGS, type ForwardingSettings } from './forwarding.tokens';
import {
  ForwardingDeliveryRepository,
  type AttemptRecord,
  type DeliveryFilter,
  type DeliveryRecord,
  type DeliverySortField,
} from './forwarding-delivery.repository';
import type { RuleRecord } from './forwarding-rule.repository';
import { ForwardingRulesService } from './forwarding-rules.service';
import { HttpDeliverer, type AttemptOutcome } from './http-deliverer';
import { KeyedConcurrency } from './rule-concurrency';
import { signatureHeader } from './signature.util';

/** A delivery failed this attempt; thrown so the delivery queue retries it (its RetryPolicy). */
export class DeliveryAttemptFailed extends Error {
  constructor(deliveryId: string, outcome: AttemptOutcome) {
    super(`delivery ${deliveryId} failed: ${outcome.statusCode ?? outcome.error ?? 'no response'}`);
    this.name = 'DeliveryAttemptFailed';
  }
}

/** The component appid of sample events when the rule names none. */
const SAMPLE_COMPONENT_APPID = 'wx_forwarding_test';

/** Deliveries: one per (rule, event), signed POSTs, the delivery log, retries by hand. */
@Injectable()
export class ForwardingDeliveriesService {
  private readonly logger = new Logger(ForwardingDeliveriesService.name);
  private readonly concurrency = new KeyedConcurrency();

  constructor(
    private readonly rulesService: ForwardingRulesService,
    private readonly deliveries: ForwardingDeliveryRepository,
    private readonly queue: DeliveryQueue,
    private readonly deliverer: HttpDeliverer,
    @Inject(FORWARDING_SETTINGS) private readonly settings: Pick<ForwardingSettings, 'inlineWaitMs'>,
  ) {}

  /**
   * An event of `admin-api.forwarding` (routed there by the enabled rules' patterns, ADR 0018): a
   * delivery per matching rule, each attempted at once from here (no broker round trip for the
   * common case, issue #14) as soon as its rule has a free `concurrency` slot, waiting in line for
   * one `inlineWaitMs` at most, and logged. A delivery whose rule stayed busy that long (a slow or
   * unreachable target) is not attempted here, and it and the ones that did not succeed go to the
   * delivery queue, whose RetryPolicy retries them for 24 h. So one slow target holds an event
   * (a prefetch slot) for `inlineWaitMs` beyond its own `concurrency` first attempts, and never
   * other rules' first attempts. The event is acknowledged only after the attempts were logged and
   * the rest queued (a crash in between redelivers it, and the deliveries still pending are
   * attempted again).
   */
  async onEvent(envelope: EventEnvelope<unknown>): Promise<void> {
    const rules = await this.rulesService.matching(envelope);
    if (rules.length === 0) return;
    const { pending, body } = await this.deliveries.createForEvent(
      rules.map((rule) => rule.id),
      envelope,
    );
    const byId = new Map(rules.map((rule) => [rule.id, rule]));
    const undelivered: DeliveryMessageData[] = [];
    await Promise.all(
      pending.map(async (delivery) => {
        const rule = byId.get(delivery.ruleId)!;
        const attempt = await this.concurrency.runWithin(
          rule.id,
          rule.concurrency,
          this.settings.inlineWaitMs,
          () =>
            this.post(
              rule,
              { id: delivery.id, eventId: envelope.id, eventType: envelope.type, isTest: false },
              body,
            ),
        );
        if (!attempt) {
          undelivered.push({ deliveryId: delivery.id, ruleId: rule.id });
          return;
        }
        const outcome = attempt.result;
        await this.deliveries.recordAttempt(
          delivery.id,
          outcome,
          outcome.delivered ? 'delivered' : 'pending',
        );
        if (!outcome.delivered) undelivered.push({ deliveryId: delivery.id, ruleId: rule.id });
      }),
    );
    if (undelivered.length > 0) await this.queue.enqueue(undelivered, envelope.componentAppid);
  }

  /**
   * One attempt of one delivery (a message of the delivery queue). Throws when it failed and the
   * queue's retry policy has time left; on the last attempt the delivery is marked failed instead.
   */
  async attempt(message: DeliveryMessageData, context: Pick<DeliveryContext, 'lastAttempt'>): Promise<void> {
    const delivery = await this.deliveries.find(message.deliveryId);
    if (!delivery || delivery.state !== 'pending') return; // settled already (a duplicate message)
    const rule = await this.rulesService.forDelivery(delivery.ruleId);
    if (!rule) return; // the rule was deleted, and its deliveries with it
    if (!rule.enabled) {
      await this.deliveries.recordAttempt(
        delivery.id,
        { latencyMs: 0, error: 'rule disabled', delivered: false },
        'failed',
      );
      return;
    }
    const outcome = await this.concurrency.run(rule.id, rule.concurrency, () =>
      this.post(rule, delivery, JSON.stringify(delivery.envelope)),
    );
    if (outcome.delivered) {
      await this.deliveries.recordAttempt(delivery.id, outcome, 'delivered');
      return;
    }
    if (context.lastAttempt) {
      await this.deliveries.recordAttempt(delivery.id, outcome, 'failed');
      this.logger.warn({
        msg: 'forwarding delivery failed for good',
        ruleId: rule.id,
        deliveryId: delivery.id,
      });
      return;
    }
    await this.deliveries.recordAttempt(delivery.id, outcome, 'pending');
    throw new DeliveryAttemptFailed(delivery.id, outcome);
  }

  /** Sends a sample event of `eventType` to the rule (marked as a test); answers the delivery. */
  async sendTest(ruleId: string, eventType: string): Promise<DeliveryRecord> {
    const rule = await this.rulesService.get(ruleId);
    const envelope = createEnvelope(
      eventType,
      { test: true, note: 'sample event sent from the wxop admin console' },
      {
        componentAppid: rule.componentAppid ?? SAMPLE_COMPONENT_APPID,
        authorizerAppid: rule.authorizerAppid,
      },
    );
    const {
      pending: [created],
    } = await this.deliveries.createForEvent([rule.id], envelope, true);
    await this.queue.enqueue([{ deliveryId: created!.id, ruleId: rule.id }], envelope.componentAppid);
    return (await this.deliveries.find(created!.id))!;
  }

  async list(
    ruleId: string,
    filter: DeliveryFilter,
    page: { limit: number; offset: number; sort: DeliverySortField; order: 'asc' | 'desc' },
  ): Promise<{ items: DeliveryRecord[]; total: number }> {
    await this.rulesService.get(ruleId);
    return this.deliveries.list(ruleId, filter, page);
  }

  async detail(ruleId: string, id: string): Promise<{ delivery: DeliveryRecord; attempts: AttemptRecord[] }> {
    const delivery = await this.deliveries.find(id, ruleId);
    if (!delivery) throw ForwardingError.deliveryNotFound(id);
    return { delivery, attempts: await this.deliveries.attemptsOf(id) };
  }

  /** Delivers one delivery again (whatever its state), with a fresh retry schedule. */
  async retryOne(ruleId: string, id: string): Promise<DeliveryRecord> {
    const delivery = await this.deliveries.find(id, ruleId);
    if (!delivery) throw ForwardingError.deliveryNotFound(id);
    await this.deliveries.reopen(ruleId, id);
    await this.queue.enqueue([{ deliveryId: id, ruleId }], delivery.envelope.componentAppid);
    return (await this.deliveries.find(id, ruleId))!;
  }

  /** Delivers again every failed delivery of the rule matching the filter; answers how many. */
  async retryFailed(ruleId: string, filter: Omit<DeliveryFilter, 'state'>): Promise<number> {
    const rule = await this.rulesService.get(ruleId);
    return this.deliveries.reopenFailed(ruleId, filter, (ids) =>
      this.queue.enqueue(
        ids.map((deliveryId) => ({ deliveryId, ruleId })),
        rule.componentAppid ?? SAMPLE_COMPONENT_APPID,
      ),
    );
  }

  /** One signed POST of `body` (the envelope's JSON, as stored) to the rule's target. */
  private async post(
    rule: RuleRecord,
    delivery: Pick<DeliveryRecord, 'id' | 'eventId' | 'eventType' | 'isTest'>,
    body: string,
  ): Promise<AttemptOutcome> {
    const timestamp = Math.floor(Date.now() / 1000);
    const secrets = rule.previousSecret ? [rule.secret, rule.previousSecret] : [rule.secret];
    const headers: Record<string, string> = {
      'x-wxop-event-id': delivery.eventId,
      'x-wxop-event-type': delivery.eventType,
      'x-wxop-timestamp': String(timestamp),
      'x-wxop-signature': signatureHeader(secrets, timestamp, body),
    };
    if (delivery.isTest) headers['x-wxop-test'] = '1';
    return this.deliverer.post(rule.targetUrl, body, headers);
  }
}
