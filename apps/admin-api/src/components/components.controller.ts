import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';

import { AuditAction } from '../audit/audit-action.decorator';
import { Roles } from '../auth/roles.decorator';
import { pageOf } from '../shared/page-query.dto';
import { ComponentsError, ComponentsErrorCodes } from './components.errors';
import { ComponentsService } from './components.service';
import {
  ComponentDto,
  ComponentListDto,
  ComponentQueryDto,
  CreateComponentDto,
  UpdateComponentDto,
} from './dto/component.dto';
import { ComponentAppidParam } from './dto/component-appid.param';

/** Component apps (third-party platforms): their secrets are write-only. */
@ApiTags('components')
@ApiBearerAuth()
@Controller('components')
export class ComponentsController {
  constructor(private readonly components: ComponentsService) {}

  @Get()
  @Roles('admin', 'operator', 'viewer')
  @ApiOkResponse({ type: ComponentListDto })
  async list(@Query() query: ComponentQueryDto): Promise<ComponentListDto> {
    // The token service answers every component (a deployment has a handful): paged and sorted here.
    const all = (await this.components.list()).map(ComponentDto.ofHealth);
    const field = query.sort ?? 'componentAppid';
    const direction = query.sort ? (query.order === 'asc' ? 1 : -1) : 1;
    all.sort((a, b) => direction * String(a[field] ?? '').localeCompare(String(b[field] ?? '')));
    return pageOf(all.slice(query.offset, query.offset + query.limit), all.length, query);
  }

  @Get(':componentAppid')
  @Roles('admin', 'operator', 'viewer')
  @ApiOkResponse({ type: ComponentDto })
  async get(@Param() params: ComponentAppidParam): Promise<ComponentDto> {
    return ComponentDto.ofHealth(await this.components.health(params.componentAppid));
  }

  @Post()
  @Roles('admin')
  @AuditAction('components.create')
  @ApiCreatedResponse({ type: ComponentDto })
  async create(@Body() body: CreateComponentDto): Promise<ComponentDto> {
    return ComponentDto.ofSummary(await this.components.create(body));
  }

  @Patch(':componentAppid')
  @Roles('admin')
  @AuditAction('components.update')
  @ApiOkResponse({ type: ComponentDto })
  async update(
    @Param() params: ComponentAppidParam,
    @Body() body: UpdateComponentDto,
  ): Promise<ComponentDto> {
    if (body.secret === undefined && body.token === undefined && body.encodingAESKey === undefined)
      throw new ComponentsError(
        ComponentsErrorCodes.NothingToUpdate,
        'give at least one of secret, token, encodingAESKey',
      );
    return ComponentDto.ofSummary(
      await this.components.update({ componentAppid: params.componentAppid, ...body }),
    );
  }
}
