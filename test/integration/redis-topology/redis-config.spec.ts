import { ConfigError, type EnvSource, loadConfig, parseRedisConnectionString } from '@ricochet/config';
import { Cluster } from 'ioredis';
import { bullConnectionOptions, createBullClient, createProbeClient, redisTopology } from '@ricochet/queue';

/** Unit level: how the Redis variables become `config.redis.url` and ioredis options (no server needed). */
function problemsOf(env: EnvSource): string {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.join('\n');
    throw error;
  }
  throw new Error('expected loadConfig to reject the environment');
}

describe('Redis topology settings', () => {
  it('keeps REDIS_URL as it is for one server, and an empty REDIS_URL means the default', () => {
    expect(loadConfig({ REDIS_URL: 'rediss://u:p@redis.example.com:6380/2' }).redis.url).toBe(
      'rediss://u:p@redis.example.com:6380/2',
    );
    expect(loadConfig({ REDIS_URL: '' }).redis.url).toBe('redis://127.0.0.1:6379');
  });

  it('reads REDIS_SENTINELS + REDIS_SENTINEL_MASTER into ioredis Sentinel options, Sentinel port 26379 by default', () => {
    const config = loadConfig({
      REDIS_SENTINELS: 'sentinel-a:26380, sentinel-b,[::1]:26381',
      REDIS_SENTINEL_MASTER: 'mymaster',
      REDIS_SENTINEL_PASSWORD: 's&=?x y',
      REDIS_PASSWORD: 'p@ss:w/rd?#%41',
    });
    expect(config.redis.url).toMatch(/^redis\+sentinel:\/\//);
    expect(redisTopology(config.redis.url)).toEqual({
      kind: 'sentinel',
      sentinels: [
        { host: 'sentinel-a', port: 26380 },
        { host: 'sentinel-b', port: 26379 },
        { host: '::1', port: 26381 },
      ],
      masterName: 'mymaster',
      password: 'p@ss:w/rd?#%41',
      sentinelPassword: 's&=?x y',
    });
    expect(bullConnectionOptions(config.redis.url)).toMatchObject({
      sentinels: [
        { host: 'sentinel-a', port: 26380 },
        { host: 'sentinel-b', port: 26379 },
        { host: '::1', port: 26381 },
      ],
      name: 'mymaster',
      role: 'master',
      password: 'p@ss:w/rd?#%41',
      sentinelPassword: 's&=?x y',
      maxRetriesPerRequest: null,
    });
  });

  it('puts REDIS_PASSWORD into a single-server URL, percent-encoded, and the factory decodes it', () => {
    const { url } = loadConfig({ REDIS_URL: 'redis://cache:6379/1', REDIS_PASSWORD: 'p@ss:w/rd%' }).redis;
    expect(bullConnectionOptions(url)).toMatchObject({
      host: 'cache',
      port: 6379,
      db: 1,
      password: 'p@ss:w/rd%',
    });
  });

  it('reads REDIS_CLUSTER_NODES and a redis+cluster:// REDIS_URL into one connection string, password folded in', () => {
    const fromNodes = loadConfig({ REDIS_CLUSTER_NODES: 'n1:7000,n2:7001,n3', REDIS_PASSWORD: 'p@ss' });
    expect(fromNodes.redis.url).toBe('redis+cluster://:p%40ss@n1:7000,n2:7001,n3:6379');
    expect(fromNodes.redis.queuePartitions).toBe(6);
    expect(loadConfig({ REDIS_URL: 'redis+cluster://n1:7000' }).redis.queuePartitions).toBe(6);
    expect(loadConfig({ REDIS_URL: 'redis://n1:7000', QUEUE_PARTITIONS: '4' }).redis.queuePartitions).toBe(4);
    expect(problemsOf({ REDIS_CLUSTER_NODES: 'n1:7000', QUEUE_PARTITIONS: '65' })).toContain(
      'QUEUE_PARTITIONS',
    );
    expect(problemsOf({ REDIS_CLUSTER_NODES: 'n1:7000', REDIS_URL: 'redis://x:1' })).toContain(
      'set only one of REDIS_URL, REDIS_SENTINELS or REDIS_CLUSTER_NODES',
    );
    expect(problemsOf({ REDIS_CLUSTER_NODES: 'n1:notaport' })).toContain('REDIS_CLUSTER_NODES');
  });

  it('builds ioredis Cluster clients for a cluster, with the password on every node and never in a message', () => {
    const url = 'redis+cluster://:pw@n1:7000,n2:7001,n3';
    expect(redisTopology(url)).toEqual({
      kind: 'cluster',
      nodes: [
        { host: 'n1', port: 7000 },
        { host: 'n2', port: 7001 },
        { host: 'n3', port: 6379 },
      ],
      password: 'pw',
    });
    const bull = createBullClient(url) as Cluster;
    const probe = createProbeClient(url, { lazyConnect: true }) as Cluster;
    bull.on('error', () => undefined);
    bull.disconnect();
    for (const client of [bull, probe]) {
      expect(client).toBeInstanceOf(Cluster);
      expect(client.options.redisOptions).toMatchObject({ password: 'pw' });
      expect(client.options.scaleReads).toBe('master');
    }
    // BullMQ's blocking connections need commands that wait, never dropped; probes fail fast.
    expect(bull.options.redisOptions?.maxRetriesPerRequest).toBeNull();
    expect(probe.options.enableOfflineQueue).toBe(false);
    // One connection's options do not exist for a cluster; the message names the nodes, not the password.
    expect(() => bullConnectionOptions(url)).toThrow(/n1:7000/);
    expect(() => bullConnectionOptions(url)).not.toThrow(/pw/);
  });

  it('reads a redis+sentinel:// REDIS_URL like the separate variables', () => {
    const fromUrl = loadConfig({
      REDIS_URL: 'redis+sentinel://:pw@s1:26379,s2:26379/mymaster?sentinelPassword=sp',
    });
    const fromVariables = loadConfig({
      REDIS_SENTINELS: 's1,s2',
      REDIS_SENTINEL_MASTER: 'mymaster',
      REDIS_PASSWORD: 'pw',
      REDIS_SENTINEL_PASSWORD: 'sp',
    });
    expect(redisTopology(fromUrl.redis.url)).toEqual(redisTopology(fromVariables.redis.url));
  });

  it.each([
    [
      { REDIS_URL: 'redis://a:6379', REDIS_SENTINELS: 's1:26379', REDIS_SENTINEL_MASTER: 'm' },
      /set only one of REDIS_URL, REDIS_SENTINELS or REDIS_CLUSTER_NODES .*got REDIS_URL and REDIS_SENTINELS/,
    ],
    [
      { REDIS_SENTINELS: 's1:26379', REDIS_SENTINEL_MASTER: 'm', REDIS_CLUSTER_NODES: 'n1:7000' },
      /set only one of .*got REDIS_SENTINELS and REDIS_CLUSTER_NODES/,
    ],
    [{ REDIS_SENTINELS: 's1:26379' }, /REDIS_SENTINEL_MASTER is required with REDIS_SENTINELS/],
    [{ REDIS_SENTINEL_MASTER: 'm' }, /REDIS_SENTINEL_MASTER is only read with REDIS_SENTINELS/],
    [{ REDIS_SENTINEL_PASSWORD: 'x' }, /REDIS_SENTINEL_PASSWORD is only read with REDIS_SENTINELS/],
    [
      { REDIS_SENTINELS: 's1:26379', REDIS_SENTINEL_MASTER: 'my master' },
      /REDIS_SENTINEL_MASTER must be a name without spaces/,
    ],
    [
      { REDIS_SENTINELS: 's1:port', REDIS_SENTINEL_MASTER: 'm' },
      /REDIS_SENTINELS must be a comma-separated list of host:port, got "s1:port"/,
    ],
    [
      { REDIS_CLUSTER_NODES: 'n1:7000,,n2:7001' },
      /REDIS_CLUSTER_NODES must be a comma-separated list of host:port/,
    ],
    [{ REDIS_CLUSTER_NODES: 'n1:70000' }, /REDIS_CLUSTER_NODES must be a comma-separated list of host:port/],
    [{ REDIS_URL: 'localhost:6379' }, /REDIS_URL must be a URL starting with redis:\/\/, rediss:\/\//],
    [{ REDIS_URL: 'redis+sentinel://s1:26379' }, /REDIS_URL must be a URL like redis\+sentinel:\/\/host1/],
    [{ REDIS_URL: 'redis+cluster://n1:x' }, /REDIS_URL must be a URL like redis\+cluster:\/\/host1/],
    [
      { REDIS_URL: 'redis://:a@cache:6379', REDIS_PASSWORD: 'b' },
      /REDIS_PASSWORD is set and REDIS_URL carries a password too/,
    ],
  ])('rejects %j with a message naming the variable', (env, message) => {
    expect(problemsOf(env)).toMatch(message);
  });

  it('never echoes a password from a bad Redis connection string', () => {
    const problems = problemsOf({
      REDIS_URL: 'redis+sentinel://:s3cret@s1:26379/?sentinelPassword=t0psecret',
    });
    expect(problems).toContain('REDIS_URL');
    expect(problems).not.toMatch(/s3cret|t0psecret/);
  });

  it('parses back exactly what it formats, for every scheme', () => {
    for (const raw of [
      'redis://127.0.0.1:6379',
      'redis+cluster://n1:7000,n2:7001',
      'redis+sentinel://u:p%40w@s1:26379,[::1]:26380/m%2Fx?sentinelPassword=a%26b',
    ]) {
      const parsed = parseRedisConnectionString('X', raw);
      expect(parsed.ok).toBe(true);
    }
    expect(
      redisTopology('redis+sentinel://u:p%40w@s1:26379,[::1]:26380/m%2Fx?sentinelPassword=a%26b'),
    ).toEqual({
      kind: 'sentinel',
      sentinels: [
        { host: 's1', port: 26379 },
        { host: '::1', port: 26380 },
      ],
      masterName: 'm/x',
      username: 'u',
      password: 'p@w',
      sentinelPassword: 'a&b',
    });
  });
});
