import { Injectable, Module } from '@nestjs/common';
import { getConnectionToken, MongooseModule } from '@nestjs/mongoose';
import { Test } from '@nestjs/testing';
import { ClickRepository, PersistenceIndexesService, PersistenceModule } from '@ricochet/persistence';
import { Connection } from 'mongoose';
import { suiteContext } from '../../support/suite';
import { newId, openPersistence, PersistenceFixture } from './persistence.fixture';

const DAY = 24 * 60 * 60;

interface IndexInfo {
  key: Record<string, number>;
  unique?: boolean;
  expireAfterSeconds?: number;
}

async function indexes(connection: Connection, collection: string): Promise<IndexInfo[]> {
  return (await connection.collection(collection).indexes()) as IndexInfo[];
}

async function ttlOf(connection: Connection, collection: string, field: string): Promise<number | undefined> {
  const index = (await indexes(connection, collection)).find(
    (candidate) => Object.keys(candidate.key).join() === field,
  );
  return index?.expireAfterSeconds;
}

async function uniqueFields(connection: Connection, collection: string): Promise<string[]> {
  return (await indexes(connection, collection))
    .filter((index) => index.unique)
    .map((index) => Object.keys(index.key).join());
}

describe('PersistenceModule', () => {
  describe('with default retention', () => {
    const ctx = suiteContext('persistence-module-defaults');
    let fixture: PersistenceFixture;

    beforeAll(async () => {
      fixture = await openPersistence(ctx);
    });

    afterAll(async () => {
      await fixture?.close();
    });

    it('keeps clicks 90 days, postbacks 180 days and attempts 30 days', async () => {
      expect(await ttlOf(fixture.connection, 'clicks', 'createdAt')).toBe(90 * DAY);
      expect(await ttlOf(fixture.connection, 'postbacks', 'receivedAt')).toBe(180 * DAY);
      expect(await ttlOf(fixture.connection, 'delivery_attempts', 'startedAt')).toBe(30 * DAY);
    });

    it('builds the unique indexes that make dedup race-free', async () => {
      expect(await uniqueFields(fixture.connection, 'clicks')).toEqual(['clickId']);
      expect(await uniqueFields(fixture.connection, 'conversions')).toEqual(['dedupKey']);
      expect(await uniqueFields(fixture.connection, 'deliveries')).toEqual(['idempotencyKey']);
      expect(await uniqueFields(fixture.connection, 'advertisers')).toEqual(['postbackToken']);
    });

    it('builds the sweeper and lookup indexes', async () => {
      const keys = async (collection: string) =>
        (await indexes(fixture.connection, collection)).map((index) => Object.keys(index.key).join());

      expect(await keys('postbacks')).toEqual(
        expect.arrayContaining(['advertiserId,receivedAt', 'outcome,nextAttemptAt', 'normalized.clickId']),
      );
      expect(await keys('deliveries')).toEqual(
        expect.arrayContaining(['state,nextAttemptAt', 'conversionId', 'endpointId,state', 'createdAt']),
      );
      expect(await keys('delivery_attempts')).toEqual(expect.arrayContaining(['deliveryId,attemptNo']));
      expect(await keys('offers')).toEqual(expect.arrayContaining(['advertiserId']));
    });

    it('can ensure indexes again without changing anything', async () => {
      const before = await indexes(fixture.connection, 'clicks');

      await fixture.moduleRef.get(PersistenceIndexesService).ensureIndexes();

      expect(await indexes(fixture.connection, 'clicks')).toEqual(before);
    });
  });

  describe('with configured retention', () => {
    const ctx = suiteContext('persistence-module-retention');

    @Injectable()
    class RetentionConfig {
      readonly retention = { clicksDays: 7, postbacksDays: 0, attemptsDays: 3 };
    }

    @Module({ providers: [RetentionConfig], exports: [RetentionConfig] })
    class RetentionConfigModule {}

    async function open(retention: { clicksDays: number }) {
      const moduleRef = await Test.createTestingModule({
        imports: [
          MongooseModule.forRoot(ctx.mongoUrl, { retryAttempts: 1 }),
          PersistenceModule.forRootAsync({
            imports: [RetentionConfigModule],
            inject: [RetentionConfig],
            useFactory: (config: RetentionConfig) => ({ retention: { ...config.retention, ...retention } }),
          }),
        ],
      }).compile();
      await moduleRef.get(PersistenceIndexesService).ensureIndexes();
      return { moduleRef, connection: moduleRef.get<Connection>(getConnectionToken()) };
    }

    it('builds TTL indexes from the injected config, 0 keeping documents forever', async () => {
      const { moduleRef, connection } = await open({ clicksDays: 7 });
      try {
        expect(await ttlOf(connection, 'clicks', 'createdAt')).toBe(7 * DAY);
        expect(await ttlOf(connection, 'postbacks', 'receivedAt')).toBeUndefined();
        expect(await ttlOf(connection, 'delivery_attempts', 'startedAt')).toBe(3 * DAY);
        expect(moduleRef.get(ClickRepository)).toBeInstanceOf(ClickRepository);
      } finally {
        await moduleRef.close();
      }
    });

    it('rebuilds a TTL index when the retention changes (the migration), keeping the data', async () => {
      const first = await open({ clicksDays: 7 });
      const clickId = `keep_${newId()}`;
      try {
        await first.moduleRef
          .get(ClickRepository)
          .recordClick({ clickId, offerId: newId(), sourceId: newId(), advertiserId: newId() });
      } finally {
        await first.moduleRef.close();
      }

      const second = await open({ clicksDays: 14 });
      try {
        await second.moduleRef.get(PersistenceIndexesService).syncIndexes();
        expect(await ttlOf(second.connection, 'clicks', 'createdAt')).toBe(14 * DAY);
        expect(await second.moduleRef.get(ClickRepository).findByClickId(clickId)).not.toBeNull();
      } finally {
        await second.connection.dropDatabase();
        await second.moduleRef.close();
      }
    });
  });

  it('refuses a negative or fractional retention at start-up', () => {
    expect(() => PersistenceModule.forRoot({ retention: { clicksDays: -1 } })).toThrow(
      /retention.clicksDays/,
    );
    expect(() => PersistenceModule.forRoot({ retention: { attemptsDays: 1.5 } })).toThrow(
      /retention.attemptsDays/,
    );
  });
});
