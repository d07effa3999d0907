import { randomUUID } from 'node:crypto';

import { Inject, Injectable } from '@nestjs/common';
import { topicMatches, type EventEnvelope } from '@wxop/contracts';

import { ForwardingError, ForwardingErrorCodes } from './forwarding.errors';
import { FORWARDING_SETTINGS, type ForwardingSettings } from './forwarding.tokens';
import { ForwardingBindingsService, isBindingKey } from './forwarding-bindings.service';
import { ForwardingDeliveryRepository, type FailingRuleRecord } from './forwarding-delivery.repository';
import { ForwardingRuleRepository, type RuleChanges, type RuleRecord } from './forwarding-rule.repository';
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

/** How long the event consumer reuses the enabled rules it read (a change made here applies at once on this replica). */
const RULE_CACHE_MS = 2000;
/**
 * An event no cached rule's pattern matches was routed here by a binding another replica made
 * for a rule this one has not read yet: the rules are read again, at most this often.
 */
const RULE_REREAD_ON_MISS_MS = 200;

/** Forwarding rules: CRUD, signing secrets (shown once, rotated with overlap), and matching. */
@Injectable()
export class ForwardingRulesService {
  private cache?: { rules: RuleRecord[]; readAt: number };
  private reading?: Promise<RuleRecord[]>;
  /** Bumped by each change: a read begun before it must not become the cached copy. */
  private generation = 0;

  constructor(
    private readonly rules: ForwardingRuleRepository,
    private readonly bindings: ForwardingBindingsService,
    private readonly deliveries: ForwardingDeliveryRepository,
    private readonly deliverer: HttpDeliverer,
    @Inject(FORWARDING_SETTINGS) private readonly settings: ForwardingSettings,
  ) {}

  /** Creates a rule; the answer carries its signing secret, the only time it is shown. */
  async create(input: RuleInput): Promise<{ rule: RuleRecord; secret: string }> {
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
    // Bound before the answer: an event published once the rule exists is routed to it.
    await this.bindings.reconcile();
    return { rule: await this.get(id), secret };
  }

  async get(id: string): Promise<RuleRecord> {
    const rule = await this.rules.find(id);
    if (!rule) throw ForwardingError.ruleNotFound(id);
    return rule;
  }

  list(): Promise<RuleRecord[]> {
    return this.rules.list();
  }

  async update(id: string, changes: RuleChanges): Promise<RuleRecord> {
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
    if (changes.enabled !== undefined || changes.eventPattern !== undefined) await this.bindings.reconcile();
    return this.get(id);
  }

  async delete(id: string): Promise<void> {
    if (!(await this.rules.delete(id))) throw ForwardingError.ruleNotFound(id);
    this.invalidate();
    await this.bindings.reconcile();
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

  /** The enabled rules an event goes to. */
  async matching(envelope: EventEnvelope<unknown>): Promise<RuleRecord[]> {
    let rules = await this.enabledRules(RULE_CACHE_MS);
    if (!rules.some((rule) => topicMatches(rule.eventPattern, envelope.type))) {
      rules = await this.enabledRules(RULE_REREAD_ON_MISS_MS);
    }
    return rules.filter((rule) => ruleMatches(rule, envelope));
  }

  /** The enabled rules, read again when the copy is older than `maxAgeMs` (one read for concurrent callers). */
  private async enabledRules(maxAgeMs: number): Promise<RuleRecord[]> {
    if (this.cache && Date.now() - this.cache.readAt <= maxAgeMs) return this.cache.rules;
    if (!this.reading) {
      const readAt = Date.now();
      const generation = this.generation;
      const reading = this.rules
        .listEnabled()
        .then((rules) => {
          if (generation === this.generation) this.cache = { rules, readAt };
          return rules;
        })
        .finally(() => {
          if (this.reading === reading) this.reading = undefined;
        });
      this.reading = reading;
    }
    return this.reading;
  }

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
