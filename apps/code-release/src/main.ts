import { Logger } from '@nestjs/common';
import { loadConfig } from '@wxop/config';
import { runMigrateCommand } from '@wxop/database';

import { createCodeReleaseApp } from './code-release-app';
import { CodeReleaseConfig } from './config/code-release.config';
import { CODE_RELEASE_MIGRATIONS } from './database/migrations';

async function bootstrap(): Promise<void> {
  const { release } = loadConfig({ release: CodeReleaseConfig });
  const app = await createCodeReleaseApp();
  await app.listen(release.CODE_RELEASE_HTTP_PORT, release.CODE_RELEASE_HTTP_HOST);
  new Logger('code-release').log({
    msg: 'code-release service ready',
    port: release.CODE_RELEASE_HTTP_PORT,
  });
}

/**
 * `node main.cjs migrate` (the deployment's migrations step): apply this app's migrations and exit,
 * without HTTP, the broker or schedulers. The database is the one app.module.ts serves.
 */
async function migrate(): Promise<void> {
  process.exitCode = await runMigrateCommand({
    defaultName: 'wxop_code_release',
    migrations: CODE_RELEASE_MIGRATIONS,
  });
}

void (process.argv[2] === 'migrate' ? migrate() : bootstrap());
