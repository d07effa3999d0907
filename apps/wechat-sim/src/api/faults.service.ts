import { Injectable } from '@nestjs/common';
import { IsIn, IsInt, IsNumber, IsOptional, IsString, Max, Min } from 'class-validator';

import { seededRandom } from '../sim/random.util';
import { InjectedFault, WechatApiError } from './wechat-api.errors';

export const FAULT_FAILURES = ['errcode', 'http', 'drop'] as const;
export type FaultFailure = (typeof FAULT_FAILURES)[number];
export const FAULT_PHASES = ['before', 'after'] as const;
export type FaultPhase = (typeof FAULT_PHASES)[number];

/**
 * One fault rule: on matching calls, with a probability, add latency and/or fail; for `count`
 * failures or `durationMs`, then it removes itself (an outage that ends), or until cleared.
 */
export class FaultRule {
  /** Endpoint path (`cgi-bin/component/api_authorizer_token`, a leading `/` is ignored) or `*`. */
  @IsString()
  endpoint!: string;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(60000)
  latencyMs?: number;

  /**
   * `errcode` answers a WeChat error (e.g. -1); `http` answers httpStatus; `drop` closes the
   * connection. Omitted: `errcode` when errcode is given, `http` when httpStatus is, else none.
   */
  @IsOptional()
  @IsIn(FAULT_FAILURES)
  failure?: FaultFailure;

  @IsOptional()
  @IsInt()
  errcode?: number;

  @IsOptional()
  @IsInt()
  @Min(400)
  @Max(599)
  httpStatus?: number;

  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(1)
  probability?: number;

  @IsOptional()
  @IsInt()
  seed?: number;

  /** The rule fires this many times, then is removed. */
  @IsOptional()
  @IsInt()
  @Min(1)
  count?: number;

  /** The rule is active this long (real time, not the simulated clock) from when it was set. */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(86_400_000)
  durationMs?: number;

  /**
   * `before` (default): the call fails without effect. `after`: the call takes effect (a code is
   * consumed, a token issued) and then its answer is lost: latency, error or dropped connection
   * replace it, as when WeChat did the work but the caller timed out.
   */
  @IsOptional()
  @IsIn(FAULT_PHASES)
  phase?: FaultPhase;
}

/** A rule as listed: its id, the firings left and when it ends. */
export interface FaultView extends FaultRule {
  id: number;
  remaining?: number;
  expiresAt?: string;
}

interface ActiveRule extends FaultRule {
  id: number;
  random: () => number;
  remaining?: number;
  expiresAtMs?: number;
}

@Injectable()
export class FaultsService {
  private rules: ActiveRule[] = [];
  private nextId = 1;

  /** Replaces every rule (PUT /sim/faults). */
  set(rules: FaultRule[]): FaultView[] {
    this.rules = [];
    for (const rule of rules) this.add(rule);
    return this.list();
  }

  /** Adds one rule after the existing ones (POST /sim/faults). */
  add(rule: FaultRule, nowMs = Date.now()): FaultView {
    const active: ActiveRule = {
      ...rule,
      endpoint: normalise(rule.endpoint),
      failure:
        rule.failure ?? (rule.errcode !== undefined ? 'errcode' : rule.httpStatus ? 'http' : undefined),
      id: this.nextId++,
      random: seededRandom(rule.seed ?? 1),
      remaining: rule.count,
      expiresAtMs: rule.durationMs !== undefined ? nowMs + rule.durationMs : undefined,
    };
    this.rules.push(active);
    return view(active);
  }

  list(nowMs = Date.now()): FaultView[] {
    this.prune(nowMs);
    return this.rules.map(view);
  }

  /** Removes every rule, or those of one endpoint, or the one with this id; returns how many. */
  clear(filter: { endpoint?: string; id?: number } = {}): number {
    const before = this.rules.length;
    const endpoint = filter.endpoint === undefined ? undefined : normalise(filter.endpoint);
    this.rules = this.rules.filter(
      (rule) =>
        (filter.id !== undefined && rule.id !== filter.id) ||
        (endpoint !== undefined && rule.endpoint !== endpoint),
    );
    return before - this.rules.length;
  }

  /** Applies the first matching `before` rule whose dice roll hits (before the call does anything). */
  apply(endpoint: string, nowMs = Date.now()): Promise<void> {
    return this.fire(endpoint, 'before', nowMs);
  }

  /** Applies the first matching `after` rule: the call took effect, its answer is replaced. */
  applyAfter(endpoint: string, nowMs = Date.now()): Promise<void> {
    return this.fire(endpoint, 'after', nowMs);
  }

  /** Whether any `after` rule exists (lets the hot path skip the second look-up). */
  hasAfterRules(): boolean {
    return this.rules.some((rule) => rule.phase === 'after');
  }

  private async fire(endpoint: string, phase: FaultPhase, nowMs: number): Promise<void> {
    if (this.rules.length === 0) return;
    this.prune(nowMs);
    for (const rule of this.rules) {
      if ((rule.phase ?? 'before') !== phase) continue;
      if (rule.endpoint !== '*' && rule.endpoint !== endpoint) continue;
      if (rule.random() >= (rule.probability ?? 1)) continue;
      if (rule.remaining !== undefined && --rule.remaining <= 0) this.clear({ id: rule.id });
      if (rule.latencyMs) await new Promise((resolve) => setTimeout(resolve, rule.latencyMs));
      if (rule.failure === 'errcode') throw new WechatApiError(rule.errcode ?? -1);
      if (rule.failure === 'http') throw new InjectedFault('http', rule.httpStatus ?? 500);
      if (rule.failure === 'drop') throw new InjectedFault('drop');
      return;
    }
  }

  private prune(nowMs: number): void {
    if (this.rules.some((rule) => rule.expiresAtMs !== undefined && rule.expiresAtMs <= nowMs))
      this.rules = this.rules.filter((rule) => rule.expiresAtMs === undefined || rule.expiresAtMs > nowMs);
  }
}

function normalise(endpoint: string): string {
  return endpoint.replace(/^\/+/, '');
}

function view(rule: ActiveRule): FaultView {
  const { random: _random, expiresAtMs, remaining, ...rest } = rule;
  return {
    ...rest,
    ...(remaining !== undefined ? { remaining } : {}),
    ...(expiresAtMs !== undefined ? { expiresAt: new Date(expiresAtMs).toISOString() } : {}),
  };
}
