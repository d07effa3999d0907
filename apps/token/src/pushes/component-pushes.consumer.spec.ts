import { createEnvelope, TokenRpcErrorCodes, type EventEnvelope, type RawPushData } from '@wxop/contracts';
import { NonRetryableError } from '@wxop/messaging';

import type { AuthCodeExchangeService } from '../authorizers/auth-code-exchange.service';
import type { AuthorizerInvalidationService } from '../authorizers/authorizer-invalidation.service';
import type { ComponentTokensService } from '../components/component-tokens.service';
import { TokenError } from '../shared/token.errors';
import { ComponentPushesConsumer } from './component-pushes.consumer';

const push = (type: string, fields: Record<string, unknown>): EventEnvelope<RawPushData> =>
  createEnvelope(type, { ...fields, raw: '<xml/>' } as RawPushData, { componentAppid: 'wxc' });

describe(ComponentPushesConsumer.name, () => {
  const componentTokens = { onTicket: jest.fn() };
  const exchanges = { exchangeAuthCode: jest.fn() };
  const invalidation = { revoke: jest.fn() };
  const sut = new ComponentPushesConsumer(
    componentTokens as unknown as ComponentTokensService,
    exchanges as unknown as AuthCodeExchangeService,
    invalidation as unknown as AuthorizerInvalidationService,
  );

  it('stores a ticket with its CreateTime', async () => {
    await sut.onTicket(
      push('wechat.component.component_verify_ticket', {
        ComponentVerifyTicket: 'ticket@@@1',
        CreateTime: '1413192605',
      }),
    );
    expect(componentTokens.onTicket).toHaveBeenCalledWith('wxc', 'ticket@@@1', 1413192605);
  });

  it('exchanges the code of authorized and updateauthorized, revokes on unauthorized', async () => {
    await sut.onAuthorized(push('wechat.component.authorized', { AuthorizationCode: 'queryauthcode@@@x' }));
    expect(exchanges.exchangeAuthCode).toHaveBeenCalledWith('wxc', 'queryauthcode@@@x');
    await sut.onUnauthorized(push('wechat.component.unauthorized', { AuthorizerAppid: 'wxa' }));
    expect(invalidation.revoke).toHaveBeenCalledWith('wxc', 'wxa');
  });

  it('sends a push without its field or of an unknown component to the DLQ at once', async () => {
    await expect(sut.onAuthorized(push('wechat.component.authorized', {}))).rejects.toBeInstanceOf(
      NonRetryableError,
    );
    componentTokens.onTicket.mockRejectedValueOnce(TokenError.componentNotFound('wxc'));
    await expect(
      sut.onTicket(
        push('wechat.component.component_verify_ticket', { ComponentVerifyTicket: 't', CreateTime: 1 }),
      ),
    ).rejects.toBeInstanceOf(NonRetryableError);
    exchanges.exchangeAuthCode.mockRejectedValueOnce(
      new TokenError(TokenRpcErrorCodes.WechatRejected, 'refused', { errcode: 40013 }),
    );
    await expect(
      sut.onAuthorized(push('wechat.component.authorized', { AuthorizationCode: 'c' })),
    ).rejects.toBeInstanceOf(NonRetryableError);
  });

  it('lets a refused or expired code go: the authorizer recovers or reports the authorization', async () => {
    exchanges.exchangeAuthCode.mockRejectedValueOnce(
      new TokenError(TokenRpcErrorCodes.WechatRejected, 'refused', { errcode: 61010 }),
    );
    await expect(
      sut.onAuthorized(push('wechat.component.authorized', { AuthorizationCode: 'c' })),
    ).resolves.toBeUndefined();
    const fields = {
      AuthorizationCode: 'c',
      CreateTime: 1_764_600_000,
      AuthorizationCodeExpiredTime: 1_764_600_600,
    };
    exchanges.exchangeAuthCode.mockRejectedValue(TokenError.unavailable('WeChat answered -1'));
    await expect(
      sut.onAuthorized(push('wechat.component.authorized', fields), undefined, new Date(1_764_600_599_000)),
    ).rejects.toBeInstanceOf(TokenError);
    await expect(
      sut.onAuthorized(push('wechat.component.authorized', fields), undefined, new Date(1_764_600_600_000)),
    ).resolves.toBeUndefined();
  });

  it('lets a transient failure (503, outage) go to the retry queue', async () => {
    exchanges.exchangeAuthCode.mockRejectedValueOnce(TokenError.unavailable('no ticket yet'));
    const failure = await sut
      .onAuthorized(push('wechat.component.authorized', { AuthorizationCode: 'c' }))
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TokenError);
    expect(failure).not.toBeInstanceOf(NonRetryableError);
  });
});
