import type { FastifyInstance } from 'fastify';
import { Transform } from 'node:stream';

/** DESIGN §4.1 limits: URLs 8 KiB everywhere; postback bodies 64 KiB. */
export const URL_LIMIT_BYTES = 8 * 1024;
export const INTAKE_BODY_LIMIT_BYTES = 64 * 1024;
/** The admin API takes up to 1,000 clicks in one registration, so its bodies may be larger. */
export const ADMIN_BODY_LIMIT_BYTES = 2 * 1024 * 1024;

const INTAKE_PREFIX = '/postback';

function bodyTooLarge(): Error {
  // The same code fastify uses for its own body limit, so the ErrorFilter answers both alike.
  return Object.assign(
    new Error(`the body is larger than ${INTAKE_BODY_LIMIT_BYTES} bytes; postbacks are at most 64 KiB`),
    { statusCode: 413, code: 'FST_ERR_CTP_BODY_TOO_LARGE' },
  );
}

/**
 * The global body limit is the admin one; the intake gets its tighter limit here: from Content-Length
 * when the client declares it, and by counting bytes for chunked bodies.
 */
export function registerRequestLimits(instance: FastifyInstance): void {
  instance.addHook('onRequest', async (request, reply) => {
    if (request.raw.url !== undefined && request.raw.url.length > URL_LIMIT_BYTES) {
      await reply.code(414).send({
        statusCode: 414,
        code: 'URI_TOO_LONG',
        message: `the URL is longer than ${URL_LIMIT_BYTES} bytes; send large postbacks as a POST body`,
      });
    }
  });
  instance.addHook('preParsing', async (request, _reply, payload) => {
    if (!request.url.startsWith(INTAKE_PREFIX)) return payload;
    const declared = Number(request.headers['content-length']);
    if (declared > INTAKE_BODY_LIMIT_BYTES) throw bodyTooLarge();
    if (!Number.isNaN(declared)) return payload;
    let seen = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        seen += chunk.length;
        callback(seen > INTAKE_BODY_LIMIT_BYTES ? bodyTooLarge() : null, chunk);
      },
    });
    payload.on('error', (error) => counter.destroy(error));
    return payload.pipe(counter);
  });
}
