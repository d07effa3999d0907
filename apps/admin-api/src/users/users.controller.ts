import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseIntPipe,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';

import { AuditAction } from '../audit/audit-action.decorator';
import { CurrentUser, type AuthenticatedUser } from '../auth/current-user.decorator';
import { Roles } from '../auth/roles.decorator';
import { pageOf, type Page } from '../shared/page-query.dto';
import { CreateUserDto, UpdateUserDto, UserDto, UserPageDto, UserQueryDto } from './dto/user.dto';
import { UsersService } from './users.service';

/** Operators' accounts: admins only. */
@ApiTags('users')
@ApiBearerAuth()
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @Roles('admin')
  @ApiOkResponse({ type: UserPageDto })
  async list(@Query() query: UserQueryDto): Promise<Page<UserDto>> {
    const { items, total } = await this.users.search({
      username: query.username,
      role: query.role,
      disabled: query.disabled,
      sort: query.sort ?? 'username',
      order: query.sort ? query.order : 'asc',
      limit: query.limit,
      offset: query.offset,
    });
    return pageOf(items.map(UserDto.of), total, query);
  }

  @Post()
  @Roles('admin')
  @AuditAction('users.create')
  @ApiCreatedResponse({ type: UserDto })
  async create(@Body() body: CreateUserDto): Promise<UserDto> {
    return UserDto.of(await this.users.create(body));
  }

  @Get(':userId')
  @Roles('admin')
  @ApiOkResponse({ type: UserDto })
  async get(@Param('userId', ParseIntPipe) userId: number): Promise<UserDto> {
    return UserDto.of(await this.users.get(userId));
  }

  @Patch(':userId')
  @Roles('admin')
  @AuditAction('users.update')
  @ApiOkResponse({ type: UserDto })
  async update(
    @CurrentUser() actor: AuthenticatedUser,
    @Param('userId', ParseIntPipe) userId: number,
    @Body() body: UpdateUserDto,
  ): Promise<UserDto> {
    return UserDto.of(await this.users.update(actor.id, userId, body));
  }

  @Delete(':userId')
  @Roles('admin')
  @AuditAction('users.delete')
  @HttpCode(204)
  @ApiNoContentResponse()
  async delete(
    @CurrentUser() actor: AuthenticatedUser,
    @Param('userId', ParseIntPipe) userId: number,
  ): Promise<void> {
    await this.users.delete(actor.id, userId);
  }
}
