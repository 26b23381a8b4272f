import { DelayedError, type Job } from 'bullmq';
import type { RicochetConfig } from '@ricochet/config';
import type { DeliveryJobData, DeliveryProducer, QueueSet } from '@ricochet/queue';
import { DeliveryWorkerHost, infrastructureRetryDelayMs } from './delivery-worker.host';
import type { DeliverResult, DeliveryService } from './delivery.service';
import { Logger } from '@nestjs/common';

class TestHost extends DeliveryWorkerHost {
  protected readonly logger = new Logger('test');
  protected readonly lane = 'first' as const;
  readonly handedOff: { deliveryId: string; delayMs?: number }[] = [];

  constructor(deliver: () => Promise<DeliverResult>) {
    const handedOff: { deliveryId: string; delayMs?: number }[] = [];
    const producer = {
      enqueue: (deliveryId: string, _trigger: string, options: { delayMs?: number }) => {
        handedOff.push({ deliveryId, delayMs: options.delayMs });
        return Promise.resolve('added');
      },
    };
    super(
      { deliver } as unknown as DeliveryService,
      producer as unknown as DeliveryProducer,
      {} as QueueSet,
      {} as RicochetConfig,
    );
    this.handedOff = handedOff;
    this.logger.warn = () => undefined;
  }
}

function fakeJob(attemptsStarted = 1) {
  const moves: { until: number; token?: string }[] = [];
  const job = {
    data: { deliveryId: 'd1', trigger: 'first' },
    attemptsStarted,
    moveToDelayed: (until: number, token?: string) => {
      moves.push({ until, token });
      return Promise.resolve();
    },
  } as unknown as Job<DeliveryJobData>;
  return { job, moves };
}

describe('DeliveryWorkerHost', () => {
  it('completes the job when the service is done', async () => {
    const { job, moves } = fakeJob();
    await new TestHost(() => Promise.resolve({ kind: 'done' })).process(job, 'tok');
    expect(moves).toEqual([]);
  });

  it('delays the job without failing it when the service asks to wait', async () => {
    const { job, moves } = fakeJob();
    const host = new TestHost(() => Promise.resolve({ kind: 'delay', untilMs: 1234 }));
    await expect(host.process(job, 'tok')).rejects.toBeInstanceOf(DelayedError);
    expect(moves).toEqual([{ until: 1234, token: 'tok' }]);
  });

  it('hands a failed first attempt to the retry lane and completes its own job', async () => {
    const { job, moves } = fakeJob();
    const host = new TestHost(() => Promise.resolve({ kind: 'to-retry-lane', delayMs: 10_000 }));
    await host.process(job, 'tok');
    expect(moves).toEqual([]);
    expect(host.handedOff).toEqual([{ deliveryId: 'd1', delayMs: 10_000 }]);
  });

  it('delays the job on an infrastructure fault instead of settling the delivery', async () => {
    const { job, moves } = fakeJob(3);
    const before = Date.now();
    const host = new TestHost(() => Promise.reject(new Error('connection closed')));
    await expect(host.process(job, 'tok')).rejects.toBeInstanceOf(DelayedError);
    expect(moves[0].until).toBeGreaterThanOrEqual(before + 4_000);
  });

  it('backs off 1 s, 2 s, 4 s … up to a minute', () => {
    expect([1, 2, 3, 4, 7, 8, 50].map(infrastructureRetryDelayMs)).toEqual([
      1_000, 2_000, 4_000, 8_000, 60_000, 60_000, 60_000,
    ]);
  });
});
