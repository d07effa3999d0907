import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createFastifyAdapter } from '@wxop/observability';
import { AppLogger } from '@wxop/observability';

import { WechatSimModule } from './app.module';

/**
 * Builds the simulator app. Bodies: WeChat APIs read the raw text themselves (bad JSON is
 * errcode 47001, not an HTTP 400), the control API gets parsed JSON, the authorization page
 * gets its form fields.
 */
export async function createSimApp(
  env?: Record<string, string | undefined>,
): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(
    WechatSimModule.forRoot(env),
    createFastifyAdapter({ bodyLimit: 10 * 1024 * 1024 }),
    {
      bufferLogs: true,
      // Nest would register its own JSON and form parsers at init and override the ones below.
      bodyParser: false,
    },
  );
  app.useLogger(app.get(AppLogger));
  const fastify = app.getHttpAdapter().getInstance();
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', { parseAs: 'string' }, (request, body, done) => {
    const text = body as string;
    if (request.url.startsWith('/sim')) {
      if (text.trim() === '') return done(null, {});
      try {
        return done(null, JSON.parse(text) as unknown);
      } catch {
        const error = new Error('body is not JSON') as Error & { statusCode: number };
        error.statusCode = 400;
        return done(error, undefined);
      }
    }
    // Only the authorization page posts a form; WeChat's APIs read the raw body as JSON whatever the content type.
    if (request.url.startsWith('/cgi-bin/componentloginpage/confirm')) {
      return done(null, Object.fromEntries(new URLSearchParams(text)));
    }
    return done(null, text);
  });
  app.enableShutdownHooks();
  return app;
}
