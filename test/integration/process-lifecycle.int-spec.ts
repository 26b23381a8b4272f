import { eventually } from '../support/config';
import { freePort } from '../support/free-port';
import { ENTRY_POINTS, spawnEntryPoint, type SpawnedProcess } from '../support/processes';
import { suiteContext } from '../support/suite';

const ctx = suiteContext('process-lifecycle');

async function ready(port: number): Promise<boolean> {
  try {
    return (await fetch(`http://127.0.0.1:${port}/health/ready`)).status === 200;
  } catch {
    return false;
  }
}

describe('the deployables as processes', () => {
  const spawned: SpawnedProcess[] = [];
  afterAll(() => {
    for (const process of spawned) process.child.kill('SIGKILL');
  });

  it('refuses to start on a bad variable, naming it and the expected form', async () => {
    const gateway = spawnEntryPoint(ENTRY_POINTS.gateway, { PORT: 'eighty', CLICK_WAIT: 'soon' });
    spawned.push(gateway);
    const { code } = await gateway.exited;
    expect(code).toBe(1);
    expect(gateway.output()).toContain('PORT must be an integer between 0 and 65535, got "eighty"');
    expect(gateway.output()).toContain('CLICK_WAIT must be a duration like 10s, 15m, 2h or 1d, got "soon"');
  });

  it.each([
    ['gateway', ENTRY_POINTS.gateway, 'PORT'],
    ['worker', ENTRY_POINTS.worker, 'WORKER_PORT'],
    ['all-in-one', ENTRY_POINTS.allInOne, 'PORT'],
  ])(
    '%s becomes ready, then exits promptly and cleanly on SIGTERM',
    async (_name, entry, portVariable) => {
      const port = await freePort();
      const app = spawnEntryPoint(entry, {
        MONGO_URL: ctx.mongoUrl,
        REDIS_URL: ctx.redisUrl,
        QUEUE_PREFIX: ctx.queuePrefix,
        [portVariable]: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
      });
      spawned.push(app);
      await eventually(`${entry} ready on ${port}`, () => ready(port), {
        timeoutMs: 45_000,
        intervalMs: 200,
      });

      const signalledAt = Date.now();
      app.child.kill('SIGTERM');
      const exit = await app.exited;
      expect(Date.now() - signalledAt).toBeLessThan(20_000);
      // Nest closes the app, then re-raises the signal: a clean exit reads as code 0 or SIGTERM.
      expect(exit.code === 0 || exit.signal === 'SIGTERM').toBe(true);
      expect(app.output()).toContain('SIGTERM received');
    },
    60_000,
  );
});
