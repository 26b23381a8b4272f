import type { FastifyInstance } from 'fastify';
import { timingSafeEqual } from 'node:crypto';
import { digest } from './api-key.guard';

/** Where `/metrics` is served: the route Nest registers from the observability module. */
const METRICS_ROUTE = '/metrics';

/**
 * `/metrics` on the gateway's public port ("not open to the public"). Business counts
 * (postbacks, tokens refused) are nobody's business but the operator's, so:
 * - no METRICS_TOKEN → the route answers 404 here (scrape it on METRICS_PORT instead);
 * - METRICS_TOKEN set → served to `Authorization: Bearer <METRICS_TOKEN>` only (401 otherwise).
 */
export function registerMetricsAccess(instance: FastifyInstance, token: string): void {
  const expected = token === '' ? undefined : digest(token);
  instance.addHook('onRequest', async (request, reply) => {
    if (request.routeOptions.url !== METRICS_ROUTE) return;
    if (expected === undefined) {
      await reply.code(404).send({
        statusCode: 404,
        code: 'NOT_FOUND',
        message: `Cannot ${request.method} ${METRICS_ROUTE}`,
      });
      return;
    }
    const authorization = request.headers.authorization;
    const presented =
      typeof authorization === 'string' && /^bearer /i.test(authorization)
        ? authorization.slice(7).trim()
        : '';
    if (!timingSafeEqual(digest(presented), expected)) {
      await reply.code(401).header('WWW-Authenticate', 'Bearer realm="metrics"').send({
        statusCode: 401,
        code: 'UNAUTHORIZED',
        message: 'metrics need Authorization: Bearer <METRICS_TOKEN>',
      });
    }
  });
}
