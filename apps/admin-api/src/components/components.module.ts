import { Module } from '@nestjs/common';

import { AuthorizersController } from '../authorizers/authorizers.controller';
import { AuthorizersService } from '../authorizers/authorizers.service';
import { CredentialsController } from '../credentials/credentials.controller';
import { CredentialsService } from '../credentials/credentials.service';
import { LinksController } from '../links/links.controller';
import { LinksService } from '../links/links.service';
import { ComponentsController } from './components.controller';
import { ComponentsService } from './components.service';

/**
 * The platform side of admin-api: component apps (token service), their credentials, authorizers
 * and authorization links (authorizer service), all over RPC; admin-api stores none of it.
 */
@Module({
  controllers: [ComponentsController, CredentialsController, AuthorizersController, LinksController],
  providers: [ComponentsService, CredentialsService, AuthorizersService, LinksService],
  exports: [ComponentsService, AuthorizersService],
})
export class ComponentsModule {}
