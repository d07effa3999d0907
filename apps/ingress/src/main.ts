import { Logger } from '@nestjs/common';
import { loadConfig } from '@wxop/config';

import { IngressConfig } from './config/ingress.config';
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

void bootstrap();
