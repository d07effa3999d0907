import { TokenRpcErrorCodes, TokenRpcPatterns } from '@wxop/contracts';
import { RpcRemoteError, type AmqpRpcClient } from '@wxop/messaging';

import type { AuditLogService, AuditRecordInput } from '../audit/audit-log.service';
import { CredentialsService } from './credentials.service';

const TOKEN = 'secret-access-token-value-0123456789';

function setup(reply: () => Promise<unknown>) {
  const requests: { pattern: string; data: unknown }[] = [];
  const rpc = {
    request: jest.fn(async (pattern: string, data: unknown) => {
      requests.push({ pattern, data });
      return reply();
    }),
  } as unknown as AmqpRpcClient;
  const entries: AuditRecordInput[] = [];
  const audit = {
    record: jest.fn(async (input: AuditRecordInput) => {
      entries.push(input);
    }),
  } as unknown as AuditLogService;
  return { service: new CredentialsService(rpc, audit), requests, entries, audit };
}

describe('CredentialsService reveal', () => {
  it('answers the authorizer token and audits the reveal without the token', async () => {
    const { service, requests, entries } = setup(async () => ({
      accessToken: TOKEN,
      expiresAt: '2026-12-01T12:00:00.000Z',
    }));
    const reply = await service.revealAuthorizerToken({ componentAppid: 'wxc', authorizerAppid: 'wxa' });
    expect(reply).toEqual({ accessToken: TOKEN, expiresAt: '2026-12-01T12:00:00.000Z' });
    expect(requests).toEqual([
      {
        pattern: TokenRpcPatterns.GetAuthorizerAccessToken,
        data: { componentAppid: 'wxc', authorizerAppid: 'wxa' },
      },
    ]);
    expect(entries).toEqual([
      {
        action: 'credentials.authorizer-token.reveal',
        target: 'wxc/wxa',
        outcome: 'success',
        details: { expiresAt: '2026-12-01T12:00:00.000Z' },
      },
    ]);
    expect(JSON.stringify(entries)).not.toContain(TOKEN);
  });

  it('audits a refused component-token reveal with its code and rethrows', async () => {
    const refusal = new RpcRemoteError(TokenRpcPatterns.GetComponentAccessToken, {
      code: TokenRpcErrorCodes.TokenUnavailable,
      message: 'no ticket yet',
    });
    const { service, entries } = setup(async () => {
      throw refusal;
    });
    await expect(service.revealComponentToken('wxc')).rejects.toBe(refusal);
    expect(entries).toEqual([
      {
        action: 'credentials.component-token.reveal',
        target: 'wxc',
        outcome: 'failure',
        errorCode: 'token_unavailable',
      },
    ]);
  });

  it('answers no token when the audit entry cannot be written', async () => {
    const { service, audit } = setup(async () => ({
      accessToken: TOKEN,
      expiresAt: '2026-12-01T12:00:00.000Z',
    }));
    (audit.record as jest.Mock).mockRejectedValueOnce(new Error('database down'));
    await expect(service.revealComponentToken('wxc')).rejects.toThrow('database down');
  });
});
