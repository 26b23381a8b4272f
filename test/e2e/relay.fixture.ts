import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { EnvName, RicochetConfig } from '@ricochet/config';
import { createGatewayApp } from '../../apps/gateway/src/gateway.app';
import { createWorkerApp } from '../../apps/worker/src/worker.app';
import { eventually, testConfig } from '../support/config';
import { type RecordedRequest, type Receiver, startReceiver } from '../support/receiver';
import { suiteContext } from '../support/suite';

export const ADMIN_KEY = 'test-admin-key-0123456789';

export interface HttpResult<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

export type PostbackMethod = 'GET' | 'form' | 'json';

export interface Campaign {
  advertiserId: string;
  token: string;
  offerId: string;
  sourceId: string;
  endpointIds: string[];
}

/**
 * The whole product over HTTP: a gateway and a worker (two apps, as deployed) on one suite's database
 * and queue prefix, a recording receiver standing in for traffic sources, and helpers that only use
 * the public HTTP API — clicks, postbacks and the admin API.
 */
export class Relay {
  private workerApp?: NestFastifyApplication;

  private constructor(
    readonly config: RicochetConfig,
    readonly gateway: NestFastifyApplication,
    readonly receiver: Receiver,
    readonly base: string,
  ) {}

  /** Gateway and worker; `{ worker: false }` leaves the worker to {@link startWorker}. */
  static async start(
    name: string,
    env: Partial<Record<EnvName, string>> = {},
    options: { worker?: boolean } = {},
  ): Promise<Relay> {
    const config = testConfig(suiteContext(name), { RETRY_SCHEDULE: '300ms,300ms,300ms', ...env });
    const receiver = await startReceiver();
    const gateway = await createGatewayApp(config, { logger: false });
    await gateway.listen(0, '127.0.0.1');
    const relay = new Relay(config, gateway, receiver, await gateway.getUrl());
    if (options.worker !== false) await relay.startWorker();
    return relay;
  }

  get worker(): NestFastifyApplication {
    if (!this.workerApp) throw new Error('the worker is not started');
    return this.workerApp;
  }

  async startWorker(): Promise<void> {
    this.workerApp = await createWorkerApp(this.config, { logger: false });
    await this.workerApp.listen(0, '127.0.0.1');
  }

  async close(): Promise<void> {
    await this.workerApp?.close();
    await this.gateway.close();
    await this.receiver.stop();
  }

  async http<T = Record<string, unknown>>(
    method: string,
    path: string,
    options: { body?: string | ReadableStream; headers?: Record<string, string>; admin?: boolean } = {},
  ): Promise<HttpResult<T>> {
    const headers = { ...(options.admin ? { 'x-api-key': ADMIN_KEY } : {}), ...options.headers };
    // Streamed bodies (chunked transfer) need half-duplex mode in Node's fetch.
    const init: RequestInit & { duplex?: 'half' } = {
      method,
      headers,
      body: options.body,
      redirect: 'manual',
    };
    if (typeof options.body === 'object') init.duplex = 'half';
    const response = await fetch(`${this.base}${path}`, init);
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, body: body as T, headers: response.headers };
  }

  /** An admin call that must succeed. */
  async admin<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T> {
    const result = await this.http<T>(method, path, {
      admin: true,
      body: body === undefined ? undefined : JSON.stringify(body),
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
    });
    if (result.status >= 300)
      throw new Error(`${method} ${path} → ${result.status} ${JSON.stringify(result.body)}`);
    return result.body;
  }

  async campaign(options: {
    advertiser?: Record<string, unknown>;
    offer?: Record<string, unknown>;
    endpoints: Record<string, unknown>[];
  }): Promise<Campaign> {
    const advertiser = await this.admin<{ id: string; postbackToken: string }>('POST', '/api/advertisers', {
      name: 'Advertiser',
      ...options.advertiser,
    });
    const offer = await this.admin<{ id: string }>('POST', '/api/offers', {
      advertiserId: advertiser.id,
      name: 'Offer',
      url: 'https://offer.example.com/lp?click_id={click_id}&s1={sub1}',
      ...options.offer,
    });
    const source = await this.admin<{ id: string; endpoints: { id: string }[] }>('POST', '/api/sources', {
      name: 'Source',
      endpoints: options.endpoints,
    });
    return {
      advertiserId: advertiser.id,
      token: advertiser.postbackToken,
      offerId: offer.id,
      sourceId: source.id,
      endpointIds: source.endpoints.map((e) => e.id),
    };
  }

  /** A click through GET /click; returns the minted click id and the redirect. */
  async click(
    campaign: Campaign,
    params: Record<string, string> = {},
  ): Promise<{ clickId: string; location: URL }> {
    const query = new URLSearchParams({
      offer_id: campaign.offerId,
      source_id: campaign.sourceId,
      ...params,
    });
    const result = await this.http('GET', `/click?${query.toString()}`);
    if (result.status !== 302) throw new Error(`click → ${result.status} ${JSON.stringify(result.body)}`);
    const location = new URL(result.headers.get('location') ?? '');
    return { clickId: location.searchParams.get('click_id') ?? '', location };
  }

  postback(
    token: string,
    params: Record<string, string>,
    method: PostbackMethod = 'GET',
  ): Promise<HttpResult> {
    if (method === 'GET')
      return this.http('GET', `/postback/${token}?${new URLSearchParams(params).toString()}`);
    if (method === 'form') {
      return this.http('POST', `/postback/${token}`, {
        body: new URLSearchParams(params).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
    }
    return this.http('POST', `/postback/${token}`, {
      body: JSON.stringify(params),
      headers: { 'content-type': 'application/json' },
    });
  }

  /** Waits for the receiver to have got a request matching `match`. */
  async forwarded(
    match: (request: RecordedRequest) => boolean,
    timeoutMs = 15_000,
  ): Promise<RecordedRequest> {
    let found: RecordedRequest | undefined;
    await eventually(
      'a forwarded request',
      () => Promise.resolve((found = this.receiver.requests.find(match)) !== undefined),
      { timeoutMs, intervalMs: 25 },
    );
    return found!;
  }

  /** Query parameters of a recorded request, decoded. */
  static query(request: RecordedRequest): URLSearchParams {
    return new URL(request.path, 'http://receiver').searchParams;
  }

  async deliveriesOf(conversionId: string): Promise<Array<{ id: string; state: string; attempts: number }>> {
    const page = await this.admin<{ items: Array<{ id: string; state: string; attempts: number }> }>(
      'GET',
      `/api/deliveries?conversionId=${conversionId}`,
    );
    return page.items;
  }

  async conversionsOfClick(clickId: string): Promise<Array<Record<string, unknown>>> {
    const trace = await this.admin<{ entries: Array<{ kind: string; data: Record<string, unknown> }> }>(
      'GET',
      `/api/clicks/${clickId}/trace`,
    );
    return trace.entries.filter((e) => e.kind === 'conversion').map((e) => e.data);
  }

  async waitForPostbackOutcome(postbackId: string, outcome: string): Promise<Record<string, unknown>> {
    let last: Record<string, unknown> = {};
    await eventually(`postback ${postbackId} ${outcome}`, async () => {
      last = await this.admin('GET', `/api/postbacks/${postbackId}`);
      return last.outcome === outcome;
    });
    return last;
  }
}
