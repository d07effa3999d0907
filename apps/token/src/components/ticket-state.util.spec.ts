import {
  refreshDue,
  refreshHold,
  retryDelaySeconds,
  ticketPushWanted,
  ticketStatus,
  type TicketFacts,
} from './ticket-state.util';

/** The database's clock, as every rule receives it. */
const NOW = new Date('2026-12-01T12:00:00.000Z');
const ago = (seconds: number) => new Date(NOW.getTime() - seconds * 1000);
const later = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);
const STALE = 1800;

const facts = (overrides: Partial<TicketFacts> = {}): TicketFacts => ({
  ticket: 'ticket@@@current',
  ticketReceivedAt: ago(60),
  createdAt: ago(86_400),
  ...overrides,
});

describe('ticket rules', () => {
  describe(ticketStatus.name, () => {
    it('is none without a ticket, ok while fresh, stale after TOKEN_TICKET_STALE_SECONDS', () => {
      expect(ticketStatus(facts({ ticket: undefined, ticketReceivedAt: undefined }), NOW, STALE)).toEqual({
        state: 'none',
      });
      expect(ticketStatus(facts(), NOW, STALE)).toEqual({
        state: 'ok',
        ageSeconds: 60,
        receivedAt: ago(60).toISOString(),
      });
      expect(ticketStatus(facts({ ticketReceivedAt: ago(STALE + 1) }), NOW, STALE)).toMatchObject({
        state: 'stale',
        ageSeconds: STALE + 1,
      });
    });

    it('is refused with the errcode and time, whatever its age', () => {
      const refused = facts({
        ticketRefusedErrcode: 61006,
        ticketRefusedAt: ago(5),
        ticketReceivedAt: ago(STALE * 2),
      });
      expect(ticketStatus(refused, NOW, STALE)).toEqual({
        state: 'refused',
        errcode: 61006,
        refusedAt: ago(5).toISOString(),
        ageSeconds: STALE * 2,
        receivedAt: ago(STALE * 2).toISOString(),
      });
    });
  });

  describe(refreshHold.name, () => {
    it('holds every call with a refused ticket, however long ago it was refused', () => {
      expect(refreshHold(facts({ ticketRefusedErrcode: 61005, ticketRefusedAt: ago(86_400) }), NOW)).toEqual({
        reason: 'ticket_refused',
        errcode: 61005,
      });
    });

    it('holds calls until the backoff ends, then lets one through', () => {
      expect(refreshHold(facts({ refreshRetryAt: later(1) }), NOW)).toEqual({
        reason: 'backoff',
        retryAt: later(1),
      });
      expect(refreshHold(facts({ refreshRetryAt: NOW }), NOW)).toBeUndefined();
      expect(refreshHold(facts({ refreshRetryAt: ago(1) }), NOW)).toBeUndefined();
    });

    it('holds without a ticket and lets a fresh ticket through', () => {
      expect(refreshHold(facts({ ticket: undefined }), NOW)).toEqual({ reason: 'no_ticket' });
      expect(refreshHold(facts(), NOW)).toBeUndefined();
    });
  });

  describe(refreshDue.name, () => {
    it('is due without a token or once its refresh time has come', () => {
      expect(refreshDue(facts(), NOW)).toBe(true);
      expect(refreshDue(facts({ accessToken: 'ct', refreshDueAt: later(1) }), NOW)).toBe(false);
      expect(refreshDue(facts({ accessToken: 'ct', refreshDueAt: NOW }), NOW)).toBe(true);
    });
  });

  describe(retryDelaySeconds.name, () => {
    it('waits 5 s after the first failure, doubling to at most 5 minutes', () => {
      const delays = [1, 2, 3, 4, 5, 6, 7, 8, 50].map((failures) => retryDelaySeconds(failures, 5, 300));
      expect(delays).toEqual([5, 10, 20, 40, 80, 160, 300, 300, 300]);
    });

    it('makes at most a few calls a minute however long WeChat fails', () => {
      // Simulated clock: a failure at every allowed attempt for an hour.
      let at = 0;
      let failures = 0;
      const calls: number[] = [];
      while (at < 3600) {
        calls.push(at);
        failures++;
        at += retryDelaySeconds(failures, 5, 300);
      }
      for (let minute = 0; minute < 60; minute++) {
        expect(calls.filter((t) => t >= minute * 60 && t < (minute + 1) * 60).length).toBeLessThanOrEqual(4);
      }
      expect(calls.length).toBeLessThan(20);
    });
  });

  describe(ticketPushWanted.name, () => {
    it('asks for a ticket when refused or stale, or when none came within the stale time of creation', () => {
      const wanted = (f: TicketFacts) => ticketPushWanted(ticketStatus(f, NOW, STALE), f, NOW, STALE);
      expect(wanted(facts())).toBe(false);
      expect(wanted(facts({ ticketRefusedErrcode: 61006 }))).toBe(true);
      expect(wanted(facts({ ticketReceivedAt: ago(STALE + 1) }))).toBe(true);
      expect(wanted(facts({ ticket: undefined, ticketReceivedAt: undefined, createdAt: ago(10) }))).toBe(
        false,
      );
      expect(
        wanted(facts({ ticket: undefined, ticketReceivedAt: undefined, createdAt: ago(STALE + 1) })),
      ).toBe(true);
    });
  });
});
