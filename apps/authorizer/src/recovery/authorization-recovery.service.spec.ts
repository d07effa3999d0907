import { AuthorizerRpcErrorCodes } from '@wxop/contracts';
import type { Inbox, TransactionalOutbox } from '@wxop/messaging';
import { MetricsService } from '@wxop/observability';
import type { WechatApiClient } from '@wxop/wechat-api';

import type { AuthorizationsService } from '../authorizers/authorizations.service';
import type { ProfilesService } from '../authorizers/profiles.service';
import type { AuthorizerConfig } from '../config/authorizer.config';
import type { LinkRepository } from '../links/link.repository';
import { AuthorizerError } from '../shared/authorizer.errors';
import type { TokenClient } from '../shared/token.client';
import type { AuthorizationOutcomeRepository } from './authorization-outcome.repository';
import { AuthorizationRecoveryService, type PushedAuthorization } from './authorization-recovery.service';

const expiresAt = new Date('2026-12-01T10:10:00Z');
const push: PushedAuthorization = {
  componentAppid: 'wxc0000000000000001',
  authorizerAppid: 'wxa0000000000000001',
  authCode: 'queryauthcode@@@x',
  recordedBy: 'push',
  pushEventId: 'e1',
  codeExpiresAt: expiresAt,
};
const unavailable = () =>
  new AuthorizerError(AuthorizerRpcErrorCodes.Unavailable, 'WeChat answered -1', { errcode: -1 });
const before = new Date(expiresAt.getTime() - 1000);
const after = new Date(expiresAt.getTime() + 1000);

describe(AuthorizationRecoveryService.name, () => {
  const authorizations = { grant: jest.fn() };
  const records = { find: jest.fn(), insert: jest.fn() };
  const wechat = { getAuthorizerList: jest.fn() };
  const token = { componentAccessToken: jest.fn(), importRefreshTokens: jest.fn() };
  const profiles = { read: jest.fn() };
  const outbox = { add: jest.fn(), relay: jest.fn() };
  const inbox = { process: jest.fn() };
  let sut: AuthorizationRecoveryService;

  beforeEach(() => {
    records.find.mockResolvedValue(undefined);
    records.insert.mockResolvedValue(true);
    token.componentAccessToken.mockResolvedValue({ accessToken: 'component-token' });
    inbox.process.mockImplementation(
      async (_consumer: string, _id: string, work: (m: unknown) => unknown) => ({
        duplicate: false,
        result: await work({}),
      }),
    );
    outbox.relay.mockResolvedValue(undefined);
    sut = new AuthorizationRecoveryService(
      authorizations as unknown as AuthorizationsService,
      records as unknown as AuthorizationOutcomeRepository,
      { findByPreAuthCodeHash: jest.fn() } as unknown as LinkRepository,
      token as unknown as TokenClient,
      profiles as unknown as ProfilesService,
      wechat as unknown as WechatApiClient,
      outbox as unknown as TransactionalOutbox,
      inbox as unknown as Inbox,
      { AUTHORIZER_RECOVERY_WINDOW_SECONDS: 1800 } as AuthorizerConfig,
      new MetricsService('authorizer-test'),
    );
  });

  describe('complete', () => {
    it('grants as usual when the exchange works', async () => {
      authorizations.grant.mockResolvedValueOnce({});
      await expect(sut.complete(push, { lastAttempt: false }, before)).resolves.toBe('granted');
      expect(wechat.getAuthorizerList).not.toHaveBeenCalled();
    });

    it('lets an outage be retried while the code lives, and asks the list nothing', async () => {
      authorizations.grant.mockRejectedValueOnce(unavailable());
      await expect(sut.complete(push, { lastAttempt: false }, before)).rejects.toMatchObject({
        code: AuthorizerRpcErrorCodes.Unavailable,
      });
      expect(wechat.getAuthorizerList).not.toHaveBeenCalled();
    });

    it('reports an expired code the list holds no refresh token for as authorization.failed', async () => {
      authorizations.grant.mockRejectedValueOnce(unavailable());
      wechat.getAuthorizerList.mockResolvedValueOnce({
        totalCount: 1,
        list: [{ authorizerAppid: push.authorizerAppid }],
      });
      await expect(sut.complete(push, { lastAttempt: false }, after)).resolves.toBe('failed');
      expect(records.insert).toHaveBeenCalledWith(
        expect.anything(),
        expect.objectContaining({ outcome: 'failed', reason: 'auth_code_expired', errcode: -1 }),
      );
      expect(outbox.add).toHaveBeenCalledWith(
        expect.anything(),
        expect.objectContaining({
          type: 'authorization.failed',
          data: { reason: 'auth_code_expired', errcode: -1, bizRef: null },
        }),
      );
      expect(token.importRefreshTokens).not.toHaveBeenCalled();
    });

    it('pages the list until the account, and recovers it with the listed refresh token', async () => {
      authorizations.grant
        .mockRejectedValueOnce(
          new AuthorizerError(AuthorizerRpcErrorCodes.AuthCodeRejected, 'used', { errcode: 61009 }),
        )
        .mockResolvedValueOnce({ eventId: 'ev1' });
      wechat.getAuthorizerList
        .mockResolvedValueOnce({
          totalCount: 501,
          list: Array.from({ length: 500 }, (_, i) => ({ authorizerAppid: `wx${i}` })),
        })
        .mockResolvedValueOnce({
          totalCount: 501,
          list: [{ authorizerAppid: push.authorizerAppid, refreshToken: 'rt' }],
        });
      profiles.read.mockResolvedValueOnce({ profile: {}, funcInfo: [17, 18] });
      await expect(sut.complete(push, { lastAttempt: false }, before)).resolves.toBe('recovered');
      expect(wechat.getAuthorizerList).toHaveBeenLastCalledWith(
        'component-token',
        expect.objectContaining({ offset: 500 }),
      );
      expect(token.importRefreshTokens).toHaveBeenCalledWith(push.componentAppid, [
        expect.objectContaining({
          authorizerAppid: push.authorizerAppid,
          refreshToken: 'rt',
          funcInfo: [17, 18],
        }),
      ]);
      expect(authorizations.grant).toHaveBeenLastCalledWith(
        expect.objectContaining({
          recordedBy: 'recovery',
          recovered: expect.objectContaining({ funcInfo: [17, 18] }),
        }),
      );
      expect(outbox.add).not.toHaveBeenCalled();
    });

    it('retries a list WeChat cannot answer within the window, then reports recovery_unavailable', async () => {
      authorizations.grant.mockRejectedValue(unavailable());
      wechat.getAuthorizerList.mockRejectedValue(unavailable());
      await expect(sut.complete(push, { lastAttempt: false }, after)).rejects.toBeInstanceOf(AuthorizerError);
      expect(outbox.add).not.toHaveBeenCalled();
      const pastWindow = new Date(expiresAt.getTime() + 1801_000);
      await expect(sut.complete(push, { lastAttempt: false }, pastWindow)).resolves.toBe('failed');
      expect(records.insert).toHaveBeenCalledWith(
        expect.anything(),
        expect.objectContaining({ reason: 'recovery_unavailable' }),
      );
    });

    it('does nothing twice: an outcome already recorded for the code is answered as it was', async () => {
      authorizations.grant.mockRejectedValueOnce(unavailable());
      records.find.mockResolvedValueOnce({ outcome: 'failed' });
      await expect(sut.complete(push, { lastAttempt: true }, before)).resolves.toBe('failed');
      expect(wechat.getAuthorizerList).not.toHaveBeenCalled();
    });
  });
});
