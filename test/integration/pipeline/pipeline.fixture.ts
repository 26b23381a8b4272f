import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { RicochetConfig } from '@ricochet/config';
import {
  AdvertiserRepository,
  type AdvertiserRecord,
  ClickRepository,
  ConversionRepository,
  DeliveryRepository,
  type NewAdvertiser,
  type NewOffer,
  OfferRepository,
  type OfferRecord,
  PostbackRepository,
  type PostbackRecord,
  SourceRepository,
  type SourceRecord,
} from '@ricochet/persistence';
import { randomBytes } from 'node:crypto';
import { createGatewayApp } from '../../../apps/gateway/src/gateway.app';
import { createWorkerApp } from '../../../apps/worker/src/worker.app';
import { eventually, testConfig } from '../../support/config';
import { startReceiver, type Receiver } from '../../support/receiver';
import { suiteContext } from '../../support/suite';

export const ADMIN_KEY = 'test-admin-key-0123456789';

/** Gateway + worker on one suite context, a recording receiver, and the repositories to seed and inspect. */
export interface Pipeline {
  config: RicochetConfig;
  gateway: NestFastifyApplication;
  worker?: NestFastifyApplication;
  receiver: Receiver;
  baseUrl: string;
  repos: {
    advertisers: AdvertiserRepository;
    offers: OfferRepository;
    sources: SourceRepository;
    clicks: ClickRepository;
    postbacks: PostbackRepository;
    conversions: ConversionRepository;
    deliveries: DeliveryRepository;
  };
  close(): Promise<void>;
}

export async function startPipeline(name: string, options: { worker?: boolean } = {}): Promise<Pipeline> {
  const config = testConfig(suiteContext(name));
  const receiver = await startReceiver();
  const gateway = await createGatewayApp(config, { logger: false });
  await gateway.listen(0, '127.0.0.1');
  const worker = options.worker === false ? undefined : await createWorkerApp(config, { logger: false });
  await worker?.listen(0, '127.0.0.1');
  const get = <T>(type: new (...args: never[]) => T): T => gateway.get(type);
  return {
    config,
    gateway,
    worker,
    receiver,
    baseUrl: await gateway.getUrl(),
    repos: {
      advertisers: get(AdvertiserRepository),
      offers: get(OfferRepository),
      sources: get(SourceRepository),
      clicks: get(ClickRepository),
      postbacks: get(PostbackRepository),
      conversions: get(ConversionRepository),
      deliveries: get(DeliveryRepository),
    },
    close: async () => {
      await worker?.close();
      await gateway.close();
      await receiver.stop();
    },
  };
}

export interface Campaign {
  advertiser: AdvertiserRecord;
  offer: OfferRecord;
  source: SourceRecord;
}

/** An advertiser, its offer and a source with one endpoint pointing at the receiver. */
export async function seedCampaign(
  p: Pipeline,
  overrides: {
    advertiser?: Partial<NewAdvertiser>;
    offer?: Partial<NewOffer>;
    statuses?: ('pending' | 'approved' | 'rejected')[];
  } = {},
): Promise<Campaign> {
  const advertiser = await p.repos.advertisers.create({
    name: 'Adv',
    postbackToken: randomBytes(16).toString('base64url'),
    ...overrides.advertiser,
  });
  const offer = await p.repos.offers.create({
    advertiserId: advertiser.id,
    name: 'Offer',
    url: 'https://lander.example/go?cid={click_id}&s1={sub1}&ext={ext_click_id}',
    ...overrides.offer,
  });
  const source = await p.repos.sources.create({
    name: 'Source',
    endpoints: [
      {
        url: `${p.receiver.url}/pb?click={ext_click_id}&status={status}&payout={payout}`,
        statuses: overrides.statuses ?? ['approved'],
      },
    ],
  });
  return { advertiser, offer, source };
}

/** Registers a click through GET /click and returns its minted id. */
export async function click(p: Pipeline, c: Campaign, extra = ''): Promise<string> {
  const response = await fetch(
    `${p.baseUrl}/click?offer_id=${c.offer.id}&source_id=${c.source.id}&ext_click_id=ext1${extra}`,
    { redirect: 'manual' },
  );
  expect(response.status).toBe(302);
  return new URL(response.headers.get('location') ?? '').searchParams.get('cid') ?? '';
}

/** Sends a GET postback with the advertiser's token in the path. */
export async function postback(p: Pipeline, c: Campaign, query: string): Promise<Response> {
  return fetch(`${p.baseUrl}/postback/${c.advertiser.postbackToken}?${query}`);
}

/** Waits until the postback has left `accepted` and returns it. */
export async function settled(p: Pipeline, postbackId: string, timeoutMs = 10_000): Promise<PostbackRecord> {
  let record: PostbackRecord | null = null;
  await eventually(
    `postback ${postbackId} settled`,
    async () => {
      record = await p.repos.postbacks.findById(postbackId);
      return record !== null && record.outcome !== 'accepted';
    },
    { timeoutMs },
  );
  return record as unknown as PostbackRecord;
}

/** Sends a postback, expects 200 and waits for its attribution outcome. */
export async function attributed(p: Pipeline, c: Campaign, query: string): Promise<PostbackRecord> {
  const response = await postback(p, c, query);
  expect(response.status).toBe(200);
  const body = (await response.json()) as { postbackId: string };
  return settled(p, body.postbackId);
}
