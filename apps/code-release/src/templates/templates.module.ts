import { Module } from '@nestjs/common';

import { TemplateRepository } from './template.repository';
import { TemplatesRpcController } from './templates-rpc.controller';
import { TemplatesService } from './templates.service';

/** The template library (§5.1). */
@Module({
  controllers: [TemplatesRpcController],
  providers: [TemplateRepository, TemplatesService],
  exports: [TemplatesService],
})
export class TemplatesModule {}
