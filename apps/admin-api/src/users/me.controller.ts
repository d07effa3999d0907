import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';

import { AuditAction } from '../audit/audit-action.decorator';
import { CurrentUser, type AuthenticatedUser } from '../auth/current-user.decorator';
import { Roles } from '../auth/roles.decorator';
import { ChangePasswordDto, UserDto } from './dto/user.dto';
import { UsersService } from './users.service';

/** The caller's own account. */
@ApiTags('users')
@ApiBearerAuth()
@Controller('me')
export class MeController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @Roles('admin', 'operator', 'viewer')
  @ApiOkResponse({ type: UserDto })
  async me(@CurrentUser() user: AuthenticatedUser): Promise<UserDto> {
    return UserDto.of(await this.users.get(user.id));
  }

  /** Changes the caller's password and ends all of their sessions (this one too: log in again). */
  @Post('password')
  @Roles('admin', 'operator', 'viewer')
  @AuditAction('users.password.change')
  @HttpCode(204)
  @ApiNoContentResponse()
  async changePassword(
    @CurrentUser() user: AuthenticatedUser,
    @Body() body: ChangePasswordDto,
  ): Promise<void> {
    await this.users.changeOwnPassword(user.id, body.currentPassword, body.newPassword);
  }
}
