import { Global, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';

import { AdminApiConfig } from '../config/admin-api.config';
import { MeController } from '../users/me.controller';
import { PasswordHasher } from '../users/password-hasher.service';
import { UsersController } from '../users/users.controller';
import { UsersRepository } from '../users/users.repository';
import { UsersService } from '../users/users.service';
import { AccessGuard } from './access.guard';
import { AccessTokensService } from './access-tokens.service';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { LoginThrottleRepository } from './login-throttle.repository';
import { SessionsCleanupService } from './sessions-cleanup.service';
import { SessionsRepository } from './sessions.repository';

/** Users, sessions, access tokens and the global guard every route passes (ADR 0016). */
@Global()
@Module({
  imports: [JwtModule.register({})],
  controllers: [AuthController, MeController, UsersController],
  providers: [
    AccessTokensService,
    AuthService,
    LoginThrottleRepository,
    SessionsRepository,
    SessionsCleanupService,
    UsersRepository,
    UsersService,
    PasswordHasher,
    { provide: APP_GUARD, useClass: AccessGuard },
  ],
  exports: [AccessTokensService, UsersService],
})
export class AuthModule implements OnApplicationBootstrap {
  constructor(
    private readonly users: UsersService,
    private readonly config: AdminApiConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.users.bootstrap(
      this.config.ADMIN_API_BOOTSTRAP_USERNAME,
      this.config.ADMIN_API_BOOTSTRAP_PASSWORD,
    );
  }
}
