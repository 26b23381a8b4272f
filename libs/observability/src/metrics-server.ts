import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { InjectConfig, type RicochetConfig } from '@ricochet/config';
import { createHash, timingSafeEqual } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { METRICS_REGISTRY } from './metrics.controller';

const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/**
 * `GET /metrics` on a port of its own (METRICS_PORT), for a scraper on a private network while the
 * gateway's public port keeps it closed. When METRICS_TOKEN is set, this port asks for it too
 * (`Authorization: Bearer`). Anything but `GET /metrics` is 404. Plain node:http: no admin routes, no
 * body parsing, nothing else reachable.
 */
export class MetricsServer {
  private server?: Server;
  private readonly token?: Buffer;

  constructor(
    private readonly registry: Registry,
    token = '',
  ) {
    this.token = token === '' ? undefined : digest(token);
  }

  /** @returns the port bound (useful with port 0). */
  async start(port: number, host: string): Promise<number> {
    const server = createServer((request, response) => void this.handle(request, response));
    server.requestTimeout = 10_000;
    server.headersTimeout = 5_000;
    server.listen(port, host);
    await once(server, 'listening');
    this.server = server;
    return (server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? '').split('?')[0];
    if (request.method !== 'GET' || path !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    if (this.token && !this.authorised(request)) {
      response.writeHead(401, { 'www-authenticate': 'Bearer realm="metrics"' }).end('unauthorized');
      return;
    }
    try {
      const body = await this.registry.metrics();
      response.writeHead(200, { 'content-type': CONTENT_TYPE }).end(body);
    } catch {
      response.writeHead(500, { 'content-type': 'text/plain' }).end('metrics failed');
    }
  }

  private authorised(request: IncomingMessage): boolean {
    const header = request.headers.authorization ?? '';
    const presented = /^bearer /i.test(header) ? header.slice(7).trim() : '';
    return this.token !== undefined && timingSafeEqual(digest(presented), this.token);
  }
}

/**
 * Starts a {@link MetricsServer} on METRICS_PORT with the app (0 = none) and stops it with the app.
 * Provide it in an app whose `/metrics` is not public (the gateway, the one-process mode).
 */
@Injectable()
export class MetricsPortServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Metrics');
  private readonly server: MetricsServer;
  /** The bound port once started (METRICS_PORT, or the one the OS chose for 0 in tests). */
  port?: number;

  constructor(
    @InjectConfig() private readonly config: RicochetConfig,
    @Inject(METRICS_REGISTRY) registry: Registry,
  ) {
    this.server = new MetricsServer(registry, config.metrics.token);
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.metrics.port === 0) return;
    this.port = await this.server.start(this.config.metrics.port, this.config.gateway.host);
    this.logger.log(`metrics on http://${this.config.gateway.host}:${this.port}/metrics`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.server.stop();
  }
}
