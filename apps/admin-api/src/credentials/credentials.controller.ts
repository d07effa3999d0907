import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';

import { AuditAction } from '../audit/audit-action.decorator';
import { Roles } from '../auth/roles.decorator';
import { ComponentsService } from '../components/components.service';
import { AuthorizerAppidParam, ComponentAppidParam } from '../components/dto/component-appid.param';
import { CredentialsService } from './credentials.service';
import { AuthorizerCredentialDto, CredentialHealthDto, RevealedTokenDto } from './dto/credentials.dto';

/** Credential health and token reveal (admins only, audited). */
@ApiTags('credentials')
@ApiBearerAuth()
@Controller('components/:componentAppid')
export class CredentialsController {
  constructor(
    private readonly components: ComponentsService,
    private readonly credentials: CredentialsService,
  ) {}

  @Get('credentials')
  @Roles('admin', 'operator', 'viewer')
  @ApiOkResponse({ type: CredentialHealthDto })
  async health(@Param() params: ComponentAppidParam): Promise<CredentialHealthDto> {
    return CredentialHealthDto.of(await this.components.health(params.componentAppid));
  }

  @Get('authorizers/:authorizerAppid/credentials')
  @Roles('admin', 'operator', 'viewer')
  @ApiOkResponse({ type: AuthorizerCredentialDto })
  async authorizerCredentials(@Param() params: AuthorizerAppidParam): Promise<AuthorizerCredentialDto> {
    return AuthorizerCredentialDto.of(
      await this.credentials.authorizerCredentials({
        componentAppid: params.componentAppid,
        authorizerAppid: params.authorizerAppid,
      }),
    );
  }

  @Post('access-token/reveal')
  @HttpCode(200)
  @Roles('admin')
  @AuditAction('credentials.component-token.reveal', { recordedByHandler: true })
  @ApiOkResponse({ type: RevealedTokenDto })
  revealComponentToken(@Param() params: ComponentAppidParam): Promise<RevealedTokenDto> {
    return this.credentials.revealComponentToken(params.componentAppid);
  }

  @Post('authorizers/:authorizerAppid/access-token/reveal')
  @HttpCode(200)
  @Roles('admin')
  @AuditAction('credentials.authorizer-token.reveal', { recordedByHandler: true })
  @ApiOkResponse({ type: RevealedTokenDto })
  revealAuthorizerToken(@Param() params: AuthorizerAppidParam): Promise<RevealedTokenDto> {
    return this.credentials.revealAuthorizerToken({
      componentAppid: params.componentAppid,
      authorizerAppid: params.authorizerAppid,
    });
  }
}
