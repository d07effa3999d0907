import { Module } from '@nestjs/common';

import { ComponentsModule } from '../components/components.module';
import { DeadLettersModule } from '../dead-letters/dead-letters.module';
import { ForwardingModule } from '../forwarding/forwarding.module';
import { PushesModule } from '../pushes/pushes.module';
import { ReleasesModule } from '../releases/releases.module';
import { DashboardController } from './dashboard.controller';
import { DashboardService } from './dashboard.service';
import { QuotaLeftService } from './quota-left.service';

@Module({
  imports: [ComponentsModule, PushesModule, DeadLettersModule, ForwardingModule, ReleasesModule],
  controllers: [DashboardController],
  providers: [DashboardService, QuotaLeftService],
})
export class DashboardModule {}
