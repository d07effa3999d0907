import { Logger } from '@nestjs/common';
import { loadConfig } from '@wxop/config';
import { runMigrateCommand } from '@wxop/database';

import { IngressConfig } from './config/ingress.config';
import { INGRESS_MIGRATIONS } from './database/migrations';
import { createIngressApp } from './ingress-app';

async function bootstrap(): Promise<void> {
  const { ingress } = loadConfig({ ingress: IngressConfig });
  const app = await createIngressApp();
  await app.listen(ingress.INGRESS_HTTP_PORT, ingress.INGRESS_HTTP_HOST);
  new Logger('ingress').log({
    msg: 'ingress ready',
    port: ingress.INGRESS_HTTP_PORT,
    pushUrls: [
      '/wechat/components/<componentAppid>/events',
      '/wechat/components/<componentAppid>/authorizers/$APPID$/messages',
    ],
  });
}

/**
 * `node main.cjs migrate` (the deployment's migrations step): apply this app's migrations and exit,
 * without HTTP, the broker or schedulers. The database is the one app.module.ts serves.
 */
async function migrate(): Promise<void> {
  process.exitCode = await runMigrateCommand({ defaultName: 'wxop_ingress', migrations: INGRESS_MIGRATIONS });
}

void (process.argv[2] === 'migrate' ? migrate() : bootstrap());
