import type { QueueSet } from '@ricochet/queue';
import type { Queue } from 'bullmq';
import { Registry } from 'prom-client';
import { CollectorErrors } from './collector-errors';
import { QueueMetrics } from './queue.metrics';

interface FakeJob {
  id: string;
  timestamp: number;
  processedOn?: number;
  delay: number;
  opts: { delay?: number };
}

/** A queue whose wait list head and delayed head the test sets. */
function fakeQueue(name: string, state: { waiting?: FakeJob; delayed?: FakeJob }): Queue {
  return {
    name,
    getJobCounts: () => Promise.resolve({ waiting: state.waiting ? 1 : 0, delayed: state.delayed ? 1 : 0 }),
    isPaused: () => Promise.resolve(false),
    getJobs: (types: string[]) =>
      Promise.resolve([types[0] === 'wait' ? state.waiting : state.delayed].filter(Boolean)),
  } as unknown as Queue;
}

/** A queue set whose partitions the test gives. */
function fakeQueues(partitions: Record<string, Queue[]>): QueueSet {
  return { partitionsOf: (name: string) => partitions[name] } as unknown as QueueSet;
}

describe('QueueMetrics ages', () => {
  let now: number;
  let registry: Registry;
  let metrics: QueueMetrics;
  const attribution: { waiting?: FakeJob; delayed?: FakeJob } = {};

  beforeEach(() => {
    now = 1_700_000_000_000;
    jest.spyOn(Date, 'now').mockImplementation(() => now);
    registry = new Registry();
    metrics = new QueueMetrics(
      registry,
      new CollectorErrors(registry),
      fakeQueues({
        attribution: [fakeQueue('attribution', attribution)],
        delivery: [fakeQueue('delivery', {})],
        'delivery-retry': [fakeQueue('delivery-retry', {})],
      }),
    );
  });

  afterEach(() => {
    jest.restoreAllMocks();
    delete attribution.waiting;
    delete attribution.delayed;
  });

  async function age(state: 'waiting' | 'delayed'): Promise<number> {
    metrics.expireCache();
    const text = await registry.metrics();
    const match = new RegExp(
      `ricochet_queue_oldest_job_age_seconds\\{queue="attribution",state="${state}"\\} (\\S+)`,
    ).exec(text);
    return Number(match?.[1]);
  }

  it('counts a job no worker has run from when it was added, plus the delay it was added with', async () => {
    attribution.waiting = { id: 'a', timestamp: now - 90_000, delay: 0, opts: { delay: 30_000 } };
    expect(await age('waiting')).toBe(60);
  });

  it('counts a job that ran and was put back from the first scrape that saw it at the head', async () => {
    // Ran an hour ago, delayed, promoted since: BullMQ reset its delay, so that hour is not waiting time.
    attribution.waiting = {
      id: 'retry',
      timestamp: now - 7_200_000,
      processedOn: now - 3_600_000,
      delay: 0,
      opts: {},
    };
    expect(await age('waiting')).toBe(0);
    now += 45_000;
    expect(await age('waiting')).toBe(45);
    // Another job at the head: the queue moved.
    attribution.waiting = {
      id: 'next',
      timestamp: now - 7_200_000,
      processedOn: now - 3_600_000,
      delay: 0,
      opts: {},
    };
    expect(await age('waiting')).toBe(0);
  });

  it('reports how far past its time the first delayed job is, 0 before it', async () => {
    attribution.delayed = {
      id: 'd',
      timestamp: now - 10_000,
      processedOn: now - 8_000,
      delay: 5_000,
      opts: {},
    };
    expect(await age('delayed')).toBe(3);
    attribution.delayed = { id: 'd', timestamp: now - 10_000, delay: 60_000, opts: { delay: 60_000 } };
    expect(await age('delayed')).toBe(0);
    expect(await age('waiting')).toBe(0);
  });

  it('reports one series per queue kind over its partitions: counts summed, the oldest age of any', async () => {
    const second: { waiting?: FakeJob; delayed?: FakeJob } = {
      waiting: { id: 'b', timestamp: now - 30_000, delay: 0, opts: {} },
    };
    attribution.waiting = { id: 'a', timestamp: now - 12_000, delay: 0, opts: {} };
    metrics = new QueueMetrics(
      (registry = new Registry()),
      new CollectorErrors(registry),
      fakeQueues({
        attribution: [fakeQueue('attribution', attribution), fakeQueue('attribution', second)],
        delivery: [fakeQueue('delivery', {}), fakeQueue('delivery', {})],
        'delivery-retry': [fakeQueue('delivery-retry', {}), fakeQueue('delivery-retry', {})],
      }),
    );
    expect(await age('waiting')).toBe(30);
    const text = await registry.metrics();
    expect(text).toContain('ricochet_queue_jobs{queue="attribution",state="waiting"} 2');
    expect(text.match(/ricochet_queue_jobs\{queue="attribution",state="waiting"\}/g)).toHaveLength(1);
  });
});
