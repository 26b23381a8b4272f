import { jsonNumberTexts } from '@ricochet/domain/postback';
import { JsonInputError, parseBoundedJson } from '@ricochet/domain/security';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { parse as parseForm } from 'node:querystring';
import { ADMIN_BODY_LIMIT_BYTES, routeKind } from './request-limits';

/** The request as the parsers leave it: the body bytes as received, for signature checks. */
export type RequestWithRawBody = FastifyRequest & { rawBody?: Buffer };

/** Parameters per form body at most; the intake refuses more than 100 anyway. */
const MAX_FORM_KEYS = 1000;

/**
 * The gateway's own body parsers (Nest's are switched off), so every JSON body is bounded before
 * anything recursive walks it:
 * - JSON on the intake: kept as text; the intake reads it after authentication with the domain's flat
 *   reader (`readJsonParams`), which refuses nesting and turns a repeated key into a repeated parameter;
 * - JSON elsewhere (admin API): nesting over 32 levels, a repeated key or a prototype key → 400
 *   (`JSON_TOO_DEEP`, `DUPLICATE_JSON_KEY`, `FORBIDDEN_JSON_KEY`), malformed → 400 `INVALID_JSON`;
 * - forms: flat by construction (`name=value&…`, repeats as arrays).
 * Both keep the raw bytes on `request.rawBody`. Size limits are enforced before, in `registerRequestLimits`.
 * A parsed JSON number is a double: where a number's exact text matters (a payout of `0.0000001` is
 * `1e-7` once parsed), it is read from the raw body with {@link jsonBodyNumberTexts}.
 */
export function registerBodyParsers(instance: FastifyInstance): void {
  instance.removeContentTypeParser('application/json');
  instance.addContentTypeParser(
    'application/json',
    { parseAs: 'buffer', bodyLimit: ADMIN_BODY_LIMIT_BYTES },
    (request: RequestWithRawBody, body: Buffer, done) => {
      request.rawBody = body;
      const text = body.toString('utf8');
      if (routeKind(request) === 'intake') {
        done(null, text);
        return;
      }
      if (text.trim() === '') {
        done(new JsonInputError('INVALID_JSON', 'the body is empty; send a JSON object'));
        return;
      }
      try {
        done(null, parseBoundedJson(text));
      } catch (error) {
        done(error as Error);
      }
    },
  );
  instance.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'buffer', bodyLimit: ADMIN_BODY_LIMIT_BYTES },
    (request: RequestWithRawBody, body: Buffer, done) => {
      request.rawBody = body;
      done(null, parseForm(body.toString('utf8'), '&', '=', { maxKeys: MAX_FORM_KEYS }));
    },
  );
}

/**
 * The number literals of the JSON body's object at `path`, as the client wrote them (see
 * `jsonNumberTexts`); empty for a body that is not JSON. Reads `request.rawBody`, which the JSON parser
 * above has already bounded and validated.
 */
export function jsonBodyNumberTexts(
  request: RequestWithRawBody,
  path: readonly string[],
): Map<string, string> {
  const type = String(request.headers['content-type'] ?? '')
    .split(';')[0]
    .trim()
    .toLowerCase();
  if (type !== 'application/json' || !Buffer.isBuffer(request.rawBody)) return new Map();
  return jsonNumberTexts(request.rawBody.toString('utf8'), path);
}
