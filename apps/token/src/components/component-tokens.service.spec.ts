import { Logger } from '@nestjs/common';
import { HealthRegistry, MetricsService } from '@wxop/observability';
import { WechatApiClient, WechatApiError } from '@wxop/wechat-api';

import { TokenConfig } from '../config/token.config';
import { TokenMetrics } from '../shared/token.metrics';
import { TokenError } from '../shared/token.errors';
import { ComponentTokensService } from './component-tokens.service';
import type { ComponentRecord, ComponentRepository } from './component.repository';
import { TicketStatusService } from './ticket-status.service';

const APPID = 'wxc0000000000000001';
const C = 'cgi-bin/component/api_component_token';

/**
 * The service against a repository that behaves like the real one on the fields these rules read,
 * with the database's clock (`record.now`) as the injected clock.
 */
function setup(initial: Partial<ComponentRecord> = {}) {
  let clock = new Date('2026-12-01T12:00:00.000Z');
  const at = (offsetSeconds: number) => new Date(clock.getTime() + offsetSeconds * 1000);
  let row: Omit<ComponentRecord, 'now'> = {
    componentAppid: APPID,
    secret: 'component-secret',
    messageToken: 'token',
    encodingAESKey: 'k'.repeat(43),
    ticket: 'ticket@@@one',
    sealedTicket: 'sealed:ticket@@@one',
    ticketReceivedAt: at(-60),
    refreshFailures: 0,
    createdAt: at(-86_400),
    updatedAt: at(-60),
    ...initial,
  };
  const repository = {
    find: jest.fn(async (_appid: string): Promise<ComponentRecord | undefined> => ({ ...row, now: clock })),
    tryLease: jest.fn(
      async (_appid: string, _owner: string, _seconds: number): Promise<string | undefined> => '',
    ),
    releaseLease: jest.fn(async (_appid: string, _owner: string, _error?: string) => undefined),
    storeAccessToken: jest.fn(
      async (
        _appid: string,
        _owner: string,
        token: { accessToken: string; expiresIn: number; refreshInSeconds: number },
      ) => {
        row = {
          ...row,
          accessToken: token.accessToken,
          accessTokenExpiresAt: at(token.expiresIn),
          refreshDueAt: at(token.refreshInSeconds),
          refreshFailures: 0,
          refreshRetryAt: undefined,
        };
        return true;
      },
    ),
    storeTicket: jest.fn(async (_appid: string, ticket: string, _createTime: number, sameTicket: boolean) => {
      row = {
        ...row,
        ticket,
        sealedTicket: `sealed:${ticket}`,
        ticketReceivedAt: clock,
        refreshFailures: 0,
        refreshRetryAt: undefined,
        ...(sameTicket ? {} : { ticketRefusedErrcode: undefined, ticketRefusedAt: undefined }),
      };
      return true;
    }),
    markTicketRefused: jest.fn(
      async (_appid: string, _owner: string, sealed: string, errcode: number, _error: string) => {
        if (row.sealedTicket !== sealed) return false;
        row = { ...row, ticketRefusedErrcode: errcode, ticketRefusedAt: clock };
        return true;
      },
    ),
    recordRefreshFailure: jest.fn(async (_appid: string, _owner: string, _error: string, retryIn: number) => {
      row = { ...row, refreshFailures: row.refreshFailures + 1, refreshRetryAt: at(retryIn) };
    }),
    claimStartPush: jest.fn(async (_appid: string, _seconds: number) => {
      row = { ...row, startPushRequestedAt: clock };
      return true;
    }),
  };
  const wechat = {
    componentToken: jest.fn<
      ReturnType<WechatApiClient['componentToken']>,
      Parameters<WechatApiClient['componentToken']>
    >(),
    startPushTicket: jest.fn(
      async (_input: { componentAppid: string; componentSecret: string }) => undefined,
    ),
  };
  const config = Object.assign(new TokenConfig(), {
    TOKEN_API_KEYS: ['x'.repeat(24)],
    TOKEN_START_PUSH_INTERVAL_SECONDS: 300,
    TOKEN_COMPONENT_RETRY_MIN_SECONDS: 5,
    TOKEN_COMPONENT_RETRY_MAX_SECONDS: 300,
  });
  const metricsService = new MetricsService('token-test');
  const metrics = new TokenMetrics(metricsService);
  const health = new HealthRegistry();
  const statuses = new TicketStatusService(health, metrics);
  statuses.onModuleInit();
  const sut = new ComponentTokensService(
    repository as unknown as ComponentRepository,
    wechat as unknown as WechatApiClient,
    config,
    'replica-test',
    metrics,
    statuses,
  );
  return {
    sut,
    repository,
    wechat,
    metricsService,
    health,
    advance: (seconds: number) => (clock = at(seconds)),
    row: () => row,
  };
}

const refused = (errcode: number) => new WechatApiError(errcode, 'component ticket is invalid', C);
const systemError = () => new WechatApiError(-1, 'system error', C);
const issued = { accessToken: 'ct_fresh', expiresIn: 7200 };

describe(ComponentTokensService.name, () => {
  beforeAll(() => Logger.overrideLogger(false));

  describe('a ticket WeChat refuses (61005/61006)', () => {
    it.each([61005, 61006])(
      'is marked refused (%i) and never sent again, however many passes',
      async (errcode) => {
        const { sut, wechat, repository, advance } = setup();
        wechat.componentToken.mockRejectedValue(refused(errcode));
        await sut.maintain(APPID);
        expect(repository.markTicketRefused).toHaveBeenCalledWith(
          APPID,
          'replica-test',
          'sealed:ticket@@@one',
          errcode,
          expect.any(String),
        );
        expect(repository.recordRefreshFailure).not.toHaveBeenCalled();
        for (let pass = 0; pass < 600; pass++) {
          advance(1);
          await sut.maintain(APPID);
        }
        expect(wechat.componentToken).toHaveBeenCalledTimes(1);
      },
    );

    it('asks WeChat to push a ticket at once, then at most once per TOKEN_START_PUSH_INTERVAL_SECONDS', async () => {
      const { sut, wechat, repository, advance } = setup();
      wechat.componentToken.mockRejectedValue(refused(61006));
      await sut.maintain(APPID);
      expect(wechat.startPushTicket).toHaveBeenCalledTimes(1);
      for (let pass = 0; pass < 299; pass++) {
        advance(1);
        await sut.maintain(APPID);
      }
      expect(wechat.startPushTicket).toHaveBeenCalledTimes(1);
      // While the last call is recent, no pass even tries the shared claim.
      expect(repository.claimStartPush).toHaveBeenCalledTimes(1);
      advance(2);
      await sut.maintain(APPID);
      expect(wechat.startPushTicket).toHaveBeenCalledTimes(2);
    });

    it('answers token reads at once with TOKEN_UNAVAILABLE naming the errcode, without a lease or a call', async () => {
      const { sut, wechat, repository } = setup({ ticketRefusedErrcode: 61006 });
      const read = sut.accessToken(APPID);
      await expect(read).rejects.toBeInstanceOf(TokenError);
      await expect(read).rejects.toThrow(/refused the component_verify_ticket.*61006/);
      expect(repository.tryLease).not.toHaveBeenCalled();
      expect(wechat.componentToken).not.toHaveBeenCalled();
    });

    it('keeps handing out the token it still has, without calling WeChat', async () => {
      const { sut, wechat } = setup({
        ticketRefusedErrcode: 61006,
        accessToken: 'ct_still_valid',
        accessTokenExpiresAt: new Date('2026-12-01T12:30:00.000Z'),
        refreshDueAt: new Date('2026-12-01T11:59:00.000Z'),
      });
      await sut.maintain(APPID);
      expect((await sut.accessToken(APPID)).accessToken).toBe('ct_still_valid');
      expect(wechat.componentToken).not.toHaveBeenCalled();
    });

    it('recovers on the next ticket push: the token is fetched at once with the new ticket', async () => {
      const { sut, wechat, repository } = setup();
      wechat.componentToken.mockRejectedValueOnce(refused(61006)).mockResolvedValueOnce(issued);
      await sut.maintain(APPID);
      await sut.onTicket(APPID, 'ticket@@@two', 1_796_000_000);
      expect(repository.storeTicket).toHaveBeenCalledWith(APPID, 'ticket@@@two', 1_796_000_000, false);
      expect(wechat.componentToken).toHaveBeenLastCalledWith(
        expect.objectContaining({ ticket: 'ticket@@@two' }),
      );
      expect((await sut.accessToken(APPID)).accessToken).toBe('ct_fresh');
    });

    it('stays refused when the refused ticket itself is pushed again', async () => {
      const { sut, wechat, repository } = setup();
      wechat.componentToken.mockRejectedValue(refused(61006));
      await sut.maintain(APPID);
      await sut.onTicket(APPID, 'ticket@@@one', 1_796_000_000);
      expect(repository.storeTicket).toHaveBeenCalledWith(APPID, 'ticket@@@one', 1_796_000_000, true);
      await sut.maintain(APPID);
      expect(wechat.componentToken).toHaveBeenCalledTimes(1);
    });

    it('does not condemn a newer ticket stored while the refused call was in flight', async () => {
      const { sut, wechat, repository, row } = setup();
      wechat.componentToken.mockImplementationOnce(async () => {
        // The push of a new ticket lands while WeChat answers for the old one.
        await repository.storeTicket(APPID, 'ticket@@@two', 1_796_000_000, false);
        throw refused(61006);
      });
      await sut.maintain(APPID);
      expect(row()).toMatchObject({ ticket: 'ticket@@@two', ticketRefusedErrcode: undefined });
    });
  });

  describe('other failures (-1, 5xx, timeouts)', () => {
    it('back off 5 s doubling to 5 minutes, then recover', async () => {
      const { sut, wechat, advance } = setup();
      const callTimes: number[] = [];
      wechat.componentToken.mockImplementation(async () => {
        callTimes.push(elapsed);
        throw systemError();
      });
      let elapsed = 0;
      for (; elapsed < 1200; elapsed++) {
        await sut.maintain(APPID);
        advance(1);
      }
      expect(callTimes).toEqual([0, 5, 15, 35, 75, 155, 315, 615, 915]);
      wechat.componentToken.mockResolvedValue(issued);
      for (; elapsed < 1500; elapsed++) {
        await sut.maintain(APPID);
        advance(1);
      }
      expect((await sut.accessToken(APPID)).accessToken).toBe('ct_fresh');
      expect(wechat.componentToken).toHaveBeenCalledTimes(10);
    });

    it('answer reads during the backoff at once, naming the next attempt', async () => {
      const { sut, wechat } = setup();
      wechat.componentToken.mockRejectedValue(systemError());
      await sut.maintain(APPID);
      await expect(sut.accessToken(APPID)).rejects.toThrow(/next attempt at 2026-12-01T12:00:05.000Z/);
      expect(wechat.componentToken).toHaveBeenCalledTimes(1);
    });

    it('end when a new ticket arrives', async () => {
      const { sut, wechat } = setup();
      wechat.componentToken.mockRejectedValueOnce(systemError()).mockResolvedValueOnce(issued);
      await sut.maintain(APPID);
      await sut.onTicket(APPID, 'ticket@@@two', 1_796_000_000);
      expect(wechat.componentToken).toHaveBeenCalledTimes(2);
    });
  });

  describe('ticket state', () => {
    it('shows state, age and errcode in /health/ready details and the gauges', async () => {
      const { sut, wechat, health, metricsService } = setup();
      wechat.componentToken.mockRejectedValue(refused(61006));
      await sut.maintain(APPID);
      await sut.maintain(APPID);
      const [[name, check]] = health.entries() as [[string, () => unknown]];
      expect(name).toBe('componentTickets');
      expect(await check()).toEqual({
        components: {
          [APPID]: expect.objectContaining({ state: 'refused', errcode: 61006, ageSeconds: 60 }),
        },
      });
      const text = await metricsService.registry.metrics();
      expect(text).toContain(
        `wxop_token_component_ticket_state{component="${APPID}",state="refused",service="token-test"} 1`,
      );
      expect(text).toContain(
        `wxop_token_component_ticket_state{component="${APPID}",state="ok",service="token-test"} 0`,
      );
      expect(text).toContain(
        `wxop_token_component_ticket_refused_errcode{component="${APPID}",service="token-test"} 61006`,
      );
      expect(text).toContain(`wxop_token_ticket_age_seconds{component="${APPID}",service="token-test"} 60`);
    });
  });
});
