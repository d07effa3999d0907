import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';

import { AccessGuard } from './access.guard';
import { AccessTokensService } from './access-tokens.service';

/** Access tokens and the global guard every route passes (ADR 0016). */
@Global()
@Module({
  imports: [JwtModule.register({})],
  providers: [AccessTokensService, { provide: APP_GUARD, useClass: AccessGuard }],
  exports: [AccessTokensService],
})
export class AuthModule {}
