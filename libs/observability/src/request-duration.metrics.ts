import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Histogram, type Registry } from 'prom-client';
import { METRICS_REGISTRY } from './metrics.controller';

/**
 * The routes timed, by the route fastify matched (its pattern, never the URL): the public intake. Other
 * routes (admin, health, docs) and unmatched requests are not timed.
 */
export const TIMED_ROUTES: Readonly<Record<string, string>> = {
  '/postback': 'postback',
  '/postback/:token': 'postback',
  '/click': 'click',
};

/**
 * `ricochet_http_request_duration_seconds{route,status_code}`: from the request's arrival to the end of
 * the response, for `/postback` and `/click` — refusals before routing (414, 405, 413) and 503s
 * included. A fastify `onResponse` hook, so nothing on the request path waits for it.
 */
@Injectable()
export class RequestDurationMetrics implements OnModuleInit {
  private readonly duration: Histogram<'route' | 'status_code'>;

  constructor(
    @Inject(METRICS_REGISTRY) registry: Registry,
    private readonly adapterHost: HttpAdapterHost,
  ) {
    this.duration = new Histogram({
      name: 'ricochet_http_request_duration_seconds',
      help: 'Duration of postback and click requests, by route (postback, click) and HTTP status code',
      labelNames: ['route', 'status_code'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
  }

  onModuleInit(): void {
    const adapter = this.adapterHost.httpAdapter as { getType?(): string } | undefined;
    if (adapter?.getType?.() !== 'fastify') return;
    const instance = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    instance.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
      this.observe(request, reply);
      done();
    });
  }

  private observe(request: FastifyRequest, reply: FastifyReply): void {
    const pattern = request.routeOptions.url;
    const route = pattern === undefined ? undefined : TIMED_ROUTES[pattern];
    if (route === undefined) return;
    this.duration.observe({ route, status_code: String(reply.statusCode) }, reply.elapsedTime / 1000);
  }
}
