import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

import { SimClock } from '../sim/sim-clock';
import { SimSettings } from '../sim/sim-settings';
import { SimState, type Authorization, type Platform, type TokenRecord } from '../sim/sim-state';
import { CountersService } from './counters.service';
import { FaultsService } from './faults.service';
import { WechatApiError } from './wechat-api.errors';

export type TokenKind = 'none' | 'component' | 'authorizer';

export interface EndpointSpec {
  /** Path without leading slash, e.g. `cgi-bin/component/api_query_auth`: the counter and quota key. */
  endpoint: string;
  method: 'GET' | 'POST';
  token: TokenKind;
  /** Query parameter names that carry the token (the first present one is used). */
  tokenParams?: string[];
  /** A POST whose body must be non-empty (wxa/release wants `{}`). */
  requireBody?: boolean;
}

export interface CallContext {
  body: Record<string, unknown>;
  query: Record<string, string | undefined>;
  platform?: Platform;
  authorization?: Authorization;
  token?: TokenRecord;
}

/** The appid injected failures are counted under (GET /sim/counters). */
export const INJECTED_FAULT_APPID = 'injected-fault';

/**
 * Everything WeChat checks before an API does its work, in WeChat's order of concerns: the
 * round trip (the `latencyMs` setting), injected faults, method (43002), token
 * (41001/40001/42001/61003), caller IP (61004), daily quota (45009), JSON body (47001/44002);
 * and, once it has worked, injected faults that lose its answer. Counts every call.
 */
@Injectable()
export class ApiGateway {
  constructor(
    private readonly state: SimState,
    private readonly clock: SimClock,
    private readonly settings: SimSettings,
    private readonly counters: CountersService,
    private readonly faults: FaultsService,
  ) {}

  async enter(request: FastifyRequest, spec: EndpointSpec): Promise<CallContext> {
    if (this.settings.latencyMs > 0)
      await new Promise((resolve) => setTimeout(resolve, this.settings.latencyMs));
    try {
      await this.faults.apply(spec.endpoint);
    } catch (fault) {
      // Counted too, so a test can see how many attempts a client made through injected failures.
      this.count(spec.endpoint, INJECTED_FAULT_APPID, true);
      throw fault;
    }
    const query = (request.query ?? {}) as Record<string, string | undefined>;
    if (spec.method === 'POST' && request.method !== 'POST') {
      this.count(spec.endpoint, 'unknown', true);
      throw new WechatApiError(43002);
    }
    const context: CallContext = { body: {}, query };
    if (spec.token !== 'none') {
      const params =
        spec.tokenParams ??
        (spec.token === 'component' ? ['component_access_token', 'access_token'] : ['access_token']);
      const value = params.map((name) => query[name]).find((v) => v !== undefined && v !== '');
      const record = this.resolveToken(spec, value);
      context.token = record;
      context.platform = this.state.platforms.get(record.platformAppid);
      if (record.authorizerAppid)
        context.authorization = this.state.authorization(record.platformAppid, record.authorizerAppid);
    }
    if (context.platform) this.checkIp(context.platform, request.ip, spec.endpoint);
    context.body = spec.method === 'POST' ? this.parseBody(request.body, spec) : {};
    return context;
  }

  /** After the call took effect: faults injected in the `after` phase replace its answer. */
  async leave(spec: EndpointSpec): Promise<void> {
    if (this.faults.hasAfterRules()) await this.faults.applyAfter(spec.endpoint);
  }

  /** Counts a call under the appid it concerns and enforces the platform's daily quota for the endpoint. */
  consumeQuota(platform: Platform, endpoint: string): void {
    const key = `${platform.appid}|${endpoint}|${this.clock.dayKey()}`;
    const used = (this.state.dailyCalls.get(key) ?? 0) + 1;
    if (used > this.settings.dailyQuota) throw new WechatApiError(45009);
    this.state.dailyCalls.set(key, used);
  }

  quotaUsed(platform: Platform, endpoint: string): number {
    return this.state.dailyCalls.get(`${platform.appid}|${endpoint}|${this.clock.dayKey()}`) ?? 0;
  }

  count(endpoint: string, appid: string, error: boolean): void {
    this.counters.increment(endpoint, appid, 'calls');
    if (error) this.counters.increment(endpoint, appid, 'errors');
  }

  checkIp(platform: Platform, ip: string, endpoint: string): void {
    if (platform.ipAllowList.length === 0) return;
    const normalised = ip.replace(/^::ffff:/, '');
    if (!platform.ipAllowList.includes(normalised)) {
      this.count(endpoint, platform.appid, true);
      throw new WechatApiError(
        61004,
        `access clientip is not registered, not in whitelist, ip ${normalised}`,
      );
    }
  }

  private resolveToken(spec: EndpointSpec, value: string | undefined): TokenRecord {
    if (!value) {
      this.count(spec.endpoint, 'unknown', true);
      throw new WechatApiError(41001);
    }
    const record = this.state.tokens.get(value);
    if (!record || record.kind !== spec.token) {
      this.count(spec.endpoint, 'unknown', true);
      throw new WechatApiError(40001);
    }
    const owner = record.authorizerAppid ?? record.platformAppid;
    const now = this.clock.now();
    if (now >= record.expiresAt) {
      this.count(spec.endpoint, owner, true);
      throw new WechatApiError(42001);
    }
    if (record.supersededAt !== undefined) {
      if (now >= record.supersededAt + this.settings.tokenGraceSeconds * 1000) {
        this.count(spec.endpoint, owner, true);
        throw new WechatApiError(40001);
      }
      this.counters.increment(spec.endpoint, owner, 'supersededTokenUses');
    }
    if (record.kind === 'authorizer') {
      const authorization = this.state.authorization(record.platformAppid, record.authorizerAppid!);
      if (!authorization || authorization.status !== 'authorized') {
        this.count(spec.endpoint, owner, true);
        throw new WechatApiError(61003);
      }
    }
    return record;
  }

  private parseBody(raw: unknown, spec: EndpointSpec): Record<string, unknown> {
    const text = typeof raw === 'string' ? raw : raw === undefined || raw === null ? '' : JSON.stringify(raw);
    if (text.trim() === '') {
      if (spec.requireBody) throw new WechatApiError(44002);
      return {};
    }
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
        throw new Error('not an object');
      return parsed as Record<string, unknown>;
    } catch {
      throw new WechatApiError(47001);
    }
  }
}
