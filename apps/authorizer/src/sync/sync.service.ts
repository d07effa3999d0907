import { Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { WechatComponentConfig } from '@wxop/config';
import {
  AuthorizerRpcErrorCodes,
  DomainEventTypes,
  IMPORT_REFRESH_TOKENS_MAX,
  createEnvelope,
  uuidV5,
  type AuthorizationAuthorizedData,
  type AuthorizationUnauthorizedData,
  type EventEnvelope,
  type SyncRunSummary,
} from '@wxop/contracts';
import { inTransaction } from '@wxop/database';
import { TransactionalOutbox } from '@wxop/messaging';
import { WechatApiClient } from '@wxop/wechat-api';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { DataSource } from 'typeorm';

import { AUTHORIZATION_EVENT_ID_NAMESPACE } from '../authorizers/authorizations.service';
import { AuthorizationRepository, type AuthorizedState } from '../authorizers/authorization.repository';
import { AuthorizerCredentialRepository } from '../authorizers/authorizer-credential.repository';
import { AuthorizerHistoryRepository } from '../authorizers/authorizer-history.repository';
import { AuthorizerProfileRepository } from '../authorizers/authorizer-profile.repository';
import { announcedProfile } from '../authorizers/profile.util';
import { ProfilesService, asAuthorizerError, type AuthorizerReading } from '../authorizers/profiles.service';
import { AuthorizerConfig } from '../config/authorizer.config';
import { AuthorizerError } from '../shared/authorizer.errors';
import { ConcurrencyLimit } from '../shared/concurrency.util';
import { TokenClient } from '../shared/token.client';
import { planSyncPage, type ListedAuthorizer } from './sync-plan.util';
import { SyncRepository, type SyncCounts } from './sync.repository';

/** api_get_authorizer_list's largest page. */
const PAGE_SIZE = 500;
/** Pages read and processed at once; WeChat calls are bounded separately by AUTHORIZER_SYNC_CONCURRENCY. */
const PAGES_IN_FLIGHT = 8;
const LEASE_SECONDS = 60;
/** Discovered authorizations recorded per transaction. */
const RECORD_CHUNK = 100;
/** A component token is asked of the token service again after this long (it may have been replaced). */
const COMPONENT_TOKEN_REUSE_MS = 60_000;

/** The event id announcing an authorization a sync discovered (the same for any replica or retry). */
export function discoveredEventId(
  componentAppid: string,
  authorizerAppid: string,
  authTime: number | undefined,
): string {
  return uuidV5(
    `sync|${componentAppid}|${authorizerAppid}|${authTime ?? 'unknown'}`,
    AUTHORIZATION_EVENT_ID_NAMESPACE,
  );
}

/** The event id announcing that a sync found an account no longer listed. */
export function missingEventId(
  componentAppid: string,
  authorizerAppid: string,
  authorizedAt: Date | null,
): string {
  return uuidV5(
    `sync-missing|${componentAppid}|${authorizerAppid}|${authorizedAt?.toISOString() ?? 'unknown'}`,
    AUTHORIZATION_EVENT_ID_NAMESPACE,
  );
}

class LeaseLostError extends Error {}

/**
 * Full sync with api_get_authorizer_list (wechat-protocol.md §3.6), one run per component at a
 * time across replicas (a lease in MySQL). Accounts authorized while we were not listening are
 * discovered: their profile is read, their refresh token handed to the token service, and only
 * then are they recorded and announced (`authorization.authorized`, once: deterministic id, and a
 * late push or redirect of the same authorization announces nothing). Known accounts hand their
 * refresh token over too (the token service keeps it when unchanged, and revives an invalid one)
 * and have a stale profile read again. After a complete, consistent pass, accounts we hold as
 * authorized that WeChat no longer lists are revoked in the token service and marked unauthorized,
 * unless that would be more than AUTHORIZER_SYNC_MAX_UNAUTHORIZE_RATIO of them (a guard against a
 * WeChat answer that is wrong rather than an exodus).
 *
 * WeChat calls go through one limiter of AUTHORIZER_SYNC_CONCURRENCY; list pages after the first
 * are read at once (the total is known), so the pass takes about (calls × latency) / concurrency.
 */
@Injectable()
export class SyncService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(SyncService.name);
  private readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly runs = new Map<string, Promise<void>>();
  private stopping = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly syncs: SyncRepository,
    private readonly authorizers: AuthorizationRepository,
    private readonly profileStore: AuthorizerProfileRepository,
    private readonly credentials: AuthorizerCredentialRepository,
    private readonly history: AuthorizerHistoryRepository,
    private readonly profiles: ProfilesService,
    private readonly token: TokenClient,
    private readonly wechat: WechatApiClient,
    private readonly outbox: TransactionalOutbox,
    private readonly config: AuthorizerConfig,
    private readonly component: WechatComponentConfig,
  ) {}

  /** Starts a sync of the component, or answers the one running (on any replica). */
  async start(componentAppid: string, trigger: SyncRunSummary['trigger']): Promise<SyncRunSummary> {
    if (this.stopping) {
      throw new AuthorizerError(AuthorizerRpcErrorCodes.Unavailable, 'the authorizer service is stopping');
    }
    const syncId = randomUUID();
    const holder = await this.syncs.acquireLease(componentAppid, syncId, this.owner, LEASE_SECONDS);
    if (holder !== syncId) {
      const running = await this.syncs.find(holder);
      if (running) return running;
      // The holder took the lease but has not recorded its run yet: it is starting now.
      throw new AuthorizerError(AuthorizerRpcErrorCodes.Unavailable, 'a sync of this component is starting');
    }
    await this.syncs.insertRun({ syncId, componentAppid, trigger, owner: this.owner });
    this.logger.log({ msg: 'sync started', componentAppid, syncId, trigger });
    const run = this.run(componentAppid, syncId).finally(() => this.runs.delete(syncId));
    this.runs.set(syncId, run);
    return (await this.syncs.find(syncId))!;
  }

  async find(componentAppid: string, syncId?: string): Promise<SyncRunSummary> {
    const run = syncId ? await this.syncs.find(syncId) : await this.syncs.latest(componentAppid);
    if (!run || run.componentAppid !== componentAppid) {
      throw new AuthorizerError(
        AuthorizerRpcErrorCodes.SyncNotFound,
        `no sync ${syncId ?? ''} of ${componentAppid}`,
      );
    }
    return run;
  }

  /** Every component this service knows of: the configured one and those with records here. */
  async components(): Promise<string[]> {
    const known = new Set(await this.authorizers.componentAppids());
    if (this.component.WECHAT_COMPONENT_APPID) known.add(this.component.WECHAT_COMPONENT_APPID);
    return [...known];
  }

  /** When the component's last complete sync started. */
  lastCompleteAt(componentAppid: string): Promise<Date | undefined> {
    return this.syncs.lastCompleteAt(componentAppid);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await Promise.allSettled([...this.runs.values()]);
  }

  private async run(componentAppid: string, syncId: string): Promise<void> {
    const counts: SyncCounts = {
      totalCount: null,
      listed: 0,
      discovered: 0,
      handedOver: 0,
      profilesRefreshed: 0,
      markedUnauthorized: 0,
      withoutRefreshToken: 0,
      failed: 0,
      listCalls: 0,
      infoCalls: 0,
    };
    let leaseLost = false;
    const renew = setInterval(
      () => {
        void this.syncs.renewLease(componentAppid, syncId, LEASE_SECONDS).then(
          (held) => (leaseLost ||= !held),
          () => undefined,
        );
        // Progress for authorizer.sync.get while the run goes on.
        void this.syncs.updateRun(syncId, counts).catch(() => undefined);
      },
      (LEASE_SECONDS * 1000) / 4,
    );
    const checkLease = () => {
      if (leaseLost) throw new LeaseLostError('the sync lease was lost to another replica');
      if (this.stopping) throw new LeaseLostError('the authorizer service is stopping');
    };
    try {
      const complete = await this.pass(componentAppid, counts, checkLease);
      const status = counts.failed > 0 ? 'partial' : 'succeeded';
      await this.syncs.updateRun(syncId, counts, { status, complete });
      this.logger.log({ msg: 'sync finished', componentAppid, syncId, status, complete, ...counts });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      await this.syncs
        .updateRun(syncId, counts, { status: 'failed', complete: false, error: message })
        .catch(() => undefined);
      this.logger.warn({ msg: 'sync failed', componentAppid, syncId, error: message, ...counts });
    } finally {
      clearInterval(renew);
      await this.syncs.releaseLease(componentAppid, syncId).catch(() => undefined);
      void this.outbox.relay();
    }
  }

  /** One pass over the list; true when it was complete and consistent (missing accounts were then handled). */
  private async pass(componentAppid: string, counts: SyncCounts, checkLease: () => void): Promise<boolean> {
    const startedAt = new Date(Date.now() - 1000);
    const wechatCalls = new ConcurrencyLimit(this.config.AUTHORIZER_SYNC_CONCURRENCY);
    const componentToken = this.componentTokenSource(componentAppid);
    const seen = new Set<string>();
    let consistent = true;

    const listPage = async (offset: number) => {
      const token = await componentToken();
      counts.listCalls++;
      try {
        return await wechatCalls.run(() =>
          this.wechat.getAuthorizerList(token, { componentAppid, offset, count: PAGE_SIZE }),
        );
      } catch (error) {
        throw asAuthorizerError(error, 'api_get_authorizer_list');
      }
    };
    const first = await listPage(0);
    const total = first.totalCount;
    counts.totalCount = total;
    // Every page is read first, at once (they are few): the list is a snapshot of a short moment,
    // not of the minutes the profile reads take, so fewer accounts come and go between pages.
    const offsets: number[] = [];
    for (let offset = PAGE_SIZE; offset < total; offset += PAGE_SIZE) offsets.push(offset);
    const pagesRead = [first, ...(await Promise.all(offsets.map(listPage)))];
    // An account listed twice (the list moved under the offsets) is processed once.
    const lists = pagesRead.map((page) => {
      if (page.totalCount !== total) consistent = false;
      return page.list.filter((entry) => {
        if (seen.has(entry.authorizerAppid)) {
          consistent = false;
          return false;
        }
        seen.add(entry.authorizerAppid);
        return true;
      });
    });
    counts.listed = seen.size;

    // Pages are processed PAGES_IN_FLIGHT at a time. The first failure stops the others from
    // starting anything new, and the run ends only once every page has settled.
    let failure: unknown;
    const pages = new ConcurrencyLimit(PAGES_IN_FLIGHT);
    const outcomes = await Promise.allSettled(
      lists.map((list) =>
        pages
          .run(async () => {
            if (failure !== undefined) return;
            checkLease();
            await this.syncPage(
              componentAppid,
              list,
              counts,
              wechatCalls,
              componentToken,
              () => failure !== undefined,
            );
          })
          .catch((error: unknown) => {
            failure ??= error;
            throw error;
          }),
      ),
    );
    if (outcomes.some((outcome) => outcome.status === 'rejected')) throw failure;
    const complete = consistent && seen.size === total;
    if (!complete) {
      this.logger.warn({
        msg: 'sync pass incomplete: nothing marked unauthorized',
        componentAppid,
        total,
        listed: seen.size,
      });
      return false;
    }
    checkLease();
    await this.markMissing(componentAppid, seen, startedAt, counts);
    return true;
  }

  /** One page: profiles read, refresh tokens handed over, new authorizations recorded with their events. */
  private async syncPage(
    componentAppid: string,
    list: ListedAuthorizer[],
    counts: SyncCounts,
    wechatCalls: ConcurrencyLimit,
    componentToken: () => Promise<string>,
    stopped: () => boolean,
  ): Promise<void> {
    const known = await this.authorizers.currentOfMany(
      componentAppid,
      list.map((entry) => entry.authorizerAppid),
    );
    const plan = planSyncPage(list, known, new Date(), {
      profileMaxAgeMs: this.config.AUTHORIZER_PROFILE_MAX_AGE_SECONDS * 1000,
      recentMs: this.config.AUTHORIZER_SYNC_RECENT_SECONDS * 1000,
    });
    counts.withoutRefreshToken += plan.withoutRefreshToken.length;

    const read = (entry: ListedAuthorizer): Promise<AuthorizerReading | AuthorizerError> =>
      wechatCalls
        .run(async () => {
          if (stopped())
            throw new AuthorizerError(AuthorizerRpcErrorCodes.Unavailable, 'the sync is stopping');
          const token = await componentToken();
          counts.infoCalls++;
          return this.profiles.read(componentAppid, entry.authorizerAppid, token);
        })
        .catch((error: unknown) => {
          if (error instanceof AuthorizerError) return error;
          throw error;
        });
    const [discovered, refreshed] = await Promise.all([
      Promise.all(plan.discover.map(read)),
      Promise.all(plan.refreshProfile.map(read)),
    ]);

    // Known accounts: stale profiles stored (a refusal is remembered on the row, an outage counted).
    await Promise.all(
      plan.refreshProfile.map(async (entry, i) => {
        const reading = refreshed[i]!;
        if (reading instanceof AuthorizerError) {
          if (!reading.transient) {
            await this.profileStore.storeProfileError(componentAppid, entry.authorizerAppid, reading.message);
          }
          counts.failed++;
          return;
        }
        await this.profileStore.storeProfile(componentAppid, entry.authorizerAppid, reading.profile);
        counts.profilesRefreshed++;
      }),
    );

    // New ones whose profile could be read. 61003: unauthorized since the list was read, skipped.
    const ready: { entry: ListedAuthorizer; reading: AuthorizerReading }[] = [];
    plan.discover.forEach((entry, i) => {
      const reading = discovered[i]!;
      if (reading instanceof AuthorizerError) {
        if (reading.details?.errcode !== 61003) counts.failed++;
        return;
      }
      ready.push({ entry, reading });
    });

    if (stopped()) return;
    // Hand-over first: an account is announced only once the token service holds its credentials.
    const handOver = [
      ...ready.map(({ entry, reading }) => ({
        authorizerAppid: entry.authorizerAppid,
        refreshToken: reading.refreshToken ?? entry.refreshToken!,
        funcInfo: reading.funcInfo,
        authTime: entry.authTime,
      })),
      ...plan.handOver.map((entry) => ({
        authorizerAppid: entry.authorizerAppid,
        refreshToken: entry.refreshToken!,
        authTime: entry.authTime,
      })),
    ];
    const handedOver = new Set<string>();
    for (let i = 0; i < handOver.length; i += IMPORT_REFRESH_TOKENS_MAX) {
      const chunk = handOver.slice(i, i + IMPORT_REFRESH_TOKENS_MAX);
      try {
        const { results } = await this.token.importRefreshTokens(componentAppid, chunk);
        const revived: string[] = [];
        for (const result of results) {
          handedOver.add(result.authorizerAppid);
          if (result.outcome === 'created' || result.outcome === 'reactivated') counts.handedOver++;
          if (result.outcome === 'reactivated') revived.push(result.authorizerAppid);
        }
        // Known accounts whose dead credentials the listed refresh token brought back.
        await this.credentials.markCredentialsActive(componentAppid, revived);
      } catch (error) {
        counts.failed += chunk.length;
        this.logger.warn({
          msg: 'refresh tokens not handed over',
          componentAppid,
          count: chunk.length,
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }

    const states: AuthorizedState[] = ready
      .filter(({ entry }) => handedOver.has(entry.authorizerAppid))
      .map(({ entry, reading }) => ({
        componentAppid,
        authorizerAppid: entry.authorizerAppid,
        funcInfo: reading.funcInfo,
        authorizedAt: entry.authTime ? new Date(entry.authTime * 1000) : new Date(),
        authorizedVia: 'sync',
        announcedEventId: discoveredEventId(componentAppid, entry.authorizerAppid, entry.authTime),
        profile: reading.profile,
      }));
    // Recorded RECORD_CHUNK at a time: a 500-row statement holds the event loop (and so the answers
    // of the WeChat calls in flight) for tens of milliseconds while it is built.
    for (let i = 0; i < states.length; i += RECORD_CHUNK) {
      counts.discovered += await this.recordDiscovered(componentAppid, states.slice(i, i + RECORD_CHUNK));
    }
    void this.outbox.relay();
  }

  /** Records discovered authorizations with their history and events; answers how many were ours to announce. */
  private recordDiscovered(componentAppid: string, states: AuthorizedState[]): Promise<number> {
    return inTransaction(this.dataSource, async (manager) => {
      const ours = await this.authorizers.storeDiscovered(manager, states);
      const announced = states.filter((state) => ours.has(state.authorizerAppid));
      await this.history.addHistory(
        manager,
        announced.map((state) => ({
          componentAppid,
          authorizerAppid: state.authorizerAppid,
          status: 'authorized',
          source: 'sync',
          funcInfo: state.funcInfo,
          bizRef: null,
          eventId: state.announcedEventId,
          occurredAt: state.authorizedAt,
        })),
      );
      await this.outbox.addMany(
        manager,
        announced.map((state): EventEnvelope<AuthorizationAuthorizedData> =>
          createEnvelope<string, AuthorizationAuthorizedData>(
            DomainEventTypes.AuthorizationAuthorized,
            { funcInfo: state.funcInfo, ...announcedProfile(state.profile), bizRef: null },
            { id: state.announcedEventId, componentAppid, authorizerAppid: state.authorizerAppid },
          ),
        ),
      );
      return announced.length;
    });
  }

  /**
   * After a complete pass: accounts authorized before the pass began that WeChat did not list are
   * revoked in the token service, then marked unauthorized and announced (once, deterministic id).
   */
  private async markMissing(
    componentAppid: string,
    seen: ReadonlySet<string>,
    startedAt: Date,
    counts: SyncCounts,
  ): Promise<void> {
    const missing: { authorizerAppid: string; authorizedAt: Date | null }[] = [];
    for (let after = ''; ;) {
      const batch = await this.authorizers.authorizedBefore(componentAppid, startedAt, after, 1000);
      missing.push(...batch.filter((row) => !seen.has(row.authorizerAppid)));
      if (batch.length < 1000) break;
      after = batch[batch.length - 1]!.authorizerAppid;
    }
    if (missing.length === 0) return;
    const authorized = await this.authorizers.countAuthorized(componentAppid);
    const allowed = Math.max(10, Math.floor(authorized * this.config.AUTHORIZER_SYNC_MAX_UNAUTHORIZE_RATIO));
    if (missing.length > allowed) {
      throw new Error(
        `${missing.length} of ${authorized} authorized accounts are missing from WeChat's list, more than ` +
          `AUTHORIZER_SYNC_MAX_UNAUTHORIZE_RATIO allows (${allowed}): none marked unauthorized`,
      );
    }
    for (const row of missing) {
      // The list can miss an account (offset paging while accounts come and go): only WeChat's own
      // word on this account (61003, not authorized) makes it gone.
      if (!(await this.confirmedGone(componentAppid, row.authorizerAppid, counts))) continue;
      const still = await this.authorizers.current(componentAppid, row.authorizerAppid);
      // Re-authorized (or unauthorized by a push) since the list was read: leave it.
      if (still?.status !== 'authorized' || still.authorizedAt?.getTime() !== row.authorizedAt?.getTime())
        continue;
      try {
        await this.token.revoke(componentAppid, row.authorizerAppid);
      } catch (error) {
        if (!(
          error instanceof AuthorizerError && error.code === AuthorizerRpcErrorCodes.AuthorizerNotFound
        )) {
          counts.failed++;
          continue;
        }
      }
      // Dated when the list was read, so a re-authorization pushed after that is not held back by it.
      const unauthorizedAt = startedAt;
      const eventId = missingEventId(componentAppid, row.authorizerAppid, row.authorizedAt);
      const marked = await inTransaction(this.dataSource, async (manager) => {
        const current = await this.authorizers.current(componentAppid, row.authorizerAppid, manager);
        if (
          current?.status !== 'authorized' ||
          current.authorizedAt?.getTime() !== row.authorizedAt?.getTime()
        ) {
          return false;
        }
        await this.authorizers.storeUnauthorized(
          manager,
          componentAppid,
          row.authorizerAppid,
          unauthorizedAt,
        );
        await this.history.addHistory(manager, [
          {
            componentAppid,
            authorizerAppid: row.authorizerAppid,
            status: 'unauthorized',
            source: 'sync',
            eventId,
            occurredAt: unauthorizedAt,
          },
        ]);
        await this.outbox.add(
          manager,
          createEnvelope<string, AuthorizationUnauthorizedData>(
            DomainEventTypes.AuthorizationUnauthorized,
            { unauthorizedAt: unauthorizedAt.toISOString() },
            { id: eventId, componentAppid, authorizerAppid: row.authorizerAppid },
          ),
        );
        return true;
      });
      if (marked) counts.markedUnauthorized++;
    }
    this.logger.log({
      msg: 'accounts no longer listed marked unauthorized',
      componentAppid,
      count: counts.markedUnauthorized,
    });
  }

  /** True when WeChat answers 61003 (not authorized) for the account; any other answer keeps it. */
  private async confirmedGone(
    componentAppid: string,
    authorizerAppid: string,
    counts: SyncCounts,
  ): Promise<boolean> {
    counts.infoCalls++;
    try {
      await this.profiles.read(componentAppid, authorizerAppid);
      return false;
    } catch (error) {
      if (error instanceof AuthorizerError && error.details?.errcode === 61003) return true;
      counts.failed++;
      return false;
    }
  }

  /** The component token, asked of the token service at most once a minute during a pass. */
  private componentTokenSource(componentAppid: string): () => Promise<string> {
    let cached: { value: Promise<string>; at: number } | undefined;
    return () => {
      if (!cached || Date.now() - cached.at > COMPONENT_TOKEN_REUSE_MS) {
        const value = this.token.componentAccessToken(componentAppid).then((reply) => reply.accessToken);
        cached = { value, at: Date.now() };
        value.catch(() => (cached = undefined));
      }
      return cached.value;
    };
  }
}
