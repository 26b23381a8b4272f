import { getConnectionToken } from '@nestjs/mongoose';
import { Test, type TestingModule } from '@nestjs/testing';
import { type EnvName, RicochetConfigModule } from '@ricochet/config';
import {
  ClickRepository,
  ConversionRepository,
  DeliveryAttemptRepository,
  DeliveryRepository,
  MongoModule,
  PostbackRepository,
} from '@ricochet/persistence';
import type { CommandStartedEvent } from 'mongodb';
import type { Connection } from 'mongoose';
import { testConfig } from '../../support/config';
import { suiteContext } from '../../support/suite';
import { newId } from './persistence.fixture';

const WRITE_COMMANDS = new Set(['insert', 'update', 'delete', 'findAndModify']);

interface ObservedWrite {
  command: string;
  collection: string;
  writeConcern: unknown;
}

/**
 * MONGO_WRITE_CONCERN through the app's own connection (MongoModule, configured from the environment): every
 * write on the intake, attribution and delivery paths carries the configured `w`, and the postback writes
 * (which ask to be journaled) carry it next to `j: true` instead of dropping it.
 */
describe('MONGO_WRITE_CONCERN', () => {
  const ctx = suiteContext('write-concern');

  async function openApp(env: Partial<Record<EnvName, string>>): Promise<TestingModule> {
    const moduleRef = await Test.createTestingModule({
      imports: [RicochetConfigModule.forRoot({ config: testConfig(ctx, env) }), MongoModule.forRoot()],
    }).compile();
    await moduleRef.init();
    return moduleRef;
  }

  /** One write of each hot path, as attribution and delivery make them; returns what went on the wire. */
  async function writeEverything(moduleRef: TestingModule): Promise<ObservedWrite[]> {
    const client = moduleRef.get<Connection>(getConnectionToken()).getClient();
    const writes: ObservedWrite[] = [];
    const listener = (event: CommandStartedEvent) => {
      if (!WRITE_COMMANDS.has(event.commandName)) return;
      writes.push({
        command: event.commandName,
        collection: String(event.command[event.commandName]),
        writeConcern: event.command.writeConcern,
      });
    };
    client.on('commandStarted', listener);
    try {
      const clickId = `clk_${newId()}`;
      const [offerId, sourceId, advertiserId, endpointId] = [newId(), newId(), newId(), newId()];
      await moduleRef.get(ClickRepository).recordClick({ clickId, offerId, sourceId, advertiserId });
      const postbacks = moduleRef.get(PostbackRepository);
      const postback = await postbacks.recordPostback({
        advertiserId,
        params: { click_id: clickId },
        method: 'GET',
        normalized: { clickId, status: 'pending', event: 'conversion' },
        nextAttemptAt: new Date(Date.now() - 60_000),
      });
      await postbacks.claimDueForSweep(new Date(), 1, { graceMs: 0 });
      await postbacks.markOutcome(postback.id, 'accepted');
      const conversions = moduleRef.get(ConversionRepository);
      const inserted = await conversions.insertIfAbsent({
        clickId,
        offerId,
        sourceId,
        advertiserId,
        event: 'conversion',
        status: 'pending',
        revenue: 1_000_000,
        payout: 800_000,
        currency: 'USD',
        postbackId: postback.id,
      });
      const conversionId = inserted.created ? inserted.conversion.id : inserted.existing.id;
      await conversions.transitionStatus(conversionId, 'pending', 'approved', { by: 'postback' });
      await postbacks.settleOutcome(postback.id, 'attributed', { conversionId });
      const deliveries = moduleRef.get(DeliveryRepository);
      const deliveryId = newId();
      await deliveries.recordAfterFirstAttempt({
        id: deliveryId,
        conversionId,
        endpointId,
        sourceId,
        status: 'approved',
        state: 'failed',
        nextAttemptAt: new Date(),
        lastError: 'HTTP 503',
      });
      await moduleRef.get(DeliveryAttemptRepository).recordAttempt({
        deliveryId,
        attemptNo: 1,
        trigger: 'first',
        url: 'https://receiver.example.com/postback',
        method: 'GET',
        statusCode: 503,
        durationMs: 12,
        startedAt: new Date(),
      });
      await deliveries.markDelivered(deliveryId, { statusCode: 200 });
    } finally {
      client.off('commandStarted', listener);
    }
    return writes;
  }

  afterAll(async () => {
    const moduleRef = await openApp({ MONGO_INDEXES: 'off' });
    await moduleRef.get<Connection>(getConnectionToken()).dropDatabase();
    await moduleRef.close();
  });

  it('writes with majority by default, postbacks journaled as well, with retryable writes and reads', async () => {
    const moduleRef = await openApp({});
    try {
      const client = moduleRef.get<Connection>(getConnectionToken()).getClient();
      expect(client.options).toMatchObject({ retryWrites: true, retryReads: true });
      expect(client.options.readPreference.mode).toBe('primary');

      const writes = await writeEverything(moduleRef);

      expect(writes.map((write) => `${write.command} ${write.collection}`)).toEqual([
        'insert clicks',
        'insert postbacks',
        'findAndModify postbacks',
        'findAndModify postbacks',
        'insert conversions',
        'findAndModify conversions',
        'update postbacks',
        'insert deliveries',
        'insert delivery_attempts',
        'findAndModify deliveries',
      ]);
      for (const write of writes) {
        const journaled = write.collection === 'postbacks' && write.command !== 'update';
        expect(write).toEqual({
          ...write,
          writeConcern: journaled ? { w: 'majority', j: true } : { w: 'majority' },
        });
      }
    } finally {
      await moduleRef.close();
    }
  });

  it('writes with a configured number of members everywhere, the postback intake included', async () => {
    const moduleRef = await openApp({ MONGO_WRITE_CONCERN: '1' });
    try {
      const writes = await writeEverything(moduleRef);

      expect(writes).toHaveLength(10);
      for (const write of writes) {
        const journaled = write.collection === 'postbacks' && write.command !== 'update';
        expect(write.writeConcern).toEqual(journaled ? { w: 1, j: true } : { w: 1 });
      }
    } finally {
      await moduleRef.close();
    }
  });
});
