import { Module } from '@nestjs/common';

import { ReleaseHistoryRepository } from './release-history.repository';

/** The per-account release history (`release_history`); campaigns may record into it too. */
@Module({
  providers: [ReleaseHistoryRepository],
  exports: [ReleaseHistoryRepository],
})
export class HistoryModule {}
