import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RedisPolicyCheck, verifyRedisDeployment } from '../../../libs/queue/src/redis-policy.check';
import { testConfig } from '../../support/config';
import { freePort } from '../../support/free-port';
import { freePorts, nodeCommand, type RedisNode, spawnRedisNode } from '../../support/redis-node';
import { suiteContext } from '../../support/suite';

/**
 * The start-up check on one Redis server: a primary with `noeviction` passes quietly; what would break
 * the queues stops start-up; what the check merely cannot see (Redis down, CONFIG disabled as on some
 * managed services) only warns, so the process starts and readiness reports Redis.
 */
describe('Redis start-up check on one server', () => {
  const ctx = suiteContext('redis-single-node');
  const nodes: RedisNode[] = [];
  let dir: string;
  let primary: RedisNode;
  let replica: RedisNode;
  let locked: RedisNode;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ricochet-single-'));
    const [primaryPort, replicaPort, lockedPort] = await freePorts(3);
    const base = (port: number) => [
      ...['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--protected-mode', 'no'],
      ...['--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction'],
    ];
    primary = await spawnRedisNode(primaryPort, base(primaryPort), 'Ready to accept connections');
    replica = await spawnRedisNode(
      replicaPort,
      [...base(replicaPort), '--replicaof', '127.0.0.1', String(primaryPort)],
      'Ready to accept connections',
    );
    // A managed-service lookalike: CONFIG is not available to clients.
    locked = await spawnRedisNode(
      lockedPort,
      [...base(lockedPort), '--rename-command', 'CONFIG', ''],
      'Ready to accept connections',
    );
    nodes.push(primary, replica, locked);
  });

  afterAll(async () => {
    await Promise.all(nodes.map((node) => node.kill()));
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const urlOf = (node: RedisNode): string => `redis://127.0.0.1:${node.port}`;

  it('passes a noeviction primary without a warning', async () => {
    await expect(verifyRedisDeployment(urlOf(primary))).resolves.toEqual([]);
    await expect(
      new RedisPolicyCheck(testConfig(ctx, { REDIS_URL: urlOf(primary) })).onApplicationBootstrap(),
    ).resolves.toBeUndefined();
  });

  it('stops start-up on an evicting policy', async () => {
    await nodeCommand(primary, undefined, 'CONFIG', 'SET', 'maxmemory-policy', 'volatile-lru');
    try {
      await expect(verifyRedisDeployment(urlOf(primary))).rejects.toThrow(
        'Redis maxmemory-policy is "volatile-lru"; Ricochet requires "noeviction"',
      );
    } finally {
      await nodeCommand(primary, undefined, 'CONFIG', 'SET', 'maxmemory-policy', 'noeviction');
    }
  });

  it('stops start-up on a read-only replica given as REDIS_URL, naming its primary', async () => {
    await expect(verifyRedisDeployment(urlOf(replica))).rejects.toThrow(
      `127.0.0.1:${replica.port} is a read-only replica (of 127.0.0.1:${primary.port})`,
    );
  });

  it('only warns when CONFIG is disabled, or when Redis is down', async () => {
    const warnings = await verifyRedisDeployment(urlOf(locked));
    expect(warnings).toEqual([
      expect.stringMatching(/^could not read the maxmemory-policy of Redis \(127\.0\.0\.1:\d+\)/),
    ]);

    const nobody = `redis://127.0.0.1:${await freePort()}`;
    expect(await verifyRedisDeployment(nobody)).toEqual([
      expect.stringMatching(/^could not reach Redis \(127\.0\.0\.1:\d+\) to check it: /),
    ]);
  });
});
