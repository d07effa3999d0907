import { Module } from '@nestjs/common';

import { DeadLettersController } from './dead-letters.controller';
import { DeadLettersService } from './dead-letters.service';

/** Dead letters of every consumer queue; DeadLettersService.depths() for the dashboard. */
@Module({
  controllers: [DeadLettersController],
  providers: [DeadLettersService],
  exports: [DeadLettersService],
})
export class DeadLettersModule {}
