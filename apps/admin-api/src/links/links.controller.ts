import { Body, Controller, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiTags } from '@nestjs/swagger';

import { AuditAction } from '../audit/audit-action.decorator';
import { Roles } from '../auth/roles.decorator';
import { ComponentAppidParam } from '../components/dto/component-appid.param';
import { AuthorizationLinkDto, CreateLinkDto } from './dto/link.dto';
import { LinksService } from './links.service';

/** 授权链接生成器: authorization links for PC and H5, with a QR code. */
@ApiTags('authorization links')
@ApiBearerAuth()
@Controller('components/:componentAppid/authorization-links')
export class LinksController {
  constructor(private readonly links: LinksService) {}

  @Post()
  @Roles('admin', 'operator')
  @AuditAction('authorization-links.create')
  @ApiCreatedResponse({ type: AuthorizationLinkDto })
  create(@Param() params: ComponentAppidParam, @Body() body: CreateLinkDto): Promise<AuthorizationLinkDto> {
    const { qrCodeFormat, ...link } = body;
    return this.links.create({ componentAppid: params.componentAppid, ...link }, qrCodeFormat ?? 'png');
  }
}
