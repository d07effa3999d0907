import { Logger } from '@nestjs/common';
import { writeFile } from 'node:fs/promises';
import { loadConfig } from '@wxop/config';
import { runMigrateCommand } from '@wxop/database';

import { createAdminApiApp } from './admin-api-app';
import { openApiDocument } from './openapi';
import { AdminApiConfig } from './config/admin-api.config';
import { ADMIN_API_MIGRATIONS } from './database/migrations';
import { runCreateUserCommand } from './users/create-user.command';

async function bootstrap(): Promise<void> {
  const { admin } = loadConfig({ admin: AdminApiConfig });
  const app = await createAdminApiApp();
  await app.listen(admin.ADMIN_API_HTTP_PORT, admin.ADMIN_API_HTTP_HOST);
  new Logger('admin-api').log({
    msg: 'admin-api ready',
    port: admin.ADMIN_API_HTTP_PORT,
    api: '/admin/v1',
    docs: '/admin/docs',
  });
}

/** `node main.cjs migrate`: apply this app's migrations and exit (the deployment's migrations step). */
async function migrate(): Promise<void> {
  process.exitCode = await runMigrateCommand({ defaultName: 'wxop_admin', migrations: ADMIN_API_MIGRATIONS });
}

/** `npm run admin -- create-user --username u --role admin` (password on stdin or --password-file). */
async function createUser(): Promise<void> {
  process.exitCode = await runCreateUserCommand(process.argv.slice(3));
}

/**
 * `npm run admin -- openapi <file>`: write the OpenAPI document (the console's typed client is
 * generated from it: `npm run console:api`). Builds the app as serving does, so it needs the database.
 */
async function writeOpenApi(): Promise<void> {
  const file = process.argv[3];
  if (!file) throw new Error('usage: openapi <file>');
  const app = await createAdminApiApp();
  await writeFile(file, `${JSON.stringify(openApiDocument(app), null, 2)}\n`);
  await app.close();
}

void (process.argv[2] === 'migrate'
  ? migrate()
  : process.argv[2] === 'create-user'
    ? createUser()
    : process.argv[2] === 'openapi'
      ? writeOpenApi()
      : bootstrap());
