/** Ricochet's validated configuration. Built once by {@link loadConfig}; injected everywhere else. */
export interface RicochetConfig {
  env: 'development' | 'production' | 'test';
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  gateway: {
    host: string;
    port: number;
    /** Fastify `trustProxy`: false, true, or a list of proxy addresses/CIDRs whose X-Forwarded-For is honoured. */
    trustProxy: boolean | string[];
    /** Node server timeouts against slow or idle clients. */
    requestTimeoutMs: number;
    headersTimeoutMs: number;
    keepAliveTimeoutMs: number;
    /** Budget of every MongoDB call on the click and postback request path; past it: 503 + Retry-After. */
    dbTimeoutMs: number;
    /**
     * The gateway's address as advertisers and traffic sources reach it (`https://track.example.com`,
     * optionally with a path prefix; no trailing slash). Makes the admin API's ready-to-paste postback and
     * tracking URLs absolute; unset, they are paths relative to wherever the gateway is published.
     */
    publicBaseUrl?: string;
  };
  metrics: {
    /** Separate port for `/metrics` (0 = not served on its own port). */
    port: number;
    /** Bearer token that opens `/metrics` on the public port (empty = not served there). */
    token: string;
  };
  worker: {
    /** The worker's own health/metrics port. */
    port: number;
    attributionConcurrency: number;
    deliveryConcurrency: number;
    /** BullMQ job lock; renewed every half of it while a job runs, so it bounds how soon a dead worker's job is taken over. */
    jobLockMs: number;
    /** How often each worker looks for jobs whose lock expired (stalled: their worker died). */
    stalledIntervalMs: number;
  };
  mongo: {
    url: string;
    /** `w` of every write: `majority` (default) or a number of replica set members (1-50). */
    writeConcern: 'majority' | number;
    /**
     * Where admin listings and reports read (`primary` by default). Attribution, intake, sweeper claims and
     * anything else that reads before it writes always read the primary.
     */
    adminReadPreference: 'primary' | 'primaryPreferred' | 'secondaryPreferred' | 'secondary' | 'nearest';
    /**
     * Index handling at boot: `ensure` (default) creates missing indexes and never drops one; `sync` also
     * rebuilds changed and drops undeclared ones (what `npm run migrate` does); `off` leaves them alone.
     */
    indexes: 'ensure' | 'sync' | 'off';
  };
  redis: {
    /**
     * How to reach Redis, as one connection string whatever the topology: `redis://` / `rediss://` (one
     * server), `redis+sentinel://` (built from `REDIS_SENTINELS`) or `redis+cluster://`. Its forms are
     * described in `redis-connection-string.ts`; pass it whole to the factory in `@ricochet/queue`.
     */
    url: string;
    /** BullMQ key prefix; lets several installs (or test suites) share one Redis. */
    queuePrefix: string;
    /**
     * How many partitions each queue is split into (`QUEUE_PARTITIONS`; 1 by default, 6 on a cluster).
     * A job's partition is a stable hash of its id, and each partition is one hash slot on a cluster,
     * so the partitions spread the queues over the cluster's primaries. See `queue-partitions.ts`.
     */
    queuePartitions: number;
  };
  admin: {
    /** Accepted admin API keys; empty = the admin API answers 401 to everyone. */
    apiKeys: string[];
    /** bull-board at /queues: `read-only` (default), `read-write` (retry, remove, pause) or `off`. */
    queueDashboard: 'off' | 'read-only' | 'read-write';
  };
  attribution: {
    /** How long a postback waits for its click before it is marked unattributed. */
    clickWaitMs: number;
  };
  forwarding: {
    /** Opens private, loopback and link-local destinations (local use and tests only). */
    allowPrivate: boolean;
    /** CIDRs that pass the SSRF guard even though they are private. */
    allowlist: string[];
    retryScheduleMs: number[];
    connectTimeoutMs: number;
    totalTimeoutMs: number;
  };
  sweeper: {
    intervalMs: number;
    /** Only work overdue by more than this is re-enqueued: a job about to fire is left alone. */
    graceMs: number;
    /** A re-enqueued item is not claimed again for this long. */
    leaseMs: number;
  };
  breaker: {
    /** Consecutive failures that open an endpoint's circuit. */
    failureThreshold: number;
    /** First open period; it doubles on each failed probe up to `maxOpenMs`. */
    openMs: number;
    maxOpenMs: number;
  };
  security: {
    /** Default tolerance of a signed postback's timestamp (advertisers may set their own). */
    signatureToleranceMs: number;
    /** Parameter and header names redacted in attempt logs, logs and stored params, besides the built-in list. */
    redactNames: string[];
  };
  /** Outbound operator alerts (the worker); off while `webhookUrl` is unset. */
  alerts: {
    webhookUrl?: string;
    /** `generic`: Ricochet's JSON event; `slack`: a Slack-compatible `{ text }` message. */
    format: 'generic' | 'slack';
    /** Signs each alert with Standard Webhooks headers when set. */
    secret: string;
    /** At most one alert per kind and subject (endpoint, advertiser) per interval, across processes. */
    intervalMs: number;
    /** Unattributed-spike alert: at least this many unattributed postbacks of one advertiser… */
    unattributedMin: number;
    /** …making at least this percentage of its postbacks settled… */
    unattributedPercent: number;
    /** …within one window of this length (counted per worker process). */
    unattributedWindowMs: number;
  };
  retention: { clicksDays: number; postbacksDays: number; attemptsDays: number };
  /** How long SIGTERM waits for in-flight work before the process exits. */
  shutdownTimeoutMs: number;
}

export type EnvSource = Readonly<Record<string, string | undefined>>;

/** A Redis server, Sentinel or cluster node address. */
export interface RedisHostPort {
  host: string;
  port: number;
}

/** Where Redis is, as read from `config.redis.url` by `parseRedisConnectionString`. */
export type RedisTopology =
  | { kind: 'single'; url: string }
  | {
      kind: 'sentinel';
      sentinels: RedisHostPort[];
      /** The name the Sentinels monitor the primary under. */
      masterName: string;
      /** Credentials of the primary and its replicas. */
      username?: string;
      password?: string;
      /** `requirepass` of the Sentinels themselves. */
      sentinelPassword?: string;
    }
  | { kind: 'cluster'; nodes: RedisHostPort[]; username?: string; password?: string };
