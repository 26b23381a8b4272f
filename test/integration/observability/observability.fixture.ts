import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { EnvName, RicochetConfig } from '@ricochet/config';
import { METRICS_REGISTRY } from '@ricochet/observability';
import type { Registry } from 'prom-client';
import { createGatewayApp } from '../../../apps/gateway/src/gateway.app';
import { createWorkerApp } from '../../../apps/worker/src/worker.app';
import { testConfig } from '../../support/config';
import { type SuiteContext, suiteContext } from '../../support/suite';

export const ADMIN_KEY = 'test-admin-key-0123456789';
export const METRICS_TOKEN = 'metrics-token-0123456789abcdef';

/** One sample of a scrape: `name{labels} value`. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** A parsed Prometheus text exposition. */
export class Scrape {
  constructor(
    readonly text: string,
    readonly samples: Sample[],
  ) {}

  /** Metric families declared (`# TYPE` lines), with their type. */
  families(): Map<string, string> {
    const families = new Map<string, string>();
    for (const match of this.text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) families.set(match[1], match[2]);
    return families;
  }

  /** Samples of `name` whose labels include `labels`. */
  select(name: string, labels: Record<string, string> = {}): Sample[] {
    return this.samples.filter(
      (sample) =>
        sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
    );
  }

  /** The sum of the matching samples; 0 when there is none (a counter never incremented). */
  sum(name: string, labels: Record<string, string> = {}): number {
    return this.select(name, labels).reduce((total, sample) => total + sample.value, 0);
  }

  /** The one matching sample's value; throws when there is not exactly one. */
  value(name: string, labels: Record<string, string> = {}): number {
    const found = this.select(name, labels);
    if (found.length !== 1) {
      throw new Error(`expected one ${name}${JSON.stringify(labels)}, found ${found.length}`);
    }
    return found[0].value;
  }
}

/** Parses the text format prom-client writes (no timestamps; label values with `\\`, `\"`, `\n` escapes). */
export function parseScrape(text: string): Scrape {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`unparsable metrics line: ${line}`);
    const labels: Record<string, string> = {};
    for (const pair of (match[3] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[pair[1]] = pair[2].replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    }
    samples.push({ name: match[1], labels, value: Number(match[4]) });
  }
  return new Scrape(text, samples);
}

/** GETs `/metrics` at `baseUrl` (with the metrics token) and parses it. */
export async function scrape(baseUrl: string): Promise<Scrape> {
  const response = await fetch(`${baseUrl}/metrics`, {
    headers: { authorization: `Bearer ${METRICS_TOKEN}` },
  });
  if (response.status !== 200) throw new Error(`GET ${baseUrl}/metrics answered ${response.status}`);
  return parseScrape(await response.text());
}

export interface Apps {
  ctx: SuiteContext;
  config: RicochetConfig;
  gateway: NestFastifyApplication;
  gatewayUrl: string;
  worker?: NestFastifyApplication;
  workerUrl?: string;
  /**
   * Starts the worker; resolves with its URL and its metrics as they were before it took any job (its
   * consumers start with the app, so a scrape after `listen` may already count work).
   */
  startWorker(): Promise<{ url: string; baseline: Scrape }>;
  close(): Promise<void>;
}

/**
 * A gateway on its own database and queue prefix, with METRICS_TOKEN set so `/metrics` is scraped over
 * HTTP like Prometheus does, and a worker on the same context started on demand.
 */
export async function startApps(
  name: string,
  env: Partial<Record<EnvName, string>> = {},
  options: { patch?: (config: RicochetConfig) => RicochetConfig; ctx?: SuiteContext } = {},
): Promise<Apps> {
  const ctx = options.ctx ?? suiteContext(name);
  const base = testConfig(ctx, { METRICS_TOKEN, ...env });
  const config = options.patch ? options.patch(base) : base;
  const gateway = await createGatewayApp(config, { logger: false });
  await gateway.listen(0, '127.0.0.1');
  const apps: Apps = {
    ctx,
    config,
    gateway,
    gatewayUrl: await gateway.getUrl(),
    startWorker: async () => {
      const worker = await createWorkerApp(config, { logger: false });
      const baseline = parseScrape(await worker.get<Registry>(METRICS_REGISTRY).metrics());
      await worker.listen(0, '127.0.0.1');
      apps.worker = worker;
      apps.workerUrl = await worker.getUrl();
      return { url: apps.workerUrl, baseline };
    },
    close: async () => {
      await apps.worker?.close();
      await gateway.close();
    },
  };
  return apps;
}
