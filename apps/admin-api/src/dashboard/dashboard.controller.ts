import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';

import { Roles } from '../auth/roles.decorator';
import { DashboardDto } from './dashboard.dto';
import { DashboardService, type Dashboard } from './dashboard.service';

@ApiTags('dashboard')
@ApiBearerAuth()
@Controller('dashboard')
export class DashboardController {
  constructor(private readonly dashboard: DashboardService) {}

  @Get()
  @Roles('admin', 'operator', 'viewer')
  @ApiOkResponse({ type: DashboardDto })
  get(): Promise<Dashboard> {
    return this.dashboard.dashboard();
  }
}
