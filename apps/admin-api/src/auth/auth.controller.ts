import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';

import { AuditAction } from '../audit/audit-action.decorator';
import { AuthService } from './auth.service';
import { CurrentUser, type AuthenticatedUser } from './current-user.decorator';
import { LoginDto, RefreshDto, SessionTokensDto } from './dto/auth.dto';
import { Public } from './public.decorator';
import { Roles } from './roles.decorator';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  /** Public: this is how a token is obtained. Throttled per username and per IP. */
  @Post('login')
  @Public()
  @AuditAction('auth.login', { recordedByHandler: true })
  @HttpCode(200)
  @ApiOkResponse({ type: SessionTokensDto })
  login(@Body() body: LoginDto, @Req() request: FastifyRequest): Promise<SessionTokensDto> {
    const userAgent = request.headers['user-agent'];
    return this.auth.login({
      username: body.username,
      password: body.password,
      ip: request.ip,
      userAgent: typeof userAgent === 'string' ? userAgent : undefined,
    });
  }

  /** Public: the refresh token is the credential (the access token may have expired). */
  @Post('refresh')
  @Public()
  @AuditAction('auth.refresh', { recordedByHandler: true })
  @HttpCode(200)
  @ApiOkResponse({ type: SessionTokensDto })
  refresh(@Body() body: RefreshDto): Promise<SessionTokensDto> {
    return this.auth.refresh(body.refreshToken);
  }

  /** Ends the caller's session: its refresh tokens stop working and so does this access token. */
  @Post('logout')
  @Roles('admin', 'operator', 'viewer')
  @AuditAction('auth.logout')
  @ApiBearerAuth()
  @HttpCode(204)
  @ApiNoContentResponse()
  async logout(@CurrentUser() user: AuthenticatedUser): Promise<void> {
    await this.auth.logout(user.sessionId);
  }
}
