import { Logger } from '@nestjs/common';
import { loadConfig } from '@wxop/config';
import { runMigrateCommand } from '@wxop/database';

import { TokenConfig } from './config/token.config';
import { TOKEN_MIGRATIONS } from './database/migrations';
import { createTokenApp } from './token-app';

async function bootstrap(): Promise<void> {
  const { token } = loadConfig({ token: TokenConfig });
  const app = await createTokenApp();
  await app.listen(token.TOKEN_HTTP_PORT, token.TOKEN_HTTP_HOST);
  new Logger('token').log({
    msg: 'token service ready',
    port: token.TOKEN_HTTP_PORT,
    api: '/v1/components/<componentAppid>/…',
  });
}

/**
 * `node main.cjs migrate` (the deployment's migrations step): apply this app's migrations and exit,
 * without HTTP, the broker or schedulers. The database is the one app.module.ts serves.
 */
async function migrate(): Promise<void> {
  process.exitCode = await runMigrateCommand({ defaultName: 'wxop_token', migrations: TOKEN_MIGRATIONS });
}

void (process.argv[2] === 'migrate' ? migrate() : bootstrap());
