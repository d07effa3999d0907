import { Logger } from '@nestjs/common';
import { loadConfig } from '@wxop/config';

import { TokenConfig } from './config/token.config';
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

void bootstrap();
