import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';

import { AuditAction } from '../audit/audit-action.decorator';
import { Roles } from '../auth/roles.decorator';
import { DeadLettersService } from './dead-letters.service';
import {
  DeadLetterCountDto,
  DeadLetterMessagesDto,
  DeadLetterMessagesQueryDto,
  DeadLetterQueueListDto,
  RequeueDeadLettersDto,
} from './dto/dead-letter.dto';

/** Dead-letter queues: depth and age, inspect, requeue, purge. `:queue` is a consumer queue (`admin-api.push-log`). */
@ApiTags('dead letters')
@ApiBearerAuth()
@Controller('dead-letters')
export class DeadLettersController {
  constructor(private readonly deadLetters: DeadLettersService) {}

  @Get()
  @Roles('admin', 'operator', 'viewer')
  @ApiOkResponse({ type: DeadLetterQueueListDto })
  async list(): Promise<DeadLetterQueueListDto> {
    const items = await this.deadLetters.list();
    return { items, total: items.length };
  }

  @Get(':queue/messages')
  @Roles('admin', 'operator', 'viewer')
  @ApiOkResponse({ type: DeadLetterMessagesDto })
  async messages(
    @Param('queue') queue: string,
    @Query() query: DeadLetterMessagesQueryDto,
  ): Promise<DeadLetterMessagesDto> {
    return { items: await this.deadLetters.messages(queue, query.limit), limit: query.limit };
  }

  @Post(':queue/requeue')
  @HttpCode(200)
  @Roles('admin', 'operator')
  @AuditAction('dead-letters.requeue')
  @ApiOkResponse({ type: DeadLetterCountDto })
  async requeue(
    @Param('queue') queue: string,
    @Body() body: RequeueDeadLettersDto,
  ): Promise<DeadLetterCountDto> {
    const which = body.all === true ? { all: true as const } : { ids: body.ids ?? [] };
    return { count: await this.deadLetters.requeue(queue, which) };
  }

  @Delete(':queue/messages')
  @Roles('admin', 'operator')
  @AuditAction('dead-letters.purge')
  @ApiOkResponse({ type: DeadLetterCountDto })
  async purge(@Param('queue') queue: string): Promise<DeadLetterCountDto> {
    return { count: await this.deadLetters.purge(queue) };
  }
}
