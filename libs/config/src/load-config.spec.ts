import { ConfigError } from './config.error';
import { DEFAULT_RETRY_SCHEDULE, loadConfig } from './load-config';

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected loadConfig to reject the environment');
}

describe('loadConfig', () => {
  it('fills every setting from documented defaults when the environment is empty', () => {
    const config = loadConfig({});
    expect(config.gateway.port).toBe(3000);
    expect(config.worker.port).toBe(3001);
    expect(config.mongo.url).toBe('mongodb://127.0.0.1:27017/ricochet');
    expect(config.redis).toEqual({
      url: 'redis://127.0.0.1:6379',
      queuePrefix: 'ricochet',
      queuePartitions: 1,
    });
    expect(config.admin.apiKeys).toEqual([]);
    expect(config.gateway.trustProxy).toBe(false);
    expect(config.forwarding.allowPrivate).toBe(false);
    expect(config.attribution.clickWaitMs).toBe(15 * 60_000);
    expect(config.retention).toEqual({ clicksDays: 90, postbacksDays: 180, attemptsDays: 30 });
    expect(config.shutdownTimeoutMs).toBe(20_000);
    expect(config.worker).toMatchObject({ jobLockMs: 20_000, stalledIntervalMs: 10_000 });
    expect(config.sweeper).toEqual({ intervalMs: 30_000, graceMs: 30_000, leaseMs: 120_000 });
    expect(config.breaker).toEqual({ failureThreshold: 5, openMs: 30_000, maxOpenMs: 600_000 });
    expect(config.gateway.dbTimeoutMs).toBe(5_000);
  });

  it('reads the reliability tunables', () => {
    const config = loadConfig({
      JOB_LOCK: '10s',
      STALLED_INTERVAL: '2s',
      SWEEPER_GRACE: '1s',
      SWEEPER_LEASE: '20s',
      BREAKER_FAILURES: '2',
      BREAKER_OPEN: '500ms',
      BREAKER_OPEN_MAX: '2s',
      DB_TIMEOUT: '750ms',
    });
    expect(config.worker).toMatchObject({ jobLockMs: 10_000, stalledIntervalMs: 2_000 });
    expect(config.sweeper).toMatchObject({ graceMs: 1_000, leaseMs: 20_000 });
    expect(config.breaker).toEqual({ failureThreshold: 2, openMs: 500, maxOpenMs: 2_000 });
    expect(config.gateway.dbTimeoutMs).toBe(750);
  });

  it.each([
    ['JOB_LOCK', '1s', /JOB_LOCK must be at least 5000 ms/],
    ['DB_TIMEOUT', '10ms', /DB_TIMEOUT must be at least 100 ms/],
    ['BREAKER_OPEN_MAX', '1s', /BREAKER_OPEN_MAX must be at least BREAKER_OPEN/],
    ['BREAKER_FAILURES', '0', /BREAKER_FAILURES must be an integer between 1 and 1000/],
  ])('stops start-up on a bad %s', (name, value, message) => {
    expect(problemsOf({ [name]: value }).join('\n')).toMatch(message);
  });

  it('parses the default retry schedule into 11 retries spanning more than 72 hours', () => {
    const schedule = loadConfig({ RETRY_SCHEDULE: DEFAULT_RETRY_SCHEDULE }).forwarding.retryScheduleMs;
    expect(schedule).toHaveLength(11);
    expect(schedule[0]).toBe(10_000);
    expect(schedule.reduce((a, b) => a + b, 0)).toBeGreaterThan(72 * 3_600_000);
  });

  it('reads explicit values of every kind', () => {
    const config = loadConfig({
      PORT: '8080',
      ADMIN_API_KEYS: 'key-aaaaaaaaaaaaaaaa, key-bbbbbbbbbbbbbbbb',
      TRUST_PROXY: '10.0.0.0/8,127.0.0.1',
      FORWARD_ALLOW_PRIVATE: 'true',
      CLICK_WAIT: '2h',
      RETRY_SCHEDULE: '1s,500ms',
      MONGO_URL: 'mongodb+srv://user:pw@cluster.example.com/ricochet',
    });
    expect(config.gateway.port).toBe(8080);
    expect(config.admin.apiKeys).toEqual(['key-aaaaaaaaaaaaaaaa', 'key-bbbbbbbbbbbbbbbb']);
    expect(config.gateway.trustProxy).toEqual(['10.0.0.0/8', '127.0.0.1']);
    expect(config.forwarding.allowPrivate).toBe(true);
    expect(config.attribution.clickWaitMs).toBe(7_200_000);
    expect(config.forwarding.retryScheduleMs).toEqual([1_000, 500]);
  });

  it.each([
    ['PORT', 'eighty', /PORT must be an integer between 0 and 65535, got "eighty"/],
    ['WORKER_PORT', '70000', /WORKER_PORT must be an integer/],
    ['MONGO_URL', 'postgres://localhost/db', /MONGO_URL must be a URL starting with mongodb:\/\//],
    ['REDIS_URL', 'localhost:6379', /REDIS_URL must be a URL starting with redis:\/\//],
    ['FORWARD_ALLOW_PRIVATE', 'maybe', /FORWARD_ALLOW_PRIVATE must be true or false/],
    ['CLICK_WAIT', '15 minutes', /CLICK_WAIT must be a duration like 10s, 15m, 2h or 1d/],
    ['RETRY_SCHEDULE', '10s,,1m', /RETRY_SCHEDULE must be a comma-separated list/],
    ['ADMIN_API_KEYS', 'short', /ADMIN_API_KEYS must be a comma-separated list of keys of at least 16/],
    ['DELIVERY_CONCURRENCY', '0', /DELIVERY_CONCURRENCY must be an integer between 1 and 1000/],
    ['NODE_ENV', 'staging', /NODE_ENV must be one of development, production, test/],
    ['QUEUE_PREFIX', 'a:b', /QUEUE_PREFIX must be 1-64 characters/],
    ['FORWARD_TIMEOUT', '60s', /FORWARD_TIMEOUT must be at most 45s/],
  ])('rejects a bad %s with a message naming it and the expected form', (name, value, message) => {
    expect(problemsOf({ [name]: value }).join('\n')).toMatch(message);
  });

  it('leaves PUBLIC_BASE_URL unset by default and keeps a valid one without its trailing slash', () => {
    expect(loadConfig({}).gateway.publicBaseUrl).toBeUndefined();
    expect(loadConfig({ PUBLIC_BASE_URL: 'https://track.example.com/' }).gateway.publicBaseUrl).toBe(
      'https://track.example.com',
    );
    expect(loadConfig({ PUBLIC_BASE_URL: 'http://example.com:8080/relay//' }).gateway.publicBaseUrl).toBe(
      'http://example.com:8080/relay',
    );
  });

  it.each([
    'track.example.com',
    'ftp://track.example.com',
    'https://track.example.com/?a=1',
    'https://track.example.com/#x',
    'https://user:pw@track.example.com',
  ])('refuses PUBLIC_BASE_URL %p', (value) => {
    const problems = problemsOf({ PUBLIC_BASE_URL: value }).join('\n');
    expect(problems).toMatch(/PUBLIC_BASE_URL must be an absolute http\(s\) URL/);
    expect(problems).not.toContain(':pw@');
  });

  it('reports every bad variable at once', () => {
    expect(problemsOf({ PORT: 'x', CLICK_WAIT: 'y', REDIS_URL: 'z' })).toHaveLength(3);
  });

  it('never echoes a password from a bad connection string', () => {
    const problems = problemsOf({ MONGO_URL: 'http://admin:s3cret@db.example.com' }).join('\n');
    expect(problems).toContain('MONGO_URL');
    expect(problems).not.toContain('s3cret');
  });
  it('writes with majority, reads admin pages from the primary and ensures indexes by default', () => {
    expect(loadConfig({}).mongo).toEqual({
      url: 'mongodb://127.0.0.1:27017/ricochet',
      writeConcern: 'majority',
      adminReadPreference: 'primary',
      indexes: 'ensure',
    });
  });

  it('reads the MongoDB replica set settings', () => {
    const config = loadConfig({
      MONGO_URL: 'mongodb://u:p@db1:27017,db2:27018,[::1]:27019/ricochet?replicaSet=rs0&retryWrites=true&w=2',
      MONGO_WRITE_CONCERN: '2',
      MONGO_ADMIN_READ_PREFERENCE: 'secondaryPreferred',
      MONGO_INDEXES: 'off',
    });
    expect(config.mongo).toEqual({
      url: 'mongodb://u:p@db1:27017,db2:27018,[::1]:27019/ricochet?replicaSet=rs0&retryWrites=true&w=2',
      writeConcern: 2,
      adminReadPreference: 'secondaryPreferred',
      indexes: 'off',
    });
    expect(
      loadConfig({ MONGO_URL: 'mongodb+srv://cluster0.example.net/ricochet?retryWrites=true&w=majority' })
        .mongo.url,
    ).toBe('mongodb+srv://cluster0.example.net/ricochet?retryWrites=true&w=majority');
  });

  it.each([
    [
      'MONGO_WRITE_CONCERN',
      '0',
      /MONGO_WRITE_CONCERN must be majority or a number of members between 1 and 50, got "0"/,
    ],
    ['MONGO_WRITE_CONCERN', '51', /MONGO_WRITE_CONCERN must be majority or a number/],
    ['MONGO_WRITE_CONCERN', 'all', /MONGO_WRITE_CONCERN must be majority or a number/],
    [
      'MONGO_ADMIN_READ_PREFERENCE',
      'secondary_preferred',
      /MONGO_ADMIN_READ_PREFERENCE must be one of primary, primaryPreferred, secondaryPreferred, secondary, nearest/,
    ],
    ['MONGO_INDEXES', 'drop', /MONGO_INDEXES must be one of ensure, sync, off/],
    [
      'MONGO_URL',
      'mongodb://db1:27017,db2:99999/ricochet',
      /MONGO_URL must be a URL starting with mongodb:\/\//,
    ],
    ['MONGO_URL', 'mongodb+srv://a.example.net,b.example.net/ricochet', /MONGO_URL must be a URL/],
    [
      'MONGO_URL',
      'mongodb://db1/ricochet?w=1',
      /MONGO_URL must not set w=1: MONGO_WRITE_CONCERN \(majority\)/,
    ],
    [
      'MONGO_URL',
      'mongodb://db1/ricochet?readPreference=secondary',
      /MONGO_URL must not set readPreference=secondary/,
    ],
    ['MONGO_URL', 'mongodb://db1/ricochet?retryWrites=false', /MONGO_URL must not set retryWrites=false/],
  ])('refuses %s=%s', (name, value, message) => {
    expect(problemsOf({ [name]: value }).join('\n')).toMatch(message);
  });

  it('reads the alert settings: off without a URL, validated when set', () => {
    expect(loadConfig({}).alerts).toEqual({
      format: 'generic',
      secret: '',
      intervalMs: 900_000,
      unattributedMin: 20,
      unattributedPercent: 50,
      unattributedWindowMs: 300_000,
    });
    expect(
      loadConfig({
        ALERT_WEBHOOK_URL: 'https://hooks.slack.com/services/T/B/X',
        ALERT_WEBHOOK_FORMAT: 'slack',
      }).alerts,
    ).toMatchObject({ webhookUrl: 'https://hooks.slack.com/services/T/B/X', format: 'slack' });
    const problems = problemsOf({
      ALERT_WEBHOOK_URL: 'ftp://x',
      ALERT_WEBHOOK_FORMAT: 'teams',
      ALERT_WEBHOOK_SECRET: 'whsec_!!',
      ALERT_UNATTRIBUTED_PERCENT: '0',
    }).join('\n');
    for (const name of [
      'ALERT_WEBHOOK_URL',
      'ALERT_WEBHOOK_FORMAT',
      'ALERT_WEBHOOK_SECRET',
      'ALERT_UNATTRIBUTED_PERCENT',
    ])
      expect(problems).toContain(name);
  });
});
