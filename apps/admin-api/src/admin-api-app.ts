import helmet from '@fastify/helmet';
import { RequestMethod } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig } from '@wxop/config';
import { AppLogger, createFastifyAdapter } from '@wxop/observability';

import { AdminApiModule, type AdminApiModuleOptions } from './app.module';
import { AdminApiConfig } from './config/admin-api.config';
import { findConsoleDir } from './console/console-dir';
import { serveConsole } from './console/serve-console';
import { serveOpenApi } from './openapi';
import { adminValidationPipe } from './shared/validation.util';

export const ADMIN_API_PREFIX = 'admin/v1';

/**
 * Builds admin-api: `/admin/v1` (JSON, validated, one error format), OpenAPI at `/admin/docs`, the
 * web console at `/console`, security headers, CORS only for configured origins, health and metrics outside the prefix.
 */
export async function createAdminApiApp(
  options: AdminApiModuleOptions = {},
): Promise<NestFastifyApplication> {
  const { admin } = loadConfig({ admin: AdminApiConfig }, options.env);
  const adapter = createFastifyAdapter({
    bodyLimit: admin.ADMIN_API_BODY_LIMIT_BYTES,
    trustProxy: admin.ADMIN_API_TRUST_PROXY,
  });
  const app = await NestFactory.create<NestFastifyApplication>(AdminApiModule.forRoot(options), adapter, {
    bufferLogs: true,
  });
  app.useLogger(app.get(AppLogger));
  await app.register(helmet, {
    // Swagger UI needs its inline script and styles; everything else keeps helmet's defaults.
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", "'unsafe-inline'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        // Accounts' head images and audit screenshots are WeChat's (https) URLs.
        imgSrc: ["'self'", 'data:', 'https:'],
        // Off: behind plain HTTP (a LAN address, a port-forward) the browser would rewrite the
        // console's scripts to https and show a blank page. TLS is the ingress's job (HSTS there).
        upgradeInsecureRequests: null,
      },
    },
  });
  if (admin.ADMIN_API_CORS_ORIGINS.length > 0)
    app.enableCors({ origin: admin.ADMIN_API_CORS_ORIGINS, credentials: false, maxAge: 600 });
  app.setGlobalPrefix(ADMIN_API_PREFIX, {
    exclude: [
      { path: 'health/live', method: RequestMethod.GET },
      { path: 'health/ready', method: RequestMethod.GET },
      { path: 'metrics', method: RequestMethod.GET },
    ],
  });
  app.useGlobalPipes(adminValidationPipe());
  serveOpenApi(app);
  const consoleDir = findConsoleDir(admin.ADMIN_API_CONSOLE_DIR);
  if ((await serveConsole(app, consoleDir)) === 'missing')
    app.get(AppLogger).warn({
      msg: 'web console not built: /console answers 404 (npx nx build console)',
      configured: admin.ADMIN_API_CONSOLE_DIR,
    });
  app.enableShutdownHooks();
  return app;
}
