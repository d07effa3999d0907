import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { AuthorizerCredentialSummary, ComponentHealth } from '@wxop/contracts';

export class RevealedTokenDto {
  @ApiProperty({ description: 'the current access token (shown once; the reveal is audited)' })
  accessToken!: string;
  @ApiProperty({ description: 'ISO-8601' }) expiresAt!: string;
}

export class CredentialErrorDto {
  @ApiPropertyOptional() errcode?: number;
  @ApiProperty() message!: string;
  @ApiPropertyOptional() at?: string;
}

export class AuthorizersByStateDto {
  @ApiProperty() active!: number;
  @ApiProperty() invalid!: number;
  @ApiProperty() revoked!: number;
}

/** A component's credential health: ticket age, component token expiry, authorizers by state, last errors. */
export class CredentialHealthDto {
  @ApiProperty() componentAppid!: string;
  @ApiPropertyOptional() ticketReceivedAt?: string;
  @ApiPropertyOptional({ description: 'seconds since the last ticket (WeChat pushes every 10 min)' })
  ticketAgeSeconds?: number;
  @ApiPropertyOptional({
    description: 'WeChat refused the stored ticket (61005/61006)',
    type: CredentialErrorDto,
  })
  ticketRefused?: CredentialErrorDto;
  @ApiPropertyOptional() componentTokenExpiresAt?: string;
  @ApiProperty() componentTokenRefreshFailures!: number;
  @ApiPropertyOptional() componentTokenRetryAt?: string;
  @ApiPropertyOptional({ type: CredentialErrorDto }) componentTokenLastError?: CredentialErrorDto;
  @ApiProperty({ type: AuthorizersByStateDto }) authorizersByState!: AuthorizersByStateDto;

  static of(health: ComponentHealth): CredentialHealthDto {
    const { ticket, componentToken } = health;
    return {
      componentAppid: health.componentAppid,
      ...(ticket.receivedAt ? { ticketReceivedAt: ticket.receivedAt } : {}),
      ...(ticket.ageSeconds !== undefined ? { ticketAgeSeconds: ticket.ageSeconds } : {}),
      ...(ticket.refused
        ? {
            ticketRefused: {
              errcode: ticket.refused.errcode,
              message: 'ticket refused',
              at: ticket.refused.at,
            },
          }
        : {}),
      ...(componentToken.expiresAt ? { componentTokenExpiresAt: componentToken.expiresAt } : {}),
      componentTokenRefreshFailures: componentToken.refreshFailures,
      ...(componentToken.retryAt ? { componentTokenRetryAt: componentToken.retryAt } : {}),
      ...(componentToken.lastError ? { componentTokenLastError: componentToken.lastError } : {}),
      authorizersByState: {
        active: health.authorizers.byState.active ?? 0,
        invalid: health.authorizers.byState.invalid ?? 0,
        revoked: health.authorizers.byState.revoked ?? 0,
      },
    };
  }
}

export class AuthorizerCredentialDto {
  @ApiProperty() componentAppid!: string;
  @ApiProperty() authorizerAppid!: string;
  @ApiProperty({ enum: ['active', 'invalid', 'revoked'] }) status!: string;
  @ApiProperty({ type: [Number] }) funcInfo!: number[];
  @ApiPropertyOptional() invalidErrcode?: number;
  @ApiPropertyOptional() accessTokenExpiresAt?: string;
  @ApiPropertyOptional() lastRefreshedAt?: string;
  @ApiProperty() statusChangedAt!: string;

  static of(summary: AuthorizerCredentialSummary): AuthorizerCredentialDto {
    return {
      componentAppid: summary.componentAppid,
      authorizerAppid: summary.authorizerAppid,
      status: summary.status,
      funcInfo: summary.funcInfo,
      ...(summary.invalidErrcode !== undefined ? { invalidErrcode: summary.invalidErrcode } : {}),
      ...(summary.accessTokenExpiresAt ? { accessTokenExpiresAt: summary.accessTokenExpiresAt } : {}),
      ...(summary.lastRefreshedAt ? { lastRefreshedAt: summary.lastRefreshedAt } : {}),
      statusChangedAt: summary.statusChangedAt,
    };
  }
}
