import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

export const API_KEY_SCHEME = 'api-key';
export const BEARER_SCHEME = 'bearer';

/** Swagger UI at `/docs`, OpenAPI 3 JSON at `/docs-json`. */
export function setupSwagger(app: NestFastifyApplication): void {
  const config = new DocumentBuilder()
    .setTitle('Ricochet')
    .setDescription(
      'Postback relay and forwarding gateway. Admin routes need an API key from ADMIN_API_KEYS, sent as ' +
        '`x-api-key` or `Authorization: Bearer`. Click and postback routes are public and authenticate ' +
        'advertisers by their postback token.',
    )
    .setVersion('0.1.0')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'x-api-key' }, API_KEY_SCHEME)
    .addBearerAuth({ type: 'http', scheme: 'bearer' }, BEARER_SCHEME)
    .build();
  const document = SwaggerModule.createDocument(app, config);
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'docs-json',
    swaggerOptions: { persistAuthorization: true, displayRequestDuration: true },
  });
}
