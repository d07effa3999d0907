import { Controller, Get, HttpCode, Param, ParseIntPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags, ApiAcceptedResponse } from '@nestjs/swagger';

import { AuditAction } from '../audit/audit-action.decorator';
import { Roles } from '../auth/roles.decorator';
import { PushDetailDto, PushPageDto, PushReplayDto, PushSummaryDto } from './dto/push.dto';
import { PushQueryDto } from './dto/push-query.dto';
import { PushesService } from './pushes.service';

/** The push log: every push WeChat sent, searchable, replayable. */
@ApiTags('pushes')
@ApiBearerAuth()
@Controller('pushes')
export class PushesController {
  constructor(private readonly pushes: PushesService) {}

  @Get()
  @Roles('admin', 'operator', 'viewer')
  @ApiOkResponse({ type: PushPageDto })
  async search(@Query() query: PushQueryDto): Promise<PushPageDto> {
    const page = await this.pushes.search({
      eventId: query.eventId,
      componentAppid: query.componentAppid,
      authorizerAppid: query.authorizerAppid,
      type: query.type,
      from: query.from,
      to: query.to,
      text: query.text,
      cursor: query.cursor,
      limit: query.limit,
    });
    return { ...page, items: page.items.map((push) => PushSummaryDto.of(push)) };
  }

  @Get(':id')
  @Roles('admin', 'operator', 'viewer')
  @ApiOkResponse({ type: PushDetailDto })
  async get(@Param('id', ParseIntPipe) id: number): Promise<PushDetailDto> {
    return PushDetailDto.detail(await this.pushes.get(id));
  }

  @Post(':id/replay')
  @HttpCode(202)
  @Roles('admin', 'operator')
  @AuditAction('pushes.replay')
  @ApiAcceptedResponse({ type: PushReplayDto })
  async replay(@Param('id', ParseIntPipe) id: number): Promise<PushReplayDto> {
    const envelope = await this.pushes.replay(id);
    return { eventId: envelope.id, replayOf: envelope.replayOf!, type: envelope.type };
  }
}
