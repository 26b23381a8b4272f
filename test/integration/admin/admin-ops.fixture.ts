import { getConnectionToken } from '@nestjs/mongoose';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { EnvName, RicochetConfig } from '@ricochet/config';
import type { ConversionStatus } from '@ricochet/domain/model';
import {
  ClickRepository,
  type ConversionRecord,
  ConversionRepository,
  DeliveryAttemptRepository,
  type DeliveryRecord,
  DeliveryRepository,
  PostbackRepository,
} from '@ricochet/persistence';
import { bullConnectionOptions, type QueueName } from '@ricochet/queue';
import { Queue } from 'bullmq';
import type { Connection } from 'mongoose';
import { Types } from 'mongoose';
import { createGatewayApp } from '../../../apps/gateway/src/gateway.app';
import { testConfig } from '../../support/config';
import { suiteContext } from '../../support/suite';

export const ADMIN_KEY = 'test-admin-key-0123456789';

export interface ApiResponse {
  status: number;
  /** Parsed JSON; loosely typed because the specs read whatever paths they assert on. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

/** The gateway on the suite's own database and queue prefix, with its repositories and queues at hand. */
export interface AdminOpsFixture {
  app: NestFastifyApplication;
  config: RicochetConfig;
  clicks: ClickRepository;
  postbacks: PostbackRepository;
  conversions: ConversionRepository;
  deliveries: DeliveryRepository;
  attempts: DeliveryAttemptRepository;
  /** Calls the admin API with the test key (or `headers` instead). */
  api(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiResponse>;
  /** A BullMQ queue on the suite's prefix, closed by {@link AdminOpsFixture.close}. */
  queue(name: QueueName): Queue;
  close(): Promise<void>;
}

export async function openAdminOps(
  suite: string,
  env: Partial<Record<EnvName, string>> = {},
): Promise<AdminOpsFixture> {
  const config = testConfig(suiteContext(suite), env);
  const app = await createGatewayApp(config, { logger: false });
  await app.listen(0, '127.0.0.1');
  const url = await app.getUrl();
  const queues = new Map<string, Queue>();
  return {
    app,
    config,
    clicks: app.get(ClickRepository),
    postbacks: app.get(PostbackRepository),
    conversions: app.get(ConversionRepository),
    deliveries: app.get(DeliveryRepository),
    attempts: app.get(DeliveryAttemptRepository),
    api: async (method, path, body, headers = { 'x-api-key': ADMIN_KEY }) => {
      const response = await fetch(`${url}${path}`, {
        method,
        headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: response.status, body: await response.json() };
    },
    queue: (name) => {
      let queue = queues.get(name);
      if (!queue) {
        queue = new Queue(name, {
          connection: bullConnectionOptions(config.redis.url),
          prefix: config.redis.queuePrefix,
        });
        queues.set(name, queue);
      }
      return queue;
    },
    close: async () => {
      await Promise.all(
        [...queues.values()].map(async (queue) => {
          await queue.obliterate({ force: true });
          await queue.close();
        }),
      );
      await app.get<Connection>(getConnectionToken()).dropDatabase();
      await app.close();
    },
  };
}

export function newId(): string {
  return new Types.ObjectId().toHexString();
}

/** Ids of one advertiser → offer → source chain, as the config API would have created them. */
export interface Chain {
  advertiserId: string;
  offerId: string;
  sourceId: string;
}

export function newChain(overrides: Partial<Chain> = {}): Chain {
  return { advertiserId: newId(), offerId: newId(), sourceId: newId(), ...overrides };
}

export async function createConversion(
  fixture: AdminOpsFixture,
  chain: Chain,
  fields: {
    clickId: string;
    status?: ConversionStatus;
    event?: string;
    revenue?: number;
    payout?: number;
    txid?: string;
    postbackId?: string;
  },
): Promise<ConversionRecord> {
  const result = await fixture.conversions.insertIfAbsent({
    ...chain,
    clickId: fields.clickId,
    event: fields.event ?? 'conversion',
    status: fields.status ?? 'approved',
    revenue: fields.revenue ?? 12_500_000,
    payout: fields.payout ?? 10_000_000,
    currency: 'USD',
    ...(fields.txid !== undefined ? { txid: fields.txid } : {}),
    ...(fields.postbackId !== undefined ? { postbackId: fields.postbackId } : {}),
  });
  if (!result.created) throw new Error(`conversion for ${fields.clickId} already existed`);
  return result.conversion;
}

export async function createDelivery(
  fixture: AdminOpsFixture,
  conversion: ConversionRecord,
  state: DeliveryRecord['state'] = 'pending',
  endpointId = newId(),
): Promise<DeliveryRecord> {
  const result = await fixture.deliveries.createIfAbsent({
    conversionId: conversion.id,
    endpointId,
    sourceId: conversion.sourceId,
    status: conversion.status,
  });
  if (!result.created) throw new Error('delivery already existed');
  const id = result.delivery.id;
  const settled =
    state === 'delivered'
      ? await fixture.deliveries.markDelivered(id, { statusCode: 200 })
      : state === 'dead'
        ? await fixture.deliveries.markDead(id, { statusCode: 400, lastError: 'HTTP 400 from the endpoint' })
        : state === 'failed'
          ? await fixture.deliveries.markFailed(id, {
              statusCode: 503,
              lastError: 'HTTP 503 from the endpoint',
              nextAttemptAt: new Date(Date.now() + 60_000),
            })
          : result.delivery;
  if (!settled) throw new Error(`delivery ${id} vanished`);
  return settled;
}
