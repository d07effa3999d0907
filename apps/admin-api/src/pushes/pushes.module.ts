import { Module } from '@nestjs/common';

import { AdminApiConfig } from '../config/admin-api.config';
import { PushLogConsumer } from './push-log.consumer';
import { PushLogRepository } from './push-log.repository';
import { PushLogWriter } from './push-log-writer.service';
import { PushRetentionService } from './push-retention.service';
import { PushStatsService } from './push-stats.service';
import { PushesController } from './pushes.controller';
import { PushesService } from './pushes.service';

/** The push log: consumer of `wechat.#`, search, detail, replay, retention; PushStatsService for the dashboard. */
@Module({
  controllers: [PushesController],
  providers: [
    PushLogRepository,
    {
      provide: PushLogWriter,
      useFactory: (repository: PushLogRepository, config: AdminApiConfig) =>
        new PushLogWriter(repository, {
          batchSize: config.ADMIN_API_PUSH_LOG_BATCH_SIZE,
          flushMs: config.ADMIN_API_PUSH_LOG_FLUSH_MS,
        }),
      inject: [PushLogRepository, AdminApiConfig],
    },
    PushLogConsumer,
    PushesService,
    PushStatsService,
    PushRetentionService,
  ],
  exports: [PushStatsService],
})
export class PushesModule {}
