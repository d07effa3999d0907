import { Logger } from '@nestjs/common';
import { loadConfig } from '@wxop/config';

import { createAuthorizerApp } from './authorizer-app';
import { AuthorizerConfig } from './config/authorizer.config';

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

void bootstrap();
