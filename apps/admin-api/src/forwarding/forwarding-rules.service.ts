import { randomUUID } from 'node:crypto';

import { Inject, Injectable } from '@nestjs/common';
import { topicMatches, type EventEnvelope } from '@wxop/contracts';

import { ForwardingError, ForwardingErrorCodes } from './forwarding.errors';
import { FORWARDING_SETTINGS, type ForwardingSettings } from './forwarding.tokens';
import { ForwardingBindingsService, isBindingKey } from './forwarding-bindings.service';
import { ForwardingDeliveryRepository, type FailingRuleRecord } from './forwarding-delivery.repository';
import { ForwardingRuleRepository, type RuleChanges, type RuleRecord } from './forwarding-rule.repository';
import { FreshRead } from './fresh-read';
import { HttpDeliverer } from './http-deliverer';
import { newSigningSecret } from './signature.util';

export interface RuleInput {
  name: string;
  eventPattern: string;
  componentAppid?: string;
  authorizerAppid?: string;
  targetUrl: string;
  enabled?: boolean;
  concurrency?: number;
}

/**
 * The longest the event consumer reuses the enabled rules it read while their version stays the
 * same: bounds what the version cannot see (a rule edited in the database by hand, a previous
 * secret's overlap ending).
 */
const RULE_CACHE_MS = 2000;

/** Forwarding rules: CRUD, signing secrets (shown once, rotated with overlap), and matching. */
@Injectable()
export class ForwardingRulesService {
  /** The enabled rules, with the rules' version read before them (so never newer than them). */
  private cache?: { rules: RuleRecord[]; version: string; readAt: number };
  private reading?: { promise: Promise<RuleRecord[]>; version: string };
  /** The rules' version, as read after the caller arrived (ADR 0018): one read for concurrent events. */
  private readonly version = new FreshRead(() => this.rules.version());
  /** Bumped by each change made here: a read begun before it must not become the cached copy. */
  private generation = 0;

  constructor(
    private readonly rules: ForwardingRuleRepository,
    private readonly bindings: ForwardingBindingsService,
    private readonly deliveries: ForwardingDeliveryRepository,
    private readonly deliverer: HttpDeliverer,
    @Inject(FORWARDING_SETTINGS) private readonly settings: ForwardingSettings,
  ) {}

  /** Creates a rule; the answer carries its signing secret, the only time it is shown. */
  async create(input: RuleInput): Promise<{ rule: RuleRecord; secret: string; bindingsPending: boolean }> {
    assertPattern(input.eventPattern);
    await this.assertTarget(input.targetUrl);
    const id = randomUUID();
    const secret = newSigningSecret();
    try {
      await this.rules.insert({
        id,
        name: input.name,
        eventPattern: input.eventPattern,
        componentAppid: input.componentAppid,
        authorizerAppid: input.authorizerAppid,
        targetUrl: input.targetUrl,
        enabled: input.enabled ?? true,
        concurrency: input.concurrency ?? 4,
        secret,
      });
    } catch (error) {
      if ((error as { code?: string }).code === 'ER_DUP_ENTRY') throw ForwardingError.nameTaken(input.name);
      throw error;
    }
    this.invalidate();
    // Bound before the answer: an event published once the rule exists is routed to it (unless
    // the answer says the binding is pending).
    const bindingsPending = !(await this.bindings.applyAfterChange());
    return { rule: await this.get(id), secret, bindingsPending };
  }

  async get(id: string): Promise<RuleRecord> {
    const rule = await this.rules.find(id);
    if (!rule) throw ForwardingError.ruleNotFound(id);
    return rule;
  }

  list(): Promise<RuleRecord[]> {
    return this.rules.list();
  }

  async update(id: string, changes: RuleChanges): Promise<{ rule: RuleRecord; bindingsPending: boolean }> {
    if (changes.eventPattern !== undefined) assertPattern(changes.eventPattern);
    if (changes.targetUrl !== undefined) await this.assertTarget(changes.targetUrl);
    try {
      if (!(await this.rules.update(id, changes))) throw ForwardingError.ruleNotFound(id);
    } catch (error) {
      if ((error as { code?: string }).code === 'ER_DUP_ENTRY')
        throw ForwardingError.nameTaken(changes.name ?? '');
      throw error;
    }
    this.invalidate();
    const rebinds = changes.enabled !== undefined || changes.eventPattern !== undefined;
    const bindingsPending = rebinds && !(await this.bindings.applyAfterChange());
    return { rule: await this.get(id), bindingsPending };
  }

  async delete(id: string): Promise<void> {
    if (!(await this.rules.delete(id))) throw ForwardingError.ruleNotFound(id);
    this.invalidate();
    // A pending unbind costs throughput only (the consumer matches in process): no answer says it.
    await this.bindings.applyAfterChange();
  }

  /**
   * A new signing secret, shown once; the previous one stays valid (both signatures are sent) for
   * ADMIN_API_FORWARDING_ROTATION_OVERLAP_SECONDS.
   */
  async rotateSecret(id: string): Promise<{ secret: string; previousSecretExpiresAt?: Date }> {
    const secret = newSigningSecret();
    if (!(await this.rules.rotateSecret(id, secret, this.settings.rotationOverlapSeconds))) {
      throw ForwardingError.ruleNotFound(id);
    }
    this.invalidate();
    const rule = await this.get(id);
    return { secret, previousSecretExpiresAt: rule.previousSecretExpiresAt };
  }

  /**
   * The enabled rules an event goes to, as committed when the event got here: the rules' version
   * is read after the event arrived (one read shared by the events arriving meanwhile), and the
   * rules again when it changed. So a rule created through any replica (its create answered,
   * then an event published) applies to that event, whatever the rules cached here match.
   */
  async matching(envelope: EventEnvelope<unknown>): Promise<RuleRecord[]> {
    const rules = await this.enabledRules();
    return rules.filter((rule) => ruleMatches(rule, envelope));
  }

  private async enabledRules(): Promise<RuleRecord[]> {
    const version = await this.version.get();
    const cache = this.cache;
    if (cache && cache.version === version && Date.now() - cache.readAt <= RULE_CACHE_MS) return cache.rules;
    if (this.reading?.version === version) return this.reading.promise;
    const readAt = Date.now();
    const generation = this.generation;
    const promise = this.rules
      .listEnabled()
      .then((rules) => {
        // An older read finishing last must not replace a newer copy.
        if (
          generation === this.generation &&
          (!this.cache || BigInt(this.cache.version) <= BigInt(version))
        ) {
          this.cache = { rules, version, readAt };
        }
        return rules;
      })
      .finally(() => {
        if (this.reading?.promise === promise) this.reading = undefined;
      });
    this.reading = { promise, version };
    return promise;
  }

  /** A change made here: the copy goes at once (forDelivery reads it without the version). */
  private invalidate(): void {
    this.generation++;
    this.cache = undefined;
    this.reading = undefined;
  }

  /** A rule for a delivery: from the enabled rules read for matching when fresh, else from the database. */
  async forDelivery(id: string): Promise<RuleRecord | undefined> {
    const cached =
      this.cache && Date.now() - this.cache.readAt <= RULE_CACHE_MS
        ? this.cache.rules.find((rule) => rule.id === id)
        : undefined;
    return cached ?? this.rules.find(id);
  }

  /** Rules with failed deliveries or consecutive failed attempts in the last hour (the dashboard). */
  failingRules(): Promise<FailingRuleRecord[]> {
    return this.deliveries.failingRules();
  }

  private async assertTarget(url: string): Promise<void> {
    const refusal = await this.deliverer.refusal(url);
    if (refusal) throw ForwardingError.targetRefused(refusal);
  }
}

/** Pattern, component and authorizer filters of a rule against an event. */
export function ruleMatches(
  rule: Pick<RuleRecord, 'eventPattern' | 'componentAppid' | 'authorizerAppid'>,
  envelope: Pick<EventEnvelope<unknown>, 'type' | 'componentAppid' | 'authorizerAppid'>,
): boolean {
  if (rule.componentAppid && rule.componentAppid !== envelope.componentAppid) return false;
  if (rule.authorizerAppid && rule.authorizerAppid !== envelope.authorizerAppid) return false;
  return topicMatches(rule.eventPattern, envelope.type);
}

/** The pattern is the queue's binding key too (ADR 0018): AMQP topic syntax, checked here. */
function assertPattern(pattern: string): void {
  if (!isBindingKey(pattern)) {
    throw new ForwardingError(
      ForwardingErrorCodes.InvalidPattern,
      'eventPattern must be dot-separated lower-case words, `*` (one word) or `#` (any words)',
    );
  }
}
