import { Module } from '@nestjs/common';

import { HistoryModule } from '../history/history.module';
import { VersionsRpcController } from './versions-rpc.controller';
import { VersionsService } from './versions.service';

/** One mini program's versions by hand (§5.2–5.4), each action in the release history. */
@Module({
  imports: [HistoryModule],
  controllers: [VersionsRpcController],
  providers: [VersionsService],
  exports: [VersionsService],
})
export class VersionsModule {}
