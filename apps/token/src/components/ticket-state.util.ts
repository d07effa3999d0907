/**
 * The rules that decide when the token service may call WeChat for a component (wechat-protocol.md
 * §2.1, §3.1): pure functions of what is stored and the database's clock, so every replica decides
 * alike and the rules are tested without a database.
 */

/** `none`: no ticket yet; `ok`: usable; `refused`: WeChat answered 61005/61006 for it; `stale`: no push for too long. */
export const TICKET_STATES = ['none', 'ok', 'refused', 'stale'] as const;
export type TicketState = (typeof TICKET_STATES)[number];

/** api_component_token's answers that condemn the ticket itself: expired (61005), invalid (61006). */
export const TICKET_REFUSAL_ERRCODES: ReadonlySet<number> = new Set([61005, 61006]);

/** The stored facts the rules read (a subset of ComponentRecord). */
export interface TicketFacts {
  ticket?: string;
  ticketReceivedAt?: Date;
  ticketRefusedErrcode?: number;
  ticketRefusedAt?: Date;
  accessToken?: string;
  refreshDueAt?: Date;
  refreshRetryAt?: Date;
  createdAt: Date;
}

export interface TicketStatus {
  state: TicketState;
  /** Seconds since the newest ticket arrived. */
  ageSeconds?: number;
  receivedAt?: string;
  errcode?: number;
  refusedAt?: string;
}

export function ticketStatus(facts: TicketFacts, now: Date, staleSeconds: number): TicketStatus {
  if (!facts.ticket || !facts.ticketReceivedAt) return { state: 'none' };
  const ageSeconds = Math.max(0, (now.getTime() - facts.ticketReceivedAt.getTime()) / 1000);
  const base = { ageSeconds, receivedAt: facts.ticketReceivedAt.toISOString() };
  if (facts.ticketRefusedErrcode !== undefined) {
    return {
      ...base,
      state: 'refused',
      errcode: facts.ticketRefusedErrcode,
      refusedAt: facts.ticketRefusedAt?.toISOString(),
    };
  }
  return { ...base, state: ageSeconds > staleSeconds ? 'stale' : 'ok' };
}

/** Why api_component_token is not called now, or undefined when it may be. */
export type RefreshHold =
  | { reason: 'no_ticket' }
  | { reason: 'ticket_refused'; errcode: number }
  | { reason: 'backoff'; retryAt: Date };

/**
 * A refused ticket is never sent again (only a new ticket lifts it); after any other failure the
 * next call waits for `refreshRetryAt`. Whether the token is due is the caller's concern.
 */
export function refreshHold(facts: TicketFacts, now: Date): RefreshHold | undefined {
  if (!facts.ticket) return { reason: 'no_ticket' };
  if (facts.ticketRefusedErrcode !== undefined) {
    return { reason: 'ticket_refused', errcode: facts.ticketRefusedErrcode };
  }
  if (facts.refreshRetryAt && facts.refreshRetryAt.getTime() > now.getTime()) {
    return { reason: 'backoff', retryAt: facts.refreshRetryAt };
  }
  return undefined;
}

/** No token, or its refresh time has come. */
export function refreshDue(facts: TicketFacts, now: Date): boolean {
  return !facts.accessToken || !facts.refreshDueAt || facts.refreshDueAt.getTime() <= now.getTime();
}

/**
 * Seconds to wait after `failures` consecutive failed refreshes (1 → minSeconds), doubling, capped
 * at maxSeconds: a few calls a minute at most however long WeChat fails.
 */
export function retryDelaySeconds(failures: number, minSeconds: number, maxSeconds: number): number {
  const exponent = Math.min(Math.max(failures, 1) - 1, 30);
  return Math.min(maxSeconds, minSeconds * 2 ** exponent);
}

/**
 * Whether to ask WeChat to resume ticket pushes (api_start_push_ticket; the rate limit shared by
 * replicas is applied after this): when the ticket was refused or went stale, or when none came
 * within `staleSeconds` of the component's creation.
 */
export function ticketPushWanted(
  status: TicketStatus,
  facts: TicketFacts,
  now: Date,
  staleSeconds: number,
): boolean {
  if (status.state === 'refused' || status.state === 'stale') return true;
  if (status.state === 'none') return now.getTime() - facts.createdAt.getTime() > staleSeconds * 1000;
  return false;
}
