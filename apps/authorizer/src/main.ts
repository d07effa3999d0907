import { Logger } from '@nestjs/common';
import { loadConfig } from '@wxop/config';
import { runMigrateCommand } from '@wxop/database';

import { createAuthorizerApp } from './authorizer-app';
import { AuthorizerConfig } from './config/authorizer.config';
import { AUTHORIZER_MIGRATIONS } from './database/migrations';

async function bootstrap(): Promise<void> {
  const { authorizer } = loadConfig({ authorizer: AuthorizerConfig });
  const app = await createAuthorizerApp();
  await app.listen(authorizer.AUTHORIZER_HTTP_PORT, authorizer.AUTHORIZER_HTTP_HOST);
  new Logger('authorizer').log({
    msg: 'authorizer service ready',
    port: authorizer.AUTHORIZER_HTTP_PORT,
    pages: '/authorize/<linkId>, /authorized/<linkId>',
  });
}

/**
 * `node main.cjs migrate` (the deployment's migrations step): apply this app's migrations and exit,
 * without HTTP, the broker or schedulers. The database is the one app.module.ts serves.
 */
async function migrate(): Promise<void> {
  process.exitCode = await runMigrateCommand({
    defaultName: 'wxop_authorizer',
    migrations: AUTHORIZER_MIGRATIONS,
  });
}

void (process.argv[2] === 'migrate' ? migrate() : bootstrap());
