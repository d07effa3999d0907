import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';

import { Roles } from '../auth/roles.decorator';
import { pageOf, type Page } from '../shared/page-query.dto';
import type { AuditEntry } from './audit-entry';
import { AuditLogService } from './audit-log.service';
import { AuditPageDto } from './dto/audit-entry.dto';
import { AuditLogQueryDto } from './dto/audit-log-query.dto';

/** The audit log, read only: there is no route that changes or deletes an entry. */
@ApiTags('audit log')
@ApiBearerAuth()
@Controller('audit-log')
export class AuditLogController {
  constructor(private readonly audit: AuditLogService) {}

  @Get()
  @Roles('admin', 'operator', 'viewer')
  @ApiOkResponse({ type: AuditPageDto })
  async search(@Query() query: AuditLogQueryDto): Promise<Page<AuditEntry>> {
    const { items, total } = await this.audit.search({
      actor: query.actor,
      action: query.action,
      target: query.target,
      outcome: query.outcome,
      from: query.from,
      to: query.to,
      text: query.text,
      sort: query.sort ?? 'at',
      order: query.order,
      limit: query.limit,
      offset: query.offset,
    });
    return pageOf(items, total, query);
  }
}
