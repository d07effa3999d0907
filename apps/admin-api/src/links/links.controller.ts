import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { AuthorizationLinkPage } from '@wxop/contracts';

import { AuditAction } from '../audit/audit-action.decorator';
import { Roles } from '../auth/roles.decorator';
import { ComponentAppidParam } from '../components/dto/component-appid.param';
import { AuthorizationLinkDto, AuthorizationLinkPageDto, CreateLinkDto, LinkQueryDto } from './dto/link.dto';
import { LinksService } from './links.service';

/** 授权链接生成器: authorization links for PC and H5, with a QR code. */
@ApiTags('authorization links')
@ApiBearerAuth()
@Controller('components/:componentAppid/authorization-links')
export class LinksController {
  constructor(private readonly links: LinksService) {}

  @Get()
  @Roles('admin', 'operator', 'viewer')
  @ApiOkResponse({ type: AuthorizationLinkPageDto })
  async list(
    @Param() params: ComponentAppidParam,
    @Query() query: LinkQueryDto,
  ): Promise<AuthorizationLinkPage> {
    const page = await this.links.list({
      componentAppid: params.componentAppid,
      ...(query.bizRef ? { bizRef: query.bizRef } : {}),
      ...(query.state ? { state: query.state } : {}),
      limit: query.limit,
      offset: query.offset,
    });
    return { items: page.items, total: page.total, limit: page.limit, offset: page.offset };
  }

  @Post()
  @Roles('admin', 'operator')
  @AuditAction('authorization-links.create')
  @ApiCreatedResponse({ type: AuthorizationLinkDto })
  create(@Param() params: ComponentAppidParam, @Body() body: CreateLinkDto): Promise<AuthorizationLinkDto> {
    const { qrCodeFormat, ...link } = body;
    return this.links.create({ componentAppid: params.componentAppid, ...link }, qrCodeFormat ?? 'png');
  }
}
