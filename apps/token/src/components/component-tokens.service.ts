import { Inject, Injectable, Logger } from '@nestjs/common';
import type { AccessTokenReply } from '@wxop/contracts';
import { WechatApiClient, WechatApiError } from '@wxop/wechat-api';

import { TokenConfig } from '../config/token.config';
import { refreshInSeconds } from '../shared/refresh-timing.util';
import { REPLICA_ID } from '../shared/replica-id';
import { TokenError } from '../shared/token.errors';
import { TokenMetrics } from '../shared/token.metrics';
import { sleep, SingleFlight } from '../shared/single-flight.util';
import { ComponentRepository, type ComponentRecord } from './component.repository';
import { TicketStatusService } from './ticket-status.service';
import {
  TICKET_REFUSAL_ERRCODES,
  refreshDue,
  refreshHold,
  retryDelaySeconds,
  ticketPushWanted,
  ticketStatus,
  type RefreshHold,
} from './ticket-state.util';

interface CachedToken {
  accessToken: string;
  expiresAt: number;
  readUntil: number;
}

/**
 * The component's ticket and its component_access_token (wechat-protocol.md §2.1, §3.1, §7): the
 * newest ticket kept, the token refreshed ahead of expiry by exactly one replica at a time (a lease
 * in MySQL), reads served from memory with the database as truth. A ticket WeChat refuses
 * (61005/61006) is never sent again: the service waits for the next push, and asks for one with
 * api_start_push_ticket (rate-limited across replicas), as it does when the ticket goes stale.
 * Other failures back off (TOKEN_COMPONENT_RETRY_MIN…MAX_SECONDS, in MySQL, shared by replicas).
 */
@Injectable()
export class ComponentTokensService {
  private readonly logger = new Logger(ComponentTokensService.name);
  private readonly cache = new Map<string, CachedToken>();
  private readonly refreshes = new SingleFlight<AccessTokenReply>();

  constructor(
    private readonly components: ComponentRepository,
    private readonly wechat: WechatApiClient,
    private readonly config: TokenConfig,
    @Inject(REPLICA_ID) private readonly replicaId: string,
    private readonly metrics: TokenMetrics,
    private readonly ticketStatuses: TicketStatusService,
  ) {}

  /** The current component access token; refreshes inline when there is none (first ticket, invalidated). */
  async accessToken(componentAppid: string): Promise<AccessTokenReply> {
    const now = Date.now();
    const cached = this.cache.get(componentAppid);
    if (
      cached &&
      cached.readUntil > now &&
      cached.expiresAt - this.config.TOKEN_MIN_HANDOUT_SECONDS * 1000 > now
    ) {
      return { accessToken: cached.accessToken, expiresAt: new Date(cached.expiresAt).toISOString() };
    }
    const record = await this.components.find(componentAppid);
    if (!record) throw TokenError.componentNotFound(componentAppid);
    const usable = this.usableToken(record);
    if (usable) return usable;
    // Held (refused ticket, backoff): answer at once, without a lease round trip per read.
    const hold = refreshHold(record, record.now);
    if (hold) throw holdError(componentAppid, hold);
    return this.refresh(componentAppid);
  }

  /**
   * Stores a pushed ticket (older ones ignored); a new one lifts a refusal and the backoff, and
   * gets a token at once when there is none usable.
   */
  async onTicket(componentAppid: string, ticket: string, createTime: number): Promise<void> {
    const before = await this.components.find(componentAppid);
    if (!before) throw TokenError.componentNotFound(componentAppid);
    const stored = await this.components.storeTicket(
      componentAppid,
      ticket,
      createTime,
      before.ticket === ticket,
    );
    if (!stored) return;
    const record = await this.components.find(componentAppid);
    if (record && !this.usableToken(record) && !refreshHold(record, record.now)) {
      await this.refresh(componentAppid).catch(() => undefined);
    }
  }

  /**
   * The scheduler's pass over one component: refresh the token when due and not held (refused
   * ticket, backoff), ask WeChat to resume ticket pushes when the ticket is refused or stale, show
   * the ticket's state (health details, gauges).
   */
  async maintain(componentAppid: string): Promise<void> {
    const record = await this.components.find(componentAppid);
    if (!record) return;
    const now = record.now;
    const status = ticketStatus(record, now, this.config.TOKEN_TICKET_STALE_SECONDS);
    this.ticketStatuses.report(componentAppid, status);
    if (record.accessTokenExpiresAt) {
      this.metrics.componentTokenRemaining.set(
        { component: componentAppid },
        (record.accessTokenExpiresAt.getTime() - now.getTime()) / 1000,
      );
    }
    if (refreshDue(record, now) && !refreshHold(record, now)) {
      await this.refresh(componentAppid).catch(() => undefined);
    }
    if (ticketPushWanted(status, record, now, this.config.TOKEN_TICKET_STALE_SECONDS)) {
      await this.requestTicketPush(record);
    }
  }

  /** Compare-and-set after WeChat rejected `failedToken` (40001/42001): refreshed only if it is still current. */
  async invalidate(componentAppid: string, failedToken: string): Promise<AccessTokenReply> {
    this.cache.delete(componentAppid);
    await this.components.dropAccessTokenIf(componentAppid, failedToken);
    return this.accessToken(componentAppid);
  }

  /** One refresh per component per process at a time; across replicas the lease decides. */
  private refresh(componentAppid: string): Promise<AccessTokenReply> {
    return this.refreshes.run(componentAppid, () => this.refreshUnderLease(componentAppid));
  }

  private async refreshUnderLease(componentAppid: string): Promise<AccessTokenReply> {
    const previous = await this.components.tryLease(
      componentAppid,
      this.replicaId,
      this.config.TOKEN_LEASE_SECONDS,
    );
    if (previous === undefined) return this.awaitOtherReplica(componentAppid);
    if (previous) this.metrics.leaseTakeovers.inc({ kind: 'component' });
    // Read under the lease: another replica may have refreshed between our read and our lease.
    const record = await this.components.find(componentAppid);
    if (!record) throw TokenError.componentNotFound(componentAppid);
    const usable = this.usableToken(record);
    if (usable && !refreshDue(record, record.now)) {
      await this.components.releaseLease(componentAppid, this.replicaId);
      return usable;
    }
    const hold = refreshHold(record, record.now);
    if (hold) {
      await this.components.releaseLease(componentAppid, this.replicaId);
      if (usable) return usable;
      throw holdError(componentAppid, hold);
    }
    const ticket = record.ticket!;
    try {
      const issued = await this.wechat.componentToken({
        componentAppid,
        componentSecret: record.secret,
        ticket,
      });
      const stored = await this.components.storeAccessToken(componentAppid, this.replicaId, {
        accessToken: issued.accessToken,
        expiresIn: issued.expiresIn,
        refreshInSeconds: refreshInSeconds(
          issued.expiresIn,
          this.config.TOKEN_REFRESH_LEAD_SECONDS,
          this.config.TOKEN_REFRESH_SPREAD_SECONDS,
        ),
      });
      this.metrics.refreshes.inc({ kind: 'component', result: stored ? 'ok' : 'lease_lost', errcode: '0' });
      // Our lease lapsed and another replica took over: take its result (calling accessToken() here
      // could join this very refresh through the single-flight and wait on itself).
      if (!stored) return this.awaitOtherReplica(componentAppid);
      const expiresAt = Date.now() + issued.expiresIn * 1000;
      this.remember(componentAppid, issued.accessToken, expiresAt);
      this.logger.log({ msg: 'component token refreshed', componentAppid, expiresIn: issued.expiresIn });
      return { accessToken: issued.accessToken, expiresAt: new Date(expiresAt).toISOString() };
    } catch (error) {
      const errcode = error instanceof WechatApiError ? error.errcode : undefined;
      const reason = error instanceof Error ? error.message : String(error);
      this.metrics.refreshes.inc({
        kind: 'component',
        result: 'error',
        errcode: String(errcode ?? 'transport'),
      });
      const refused = errcode !== undefined && TICKET_REFUSAL_ERRCODES.has(errcode);
      if (refused) {
        // Sending this ticket again can only be refused again: wait for the next one, and ask for it.
        await this.components
          .markTicketRefused(componentAppid, this.replicaId, record.sealedTicket!, errcode, reason)
          .catch(() => undefined);
        this.logger.warn({
          msg: 'WeChat refused the component_verify_ticket: waiting for the next push',
          componentAppid,
          errcode,
        });
        await this.requestTicketPush(record);
      } else {
        const retryIn = retryDelaySeconds(
          record.refreshFailures + 1,
          this.config.TOKEN_COMPONENT_RETRY_MIN_SECONDS,
          this.config.TOKEN_COMPONENT_RETRY_MAX_SECONDS,
        );
        await this.components
          .recordRefreshFailure(componentAppid, this.replicaId, reason, retryIn, errcode)
          .catch(() => undefined);
        this.logger.warn({
          msg: 'component token refresh failed',
          componentAppid,
          errcode,
          error: reason,
          failures: record.refreshFailures + 1,
          retryInSeconds: retryIn,
        });
      }
      // The token still in the database stays usable until it expires.
      const still = this.usableToken(record);
      if (still) return still;
      throw TokenError.unavailable(
        `the component token of ${componentAppid} cannot be obtained now: ${reason}`,
      );
    }
  }

  /** Another replica holds the lease: wait for its result (a few seconds at most) instead of calling WeChat too. */
  private async awaitOtherReplica(componentAppid: string): Promise<AccessTokenReply> {
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline) {
      await sleep(100);
      const record = await this.components.find(componentAppid);
      const usable = record && this.usableToken(record);
      if (usable && !record.leaseOwner) return usable;
      if (record && !record.leaseOwner) break;
    }
    const record = await this.components.find(componentAppid);
    const usable = record && this.usableToken(record);
    if (usable) return usable;
    throw TokenError.unavailable(`the component token of ${componentAppid} is being refreshed, try again`);
  }

  private async requestTicketPush(record: ComponentRecord): Promise<void> {
    const { componentAppid } = record;
    const interval = this.config.TOKEN_START_PUSH_INTERVAL_SECONDS;
    // Most passes end here, without the claim's UPDATE: the last call (any replica's) is too recent.
    if (
      record.startPushRequestedAt &&
      record.now.getTime() - record.startPushRequestedAt.getTime() < interval * 1000
    ) {
      return;
    }
    const claimed = await this.components.claimStartPush(componentAppid, interval);
    if (!claimed) return;
    try {
      await this.wechat.startPushTicket({ componentAppid, componentSecret: record.secret });
      this.metrics.startPushTicket.inc({ component: componentAppid, result: 'ok' });
      this.logger.warn({
        msg: 'no usable component_verify_ticket: asked WeChat to resume pushing (api_start_push_ticket)',
        componentAppid,
        ticketReceivedAt: record.ticketReceivedAt?.toISOString() ?? null,
      });
    } catch (error) {
      this.metrics.startPushTicket.inc({ component: componentAppid, result: 'error' });
      this.logger.error({
        msg: 'api_start_push_ticket failed',
        componentAppid,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }

  /** The stored token if it has enough life left to hand out (and caches it). */
  private usableToken(record: ComponentRecord): AccessTokenReply | undefined {
    if (!record.accessToken || !record.accessTokenExpiresAt) return undefined;
    // Expiry in local time: the database's clock decides what is due, ours only what a cached copy is worth.
    const remainingMs = record.accessTokenExpiresAt.getTime() - record.now.getTime();
    if (remainingMs <= this.config.TOKEN_MIN_HANDOUT_SECONDS * 1000) return undefined;
    const expiresAt = Date.now() + remainingMs;
    this.remember(record.componentAppid, record.accessToken, expiresAt);
    return { accessToken: record.accessToken, expiresAt: new Date(expiresAt).toISOString() };
  }

  private remember(componentAppid: string, accessToken: string, expiresAt: number): void {
    this.cache.set(componentAppid, {
      accessToken,
      expiresAt,
      readUntil: Date.now() + this.config.TOKEN_READ_CACHE_MS,
    });
  }
}

function holdError(componentAppid: string, hold: RefreshHold): TokenError {
  switch (hold.reason) {
    case 'no_ticket':
      return TokenError.unavailable(
        `no component_verify_ticket received yet for ${componentAppid}: WeChat pushes one every 10 minutes to the 授权事件接收URL`,
      );
    case 'ticket_refused':
      return TokenError.unavailable(
        `WeChat refused the component_verify_ticket of ${componentAppid} (errcode ${hold.errcode}): waiting for the next ticket push`,
      );
    case 'backoff':
      return TokenError.unavailable(
        `the component token of ${componentAppid} cannot be obtained now: WeChat failed, next attempt at ${hold.retryAt.toISOString()}`,
      );
  }
}
