import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  TokenRpcErrorCodes,
  TokenRpcPatterns,
  type AccessTokenReply,
  type AuthCodeExchangeReply,
  type AuthorizerCredentialSummary,
  type AuthorizerRef,
  type ComponentHealth,
  type ComponentHealthListReply,
  type ComponentKeys,
  type ComponentRef,
  type ComponentSummary,
  type ExchangeAuthCodeRequest,
  type ImportRefreshTokenRequest,
  type ImportRefreshTokensReply,
  type ImportRefreshTokensRequest,
  type InvalidateAccessTokenRequest,
  type InvalidateComponentAccessTokenRequest,
  type PreAuthCodeReply,
  type UpsertComponentRequest,
} from '@wxop/contracts';

import { AuthCodeExchangeService } from '../authorizers/auth-code-exchange.service';
import { AuthorizerImportService } from '../authorizers/authorizer-import.service';
import { AuthorizerInvalidationService } from '../authorizers/authorizer-invalidation.service';
import { AuthorizerTokenReadsService } from '../authorizers/authorizer-token-reads.service';
import { ComponentHealthService } from '../components/component-health.service';
import { ComponentTokensService } from '../components/component-tokens.service';
import { ComponentsService } from '../components/components.service';
import { PreAuthCodesService } from '../components/pre-auth-codes.service';
import { TokenError } from '../shared/token.errors';

/** Answers a TokenError as the RPC error with the same code (RpcRemoteError on the caller's side). */
async function rpc<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw error instanceof TokenError ? error.toRpcError() : error;
  }
}

/** The token service's RPC (libs/contracts TokenRpcPatterns) for admin-api, authorizer and ingress. */
@Controller()
export class TokenRpcController {
  constructor(
    private readonly components: ComponentsService,
    private readonly componentTokens: ComponentTokensService,
    private readonly preAuthCodes: PreAuthCodesService,
    private readonly exchanges: AuthCodeExchangeService,
    private readonly imports: AuthorizerImportService,
    private readonly authorizerTokens: AuthorizerTokenReadsService,
    private readonly invalidation: AuthorizerInvalidationService,
    private readonly health: ComponentHealthService,
  ) {}

  @MessagePattern(TokenRpcPatterns.GetComponentKeys)
  componentKeys(@Payload() request: ComponentRef): Promise<ComponentKeys> {
    return rpc(() => this.components.keys(String(request?.componentAppid)));
  }

  @MessagePattern(TokenRpcPatterns.UpsertComponent)
  upsertComponent(@Payload() request: UpsertComponentRequest): Promise<ComponentSummary> {
    return rpc(() => this.components.upsert(request ?? ({} as UpsertComponentRequest)));
  }

  @MessagePattern(TokenRpcPatterns.GetComponent)
  component(@Payload() request: ComponentRef): Promise<ComponentSummary> {
    return rpc(() => this.components.summary(String(request?.componentAppid)));
  }

  @MessagePattern(TokenRpcPatterns.GetComponentAccessToken)
  componentAccessToken(@Payload() request: ComponentRef): Promise<AccessTokenReply> {
    return rpc(() => this.componentTokens.accessToken(String(request?.componentAppid)));
  }

  @MessagePattern(TokenRpcPatterns.InvalidateComponentAccessToken)
  invalidateComponentAccessToken(
    @Payload() request: InvalidateComponentAccessTokenRequest,
  ): Promise<AccessTokenReply> {
    return rpc(async () => {
      if (typeof request?.accessToken !== 'string' || request.accessToken === '') {
        throw new TokenError(
          TokenRpcErrorCodes.InvalidRequest,
          'accessToken (the rejected token) is required',
        );
      }
      return this.componentTokens.invalidate(String(request.componentAppid), request.accessToken);
    });
  }

  @MessagePattern(TokenRpcPatterns.ListComponents)
  listComponents(): Promise<ComponentHealthListReply> {
    return rpc(() => this.health.list());
  }

  @MessagePattern(TokenRpcPatterns.GetComponentHealth)
  componentHealth(@Payload() request: ComponentRef): Promise<ComponentHealth> {
    return rpc(() => this.health.health(String(request?.componentAppid)));
  }

  @MessagePattern(TokenRpcPatterns.CreatePreAuthCode)
  preAuthCode(@Payload() request: ComponentRef): Promise<PreAuthCodeReply> {
    return rpc(() => this.preAuthCodes.create(String(request?.componentAppid)));
  }

  @MessagePattern(TokenRpcPatterns.ExchangeAuthCode)
  exchange(@Payload() request: ExchangeAuthCodeRequest): Promise<AuthCodeExchangeReply> {
    return rpc(() => this.exchanges.exchangeAuthCode(String(request?.componentAppid), request?.authCode));
  }

  @MessagePattern(TokenRpcPatterns.ImportRefreshToken)
  importRefreshToken(@Payload() request: ImportRefreshTokenRequest): Promise<AuthorizerCredentialSummary> {
    return rpc(() =>
      this.imports.importRefreshToken(
        String(request?.componentAppid),
        String(request?.authorizerAppid),
        request?.refreshToken,
        Array.isArray(request?.funcInfo) ? request.funcInfo.filter(Number.isInteger) : undefined,
      ),
    );
  }

  @MessagePattern(TokenRpcPatterns.ImportRefreshTokens)
  importRefreshTokens(@Payload() request: ImportRefreshTokensRequest): Promise<ImportRefreshTokensReply> {
    return rpc(() => this.imports.importRefreshTokens(String(request?.componentAppid), request?.authorizers));
  }

  @MessagePattern(TokenRpcPatterns.GetAuthorizerAccessToken)
  authorizerAccessToken(@Payload() request: AuthorizerRef): Promise<AccessTokenReply> {
    return rpc(() =>
      this.authorizerTokens.accessToken(String(request?.componentAppid), String(request?.authorizerAppid)),
    );
  }

  @MessagePattern(TokenRpcPatterns.InvalidateAuthorizerAccessToken)
  invalidate(@Payload() request: InvalidateAccessTokenRequest): Promise<AccessTokenReply> {
    return rpc(() =>
      this.invalidation.invalidate(
        String(request?.componentAppid),
        String(request?.authorizerAppid),
        String(request?.accessToken),
      ),
    );
  }

  @MessagePattern(TokenRpcPatterns.GetAuthorizerCredentials)
  authorizer(@Payload() request: AuthorizerRef): Promise<AuthorizerCredentialSummary> {
    return rpc(() =>
      this.authorizerTokens.summary(String(request?.componentAppid), String(request?.authorizerAppid)),
    );
  }

  @MessagePattern(TokenRpcPatterns.RevokeAuthorizer)
  revoke(@Payload() request: AuthorizerRef): Promise<AuthorizerCredentialSummary> {
    return rpc(() =>
      this.invalidation.revoke(String(request?.componentAppid), String(request?.authorizerAppid)),
    );
  }
}
