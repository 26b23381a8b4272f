import { type EnvName, loadConfig, type RicochetConfig } from '@ricochet/config';
import type { SuiteContext } from './suite';

/** A validated config for one suite: its own database and queue prefix, quiet logs, local forwarding allowed. */
export function testConfig(ctx: SuiteContext, env: Partial<Record<EnvName, string>> = {}): RicochetConfig {
  return loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    MONGO_URL: ctx.mongoUrl,
    REDIS_URL: ctx.redisUrl,
    QUEUE_PREFIX: ctx.queuePrefix.replace(/[^A-Za-z0-9_.-]/g, '_'),
    ADMIN_API_KEYS: 'test-admin-key-0123456789',
    FORWARD_ALLOW_PRIVATE: 'true',
    PORT: '0',
    WORKER_PORT: '0',
    ...env,
  });
}

/** Resolves once `probe` returns true, checking every `intervalMs`; rejects with `what` after `timeoutMs`. */
export async function eventually(
  what: string,
  probe: () => Promise<boolean>,
  { timeoutMs = 10_000, intervalMs = 100 } = {},
): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await probe()) return Date.now() - started;
    if (Date.now() - started > timeoutMs)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
