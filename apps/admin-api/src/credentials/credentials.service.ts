import { Injectable } from '@nestjs/common';
import {
  TokenRpcPatterns,
  type AccessTokenReply,
  type AuthorizerCredentialSummary,
  type AuthorizerRef,
  type ComponentRef,
} from '@wxop/contracts';
import { AmqpRpcClient, RpcRemoteError } from '@wxop/messaging';

import { AuditLogService } from '../audit/audit-log.service';

/**
 * Token debugging (the 微管家's token page): an authorizer's credential state, and the reveal of a
 * current access token. Every reveal is audited with its outcome; the token is in the answer only,
 * never in the audit entry or a log line.
 */
@Injectable()
export class CredentialsService {
  constructor(
    private readonly rpc: AmqpRpcClient,
    private readonly audit: AuditLogService,
  ) {}

  authorizerCredentials(ref: AuthorizerRef): Promise<AuthorizerCredentialSummary> {
    return this.rpc.request<AuthorizerCredentialSummary, AuthorizerRef>(
      TokenRpcPatterns.GetAuthorizerCredentials,
      ref,
    );
  }

  revealComponentToken(componentAppid: string): Promise<AccessTokenReply> {
    return this.reveal('credentials.component-token.reveal', componentAppid, () =>
      this.rpc.request<AccessTokenReply, ComponentRef>(TokenRpcPatterns.GetComponentAccessToken, {
        componentAppid,
      }),
    );
  }

  revealAuthorizerToken(ref: AuthorizerRef): Promise<AccessTokenReply> {
    return this.reveal(
      'credentials.authorizer-token.reveal',
      `${ref.componentAppid}/${ref.authorizerAppid}`,
      () => this.rpc.request<AccessTokenReply, AuthorizerRef>(TokenRpcPatterns.GetAuthorizerAccessToken, ref),
    );
  }

  private async reveal(
    action: string,
    target: string,
    read: () => Promise<AccessTokenReply>,
  ): Promise<AccessTokenReply> {
    let reply: AccessTokenReply;
    try {
      reply = await read();
    } catch (error) {
      await this.audit.record({
        action,
        target,
        outcome: 'failure',
        errorCode: error instanceof RpcRemoteError ? error.code.toLowerCase() : 'service_unavailable',
      });
      throw error;
    }
    // Written before the token is answered: no reveal without its audit entry.
    await this.audit.record({ action, target, outcome: 'success', details: { expiresAt: reply.expiresAt } });
    return { accessToken: reply.accessToken, expiresAt: reply.expiresAt };
  }
}
