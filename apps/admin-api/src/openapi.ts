import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';

export const OPENAPI_UI_PATH = 'admin/docs';
export const OPENAPI_JSON_PATH = '/admin/docs/openapi.json';

/** The OpenAPI 3 document of every route, generated from the controllers and DTOs. */
export function openApiDocument(app: NestFastifyApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('wxop admin API')
    .setDescription(
      "The operators' API of wxop. Every route but login and refresh needs `Authorization: Bearer <access token>`; " +
        'refusals answer `{ error, message, correlationId, details? }`.',
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .build();
  const document = SwaggerModule.createDocument(app, config);
  // Health and metrics are infrastructure (probes, Prometheus), not the operators' API.
  for (const path of Object.keys(document.paths))
    if (!path.startsWith('/admin/')) delete document.paths[path];
  return document;
}

/** Swagger UI at /admin/docs and the document at /admin/docs/openapi.json. */
export function serveOpenApi(app: NestFastifyApplication): OpenAPIObject {
  const document = openApiDocument(app);
  SwaggerModule.setup(OPENAPI_UI_PATH, app, document, {
    jsonDocumentUrl: OPENAPI_JSON_PATH.slice(1),
    yamlDocumentUrl: 'admin/docs/openapi.yaml',
    swaggerOptions: { persistAuthorization: false },
  });
  return document;
}
