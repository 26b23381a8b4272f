import { randomUUID } from 'node:crypto';
import { AttributionProducer, ReplayRunStore } from '@ricochet/queue';
import { eventually } from '../../support/config';
import { type Receiver, startReceiver } from '../../support/receiver';
import { seedDelivery, startWorker, waitForState, type WorkerHarness } from './delivery.fixture';

describe('bulk replay in the worker', () => {
  let h: WorkerHarness;
  let receiver: Receiver;

  beforeAll(async () => {
    h = await startWorker('bulk-replay');
    receiver = await startReceiver();
  });

  afterAll(async () => {
    await receiver?.stop();
    await h?.close();
  });

  it('replays every matching delivery from its checkpoint and records its progress', async () => {
    const dead: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const seeded = await seedDelivery(h, { endpoint: { url: `${receiver.url}/replayed?i=${i}` } });
      await h.deliveries.markDead(seeded.delivery.id, { lastError: 'HTTP 404', statusCode: 404 });
      dead.push(seeded.delivery.id);
    }
    const runs = h.app.get(ReplayRunStore);
    const runId = randomUUID();
    // The first delivery was replayed before a crash: the checkpoint says so, and the run resumes after it.
    await runs.start(runId, { state: 'dead' }, 3, new Date());
    await runs.checkpoint(runId, dead[0], 1);

    await h.app.get(AttributionProducer).bulkReplay(runId);

    await eventually('run done', async () => (await runs.get(runId))?.done === true);
    expect(await runs.get(runId)).toMatchObject({ matched: 3, enqueued: 3, afterId: dead[2], done: true });
    await waitForState(h, dead[1], 'delivered');
    await waitForState(h, dead[2], 'delivered');
    expect((await h.deliveries.findById(dead[0]))?.state).toBe('dead');
    expect(receiver.requests.map((request) => request.path).sort()).toEqual([
      '/replayed?i=1',
      '/replayed?i=2',
    ]);
  });
});
