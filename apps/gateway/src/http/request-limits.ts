import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Transform } from 'node:stream';
import { type AdminKeys, UNAUTHORIZED_BODY } from './api-key.guard';

/** Intake limits: URLs 8 KiB everywhere; postback bodies 64 KiB. */
export const URL_LIMIT_BYTES = 8 * 1024;
export const INTAKE_BODY_LIMIT_BYTES = 64 * 1024;
/** The admin API takes up to 1,000 clicks in one registration, so its bodies may be larger. */
export const ADMIN_BODY_LIMIT_BYTES = 2 * 1024 * 1024;

/** What a route is, judged by the route fastify matched (after it decoded the path), never by the raw URL. */
export type RouteKind = 'intake' | 'click' | 'admin' | 'other';

/**
 * The kind of the matched route. `routeOptions.url` is the route pattern (`/postback/:token`), so
 * `/%70ostback/<token>` or `/postback/../api/x` are judged by the route they reach. Unmatched requests
 * (404) are `other`.
 */
export function routeKind(request: FastifyRequest): RouteKind {
  const pattern = request.routeOptions.url;
  if (pattern === undefined) return 'other';
  if (pattern === '/postback' || pattern.startsWith('/postback/')) return 'intake';
  if (pattern === '/click') return 'click';
  if (pattern.startsWith('/api/')) return 'admin';
  return 'other';
}

/** Routes that store what they receive: a HEAD there would store without the client reading anything. */
const ALLOW_BY_KIND: Partial<Record<RouteKind, string>> = { intake: 'GET, POST', click: 'GET' };

function bodyTooLarge(limit: number): Error {
  // The same code fastify uses for its own body limit, so the ErrorFilter answers both alike.
  return Object.assign(new Error(`the body is larger than ${limit} bytes`), {
    statusCode: 413,
    code: 'FST_ERR_CTP_BODY_TOO_LARGE',
  });
}

function bodyLimitOf(kind: RouteKind): number {
  return kind === 'admin' ? ADMIN_BODY_LIMIT_BYTES : INTAKE_BODY_LIMIT_BYTES;
}

/**
 * Limits applied before a body is read, per matched route:
 * - a URL over 8 KiB → 414 (any route);
 * - `HEAD` on the intake or `/click` → 405 with `Allow`: those routes store what they receive, and a
 *   HEAD (a link checker, a monitor) must never create a postback or a click;
 * - admin routes: the API key is checked here, so an anonymous client never gets a 2 MiB body parsed
 *   (the controllers' guard checks it again);
 * - bodies: 2 MiB on admin routes, 64 KiB everywhere else — from Content-Length when declared, by
 *   counting bytes for chunked bodies.
 */
export function registerRequestLimits(instance: FastifyInstance, adminKeys: AdminKeys): void {
  instance.addHook('onRequest', async (request, reply) => {
    if (request.raw.url !== undefined && request.raw.url.length > URL_LIMIT_BYTES) {
      await refuse(reply, 414, {
        code: 'URI_TOO_LONG',
        message: `the URL is longer than ${URL_LIMIT_BYTES} bytes; send large postbacks as a POST body`,
      });
      return;
    }
    const kind = routeKind(request);
    const allow = ALLOW_BY_KIND[kind];
    if (request.method === 'HEAD' && allow !== undefined) {
      void reply.header('Allow', allow);
      await refuse(reply, 405, {
        code: 'METHOD_NOT_ALLOWED',
        message: `HEAD is not allowed here: this route stores what it receives; use ${allow}`,
      });
      return;
    }
    if (kind === 'admin' && !adminKeys.accepts(request.headers)) {
      await refuse(reply, 401, UNAUTHORIZED_BODY);
    }
  });
  instance.addHook('preParsing', async (request, _reply, payload) => {
    const limit = bodyLimitOf(routeKind(request));
    const declared = Number(request.headers['content-length']);
    if (declared > limit) throw bodyTooLarge(limit);
    if (!Number.isNaN(declared)) return payload;
    let seen = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        seen += chunk.length;
        callback(seen > limit ? bodyTooLarge(limit) : null, chunk);
      },
    });
    payload.on('error', (error) => counter.destroy(error));
    return payload.pipe(counter);
  });
}

async function refuse(
  reply: FastifyReply,
  statusCode: number,
  body: { code: string; message: string },
): Promise<void> {
  await reply.code(statusCode).send({ statusCode, code: body.code, message: body.message });
}
