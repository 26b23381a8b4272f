import { getConnectionToken } from '@nestjs/mongoose';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { EnvName, RicochetConfig } from '@ricochet/config';
import type { ConversionStatus, DeliveryState } from '@ricochet/domain/model';
import {
  ClickRepository,
  type ClickRecord,
  type ConversionRecord,
  ConversionRepository,
  DeliveryAttemptRepository,
  type DeliveryRecord,
  DeliveryRepository,
  type EndpointInput,
  type NewClick,
  PostbackRepository,
  SourceRepository,
} from '@ricochet/persistence';
import { DeliveryProducer, QUEUES, QueueSet } from '@ricochet/queue';
import type { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { Connection } from 'mongoose';
import { randomBytes } from 'node:crypto';
import { Types } from 'mongoose';
import { createWorkerApp } from '../../../apps/worker/src/worker.app';
import { eventually, testConfig } from '../../support/config';
import { suiteContext, type SuiteContext } from '../../support/suite';

/** A running worker app on the suite's own database and queue prefix, with the repositories tests seed through. */
export interface WorkerHarness {
  app: NestFastifyApplication;
  ctx: SuiteContext;
  config: RicochetConfig;
  sources: SourceRepository;
  clicks: ClickRepository;
  conversions: ConversionRepository;
  postbacks: PostbackRepository;
  deliveries: DeliveryRepository;
  attempts: DeliveryAttemptRepository;
  producer: DeliveryProducer;
  queue(name: 'delivery' | 'delivery-retry'): Queue;
  /** Drops the suite's database and Redis keys, then closes the app. */
  close(): Promise<void>;
}

export async function startWorker(
  name: string,
  env: Partial<Record<EnvName, string>> = {},
): Promise<WorkerHarness> {
  const ctx = suiteContext(name);
  const config = testConfig(ctx, env);
  const app = await createWorkerApp(config, { logger: false });
  await app.init();
  return {
    app,
    ctx,
    config,
    sources: app.get(SourceRepository),
    clicks: app.get(ClickRepository),
    conversions: app.get(ConversionRepository),
    postbacks: app.get(PostbackRepository),
    deliveries: app.get(DeliveryRepository),
    attempts: app.get(DeliveryAttemptRepository),
    producer: app.get(DeliveryProducer),
    queue: (queueName) =>
      app.get(QueueSet).partitionsOf(queueName === 'delivery' ? QUEUES.delivery : QUEUES.deliveryRetry)[0],
    close: async () => {
      await app.get<Connection>(getConnectionToken()).dropDatabase();
      await app.close();
      await deleteKeys(ctx.redisUrl, config.redis.queuePrefix);
    },
  };
}

/** Deletes every Redis key under the suite's prefix (queues, breaker and rate-limit state). */
export async function deleteKeys(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

export interface SeedOptions {
  endpoint: EndpointInput;
  click?: Partial<NewClick>;
  /** Source payout and revenue in micros (default 12.50 and 20.00). */
  payout?: number;
  revenue?: number;
  status?: ConversionStatus;
  event?: string;
  txid?: string;
  /** Parameters of the postback behind the conversion (for `{postback.NAME}`). */
  postbackParams?: Record<string, string>;
  /** Default: now. */
  nextAttemptAt?: Date;
}

export interface Seeded {
  delivery: DeliveryRecord;
  endpointId: string;
  sourceId: string;
  conversion: ConversionRecord;
  click: ClickRecord;
}

/**
 * One source with one endpoint, a click, a conversion and its pending delivery, written straight
 * through the repositories (no intake or attribution involved). Nothing is enqueued.
 */
export async function seedDelivery(h: WorkerHarness, options: SeedOptions): Promise<Seeded> {
  const source = await h.sources.create({
    name: `source ${randomBytes(3).toString('hex')}`,
    endpoints: [options.endpoint],
  });
  const endpointId = source.endpoints[0].id;
  const advertiserId = new Types.ObjectId().toHexString();
  const offerId = new Types.ObjectId().toHexString();
  const click = await h.clicks.recordClick({
    clickId: `c${randomBytes(12).toString('hex')}`,
    offerId,
    sourceId: source.id,
    advertiserId,
    ...options.click,
  });
  const status = options.status ?? 'approved';
  const postback = options.postbackParams
    ? await h.postbacks.recordPostback({ advertiserId, params: options.postbackParams, method: 'GET' })
    : undefined;
  const inserted = await h.conversions.insertIfAbsent({
    clickId: click.clickId,
    offerId,
    sourceId: source.id,
    advertiserId,
    event: options.event ?? 'conversion',
    txid: options.txid,
    status,
    revenue: options.revenue ?? 20_000_000,
    payout: options.payout ?? 12_500_000,
    currency: 'USD',
    postbackId: postback?.id,
  });
  if (!inserted.created) throw new Error('seed conversion collided');
  const created = await h.deliveries.createIfAbsent({
    conversionId: inserted.conversion.id,
    endpointId,
    sourceId: source.id,
    status,
    nextAttemptAt: options.nextAttemptAt,
  });
  if (!created.created) throw new Error('seed delivery collided');
  return {
    delivery: created.delivery,
    endpointId,
    sourceId: source.id,
    conversion: inserted.conversion,
    click,
  };
}

/** {@link seedDelivery}, then enqueue its first attempt. */
export async function seedAndEnqueue(h: WorkerHarness, options: SeedOptions): Promise<Seeded> {
  const seeded = await seedDelivery(h, options);
  await h.producer.enqueue(seeded.delivery.id, 'first');
  return seeded;
}

/** Resolves with the delivery once it is in `state`. */
export async function waitForState(
  h: WorkerHarness,
  id: string,
  state: DeliveryState,
  timeoutMs = 10_000,
): Promise<DeliveryRecord> {
  let last: DeliveryRecord | null = null;
  await eventually(
    `delivery ${id} ${state}`,
    async () => {
      last = await h.deliveries.findById(id);
      return last?.state === state;
    },
    { timeoutMs, intervalMs: 50 },
  );
  return last as unknown as DeliveryRecord;
}
