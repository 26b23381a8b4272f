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
      fakeQueue('attribution', attribution),
      fakeQueue('delivery', {}),
      fakeQueue('delivery-retry', {}),
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
});
