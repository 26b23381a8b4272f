import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { TAG_ORDER } from './api-tags';
import { errorExample } from './error-response';

export const API_KEY_SCHEME = 'api-key';
export const BEARER_SCHEME = 'bearer';

const ADMIN_KEY_DESCRIPTION =
  'An admin API key from ADMIN_API_KEYS (16+ characters, compared as an opaque secret; not a JWT).';

/** Swagger UI at `/docs`, OpenAPI 3 JSON at `/docs-json`. */
export function setupSwagger(app: NestFastifyApplication): void {
  const builder = new DocumentBuilder()
    .setTitle('Ricochet')
    .setDescription(
      'Postback relay and forwarding gateway. Admin routes need an API key from ADMIN_API_KEYS, sent as ' +
        '`x-api-key` or `Authorization: Bearer <key>` (Authorize above). Click and postback routes are ' +
        'public and authenticate advertisers by their postback token.\n\n' +
        'The admin API is grouped by task: **Setup** (advertisers, offers, sources and endpoints), ' +
        '**Live** (clicks, postbacks, conversions), **Failures** (deliveries and replays), **Reports** ' +
        'and **Tools**. Filters start empty: fill only the ones you need.',
    )
    .setVersion('0.1.0')
    .addApiKey(
      { type: 'apiKey', in: 'header', name: 'x-api-key', description: ADMIN_KEY_DESCRIPTION },
      API_KEY_SCHEME,
    )
    .addSecurity(BEARER_SCHEME, {
      type: 'http',
      scheme: 'bearer',
      description: `${ADMIN_KEY_DESCRIPTION} Sent as \`Authorization: Bearer <key>\`.`,
    });
  for (const tag of TAG_ORDER) builder.addTag(tag.name, tag.description);
  // Untagged controllers get no tag of their own name: every operation is placed in a group on purpose.
  const document = finishDocument(
    SwaggerModule.createDocument(app, builder.build(), { autoTagControllers: false }),
  );
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'docs-json',
    swaggerOptions: { persistAuthorization: true, displayRequestDuration: true },
  });
}

type Json = Record<string, unknown>;

/**
 * Document-wide rules that decorators alone cannot guarantee:
 * - no query or path parameter carries an `example`: swagger-ui prefills "Try it out" inputs with it,
 *   so example ids and dates would silently filter every list to nothing. Examples move into the
 *   parameter's description text instead (`default`s stay: they are what the server uses anyway);
 * - every error answer in the ErrorResponse shape shows an example body of its own status (the
 *   schema's property examples alone make a 401 look like a 400);
 * - paths are listed in tag order (Setup, Live, Failures, Reports, Tools, then the public routes).
 */
export function finishDocument(document: OpenAPIObject): OpenAPIObject {
  for (const methods of Object.values(document.paths)) {
    for (const operation of Object.values(methods as Record<string, Json>)) {
      if (typeof operation !== 'object' || operation === null || !('responses' in operation)) continue;
      for (const parameter of (operation.parameters ?? []) as Json[]) moveExampleToDescription(parameter);
      addErrorExamples(operation.responses as Record<string, Json>);
    }
  }
  document.paths = orderPathsByTag(document.paths);
  return document;
}

function moveExampleToDescription(parameter: Json): void {
  if (parameter.in !== 'query' && parameter.in !== 'path') return;
  const schema = (parameter.schema ?? {}) as Json;
  const example = parameter.example ?? schema.example;
  delete parameter.example;
  delete parameter.examples;
  delete schema.example;
  delete schema.examples;
  if (example === undefined || Array.isArray(schema.enum)) return;
  const text = typeof example === 'string' ? example : JSON.stringify(example);
  const description = typeof parameter.description === 'string' ? parameter.description : '';
  if (description.includes(text)) return;
  parameter.description = `${description}${description === '' ? '' : ' '}(e.g. \`${text}\`)`;
}

function addErrorExamples(responses: Record<string, Json>): void {
  for (const [status, response] of Object.entries(responses)) {
    const code = Number(status);
    if (!(code >= 400)) continue;
    const content = response.content as Record<string, Json> | undefined;
    const json = content?.['application/json'];
    const schema = json?.schema as Json | undefined;
    if (!json || schema?.$ref !== '#/components/schemas/ErrorResponse') continue;
    const example = json.example as Json | undefined;
    if (example === undefined) json.example = errorExample(code);
    else if (example.statusCode !== code) json.example = { ...example, statusCode: code };
  }
}

function orderPathsByTag(paths: OpenAPIObject['paths']): OpenAPIObject['paths'] {
  const rank = new Map(TAG_ORDER.map((tag, index) => [tag.name, index]));
  const rankOf = (methods: object): number => {
    const ranks = Object.values(methods as Record<string, { tags?: string[] }>).flatMap((operation) =>
      (operation?.tags ?? []).map((tag) => rank.get(tag) ?? TAG_ORDER.length),
    );
    return ranks.length > 0 ? Math.min(...ranks) : TAG_ORDER.length;
  };
  const ordered = Object.entries(paths)
    .map(([path, methods], index) => ({ path, methods, index, rank: rankOf(methods) }))
    .sort((a, b) => a.rank - b.rank || a.index - b.index);
  return Object.fromEntries(ordered.map(({ path, methods }) => [path, methods]));
}
