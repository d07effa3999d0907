import { Module } from '@nestjs/common';

import { ComponentsModule } from '../components/components.module';
import { DeadLettersModule } from '../dead-letters/dead-letters.module';
import { ForwardingModule } from '../forwarding/forwarding.module';
import { PushesModule } from '../pushes/pushes.module';
import { DashboardController } from './dashboard.controller';
import { DashboardService } from './dashboard.service';

@Module({
  imports: [ComponentsModule, PushesModule, DeadLettersModule, ForwardingModule],
  controllers: [DashboardController],
  providers: [DashboardService],
})
export class DashboardModule {}
