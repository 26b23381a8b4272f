import { getConnectionToken } from '@nestjs/mongoose';
import { Test, type TestingModule } from '@nestjs/testing';
import { type EnvName, RicochetConfigModule } from '@ricochet/config';
import {
  AdvertiserRepository,
  ClickRepository,
  ConversionRepository,
  DeliveryRepository,
  MongoModule,
  OfferRepository,
  PostbackRepository,
  ReportRepository,
  SourceRepository,
} from '@ricochet/persistence';
import type { CommandStartedEvent } from 'mongodb';
import type { Connection } from 'mongoose';
import { testConfig } from '../../support/config';
import { suiteContext } from '../../support/suite';
import { newId, openPersistence, type PersistenceFixture } from './persistence.fixture';
import { startTopologyProxy, type TopologyProxy } from './topology-proxy';

/** Commands that carry application reads and writes (not the driver's own handshakes and session upkeep). */
const DATA_COMMANDS = new Set(['find', 'aggregate', 'count', 'getMore', 'findAndModify', 'insert', 'update']);

/**
 * The app's connection (MongoModule, configured from the environment) reaching the harness MongoDB through
 * a proxy that makes it look like a replica set primary: only then does the driver put `$readPreference`
 * on the wire. Seeding goes straight to the harness MongoDB (writes through the proxy would be retryable
 * writes, which a standalone refuses).
 */
describe('MONGO_ADMIN_READ_PREFERENCE', () => {
  const ctx = suiteContext('read-preference');
  let seed: PersistenceFixture;
  let proxy: TopologyProxy;
  const ids = {
    clickId: `clk_${newId()}`,
    postbackId: '',
    conversionId: '',
    deliveryId: '',
    postbackToken: `tok_${newId()}`,
  };

  beforeAll(async () => {
    seed = await openPersistence(ctx);
    const advertiser = await seed.moduleRef.get(AdvertiserRepository).create({
      name: 'Advertiser',
      postbackToken: ids.postbackToken,
    });
    const offer = await seed.moduleRef.get(OfferRepository).create({
      advertiserId: advertiser.id,
      name: 'Offer',
      url: 'https://offer.example.com/?c={click_id}',
    });
    const source = await seed.moduleRef.get(SourceRepository).create({ name: 'Source' });
    await seed.moduleRef.get(ClickRepository).recordClick({
      clickId: ids.clickId,
      offerId: offer.id,
      sourceId: source.id,
      advertiserId: advertiser.id,
    });
    const postback = await seed.moduleRef.get(PostbackRepository).recordPostback({
      advertiserId: advertiser.id,
      params: { click_id: ids.clickId },
      method: 'GET',
      normalized: { clickId: ids.clickId, status: 'approved', event: 'conversion' },
    });
    ids.postbackId = postback.id;
    const inserted = await seed.moduleRef.get(ConversionRepository).insertIfAbsent({
      clickId: ids.clickId,
      offerId: offer.id,
      sourceId: source.id,
      advertiserId: advertiser.id,
      event: 'conversion',
      status: 'approved',
      revenue: 1_000_000,
      payout: 800_000,
      currency: 'USD',
      postbackId: postback.id,
    });
    const conversion = inserted.created ? inserted.conversion : inserted.existing;
    ids.conversionId = conversion.id;
    const delivery = await seed.moduleRef.get(DeliveryRepository).createIfAbsent({
      conversionId: conversion.id,
      endpointId: newId(),
      sourceId: source.id,
      status: 'approved',
    });
    ids.deliveryId = delivery.created ? delivery.delivery.id : delivery.existing.id;
    const harness = new URL(ctx.mongoUrl);
    proxy = await startTopologyProxy({ host: harness.hostname, port: Number(harness.port) }, 'replica-set');
  });

  afterAll(async () => {
    await proxy?.close();
    await seed?.close();
  });

  /** The app's persistence as the gateway builds it, through the proxy, with these settings. */
  async function openApp(env: Partial<Record<EnvName, string>>): Promise<App> {
    const config = testConfig({ ...ctx, mongoUrl: proxy.rewrite(ctx.mongoUrl) }, env);
    const moduleRef = await Test.createTestingModule({
      imports: [RicochetConfigModule.forRoot({ config }), MongoModule.forRoot()],
    }).compile();
    await moduleRef.init();
    return new App(moduleRef);
  }

  describe('secondaryPreferred', () => {
    let app: App;

    beforeAll(async () => {
      app = await openApp({ MONGO_ADMIN_READ_PREFERENCE: 'secondaryPreferred' });
    });

    afterAll(async () => {
      await app?.close();
    });

    it('reaches MongoDB as a replica set, so read preferences go on the wire', () => {
      expect(app.topologyType()).toBe('ReplicaSetWithPrimary');
    });

    it('sends every admin listing with $readPreference secondaryPreferred', async () => {
      const listings: Array<[string, () => Promise<{ items: unknown[] }>]> = [
        ['advertisers', () => app.get(AdvertiserRepository).list()],
        ['offers', () => app.get(OfferRepository).list()],
        ['sources', () => app.get(SourceRepository).list()],
        ['postbacks', () => app.get(PostbackRepository).list({ clickId: ids.clickId })],
        ['conversions', () => app.get(ConversionRepository).list({ clickId: ids.clickId })],
        ['deliveries', () => app.get(DeliveryRepository).list()],
      ];
      for (const [collection, list] of listings) {
        const { result, commands } = await app.observe(list);

        expect(result.items).toHaveLength(1);
        expect(commands).toEqual([
          expect.objectContaining({
            commandName: 'find',
            command: expect.objectContaining({
              find: collection,
              $readPreference: { mode: 'secondaryPreferred' },
            }),
          }),
        ]);
      }
    });

    it('runs every report aggregation with $readPreference secondaryPreferred', async () => {
      const reports = app.get(ReportRepository);
      const { commands } = await app.observe(async () => {
        await reports.clickTotals('day', {});
        await reports.conversionTotals('offer', {});
        await reports.deliveryTotals('event', {});
        await reports.clickCount({});
        for await (const slice of reports.slices('offer', {})) expect(slice.key).toBeDefined();
      });

      expect(commands.map((event) => event.commandName)).toEqual([
        'aggregate',
        'aggregate',
        'aggregate',
        'aggregate',
        'aggregate',
      ]);
      for (const event of commands) {
        expect(event.command.$readPreference).toEqual({ mode: 'secondaryPreferred' });
      }
    });

    it('keeps attribution and intake reads on the primary (no $readPreference)', async () => {
      const { result, commands } = await app.observe(() =>
        Promise.all([
          app.get(ClickRepository).findByClickId(ids.clickId),
          app.get(PostbackRepository).findById(ids.postbackId),
          app.get(PostbackRepository).findParkedByClickIds([ids.clickId]),
          app.get(ConversionRepository).findById(ids.conversionId),
          app.get(DeliveryRepository).findById(ids.deliveryId),
          app.get(AdvertiserRepository).findByPostbackToken(ids.postbackToken),
        ]),
      );

      expect(result.map((found) => found !== null)).toEqual([true, true, true, true, true, true]);
      expect(commands.length).toBeGreaterThanOrEqual(6);
      for (const event of commands) {
        expect(event.command).not.toHaveProperty('$readPreference');
      }
    });

    it('reads a listing page from the primary when its caller acts on it (fromPrimary)', async () => {
      const { commands } = await app.observe(() =>
        app.get(ConversionRepository).list({ clickId: ids.clickId }, { fromPrimary: true }),
      );

      expect(commands).toHaveLength(1);
      expect(commands[0].command).not.toHaveProperty('$readPreference');
    });
  });

  describe('by default', () => {
    it('reads admin listings and reports from the primary too', async () => {
      const app = await openApp({});
      try {
        const { commands } = await app.observe(async () => {
          await app.get(PostbackRepository).list();
          await app.get(ReportRepository).clickTotals('day', {});
        });

        expect(commands.map((event) => event.commandName)).toEqual(['find', 'aggregate']);
        for (const event of commands) {
          expect(event.command).not.toHaveProperty('$readPreference');
        }
      } finally {
        await app.close();
      }
    });
  });
});

/** The app's module with a recorder on its own MongoDB connection. */
class App {
  private readonly connection: Connection;

  constructor(private readonly moduleRef: TestingModule) {
    this.connection = moduleRef.get<Connection>(getConnectionToken());
  }

  get<T>(type: new (...args: never[]) => T): T {
    return this.moduleRef.get(type);
  }

  topologyType(): string | undefined {
    const client = this.connection.getClient() as unknown as {
      topology?: { description: { type: string } };
    };
    return client.topology?.description.type;
  }

  /** Runs `work` and returns the data commands the app's client sent meanwhile. */
  async observe<T>(work: () => Promise<T>): Promise<{ result: T; commands: CommandStartedEvent[] }> {
    const commands: CommandStartedEvent[] = [];
    const client = this.connection.getClient();
    const listener = (event: CommandStartedEvent) => {
      if (DATA_COMMANDS.has(event.commandName)) commands.push(event);
    };
    client.on('commandStarted', listener);
    try {
      return { result: await work(), commands };
    } finally {
      client.off('commandStarted', listener);
    }
  }

  close(): Promise<void> {
    return this.moduleRef.close();
  }
}
